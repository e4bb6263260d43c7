"""/api/v1/: the read-only REST API (namespace "api")."""
from django.urls import path

from donors.views import DonorListView, PartnerListView
from projects import views
from regions.views import CorridorListView, CountryListView, RegionListView

app_name = "api"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<str:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<str:pk>/iati.xml", views.ProjectIatiView.as_view(), name="project-iati"),
    path("iati/activities.xml", views.IatiActivitiesView.as_view(), name="iati-activities"),
    path("stats/", views.ProjectStatsView.as_view(), name="stats"),
    path("donors/", DonorListView.as_view(), name="donor-list"),
    path("partners/", PartnerListView.as_view(), name="partner-list"),
    path("regions/", RegionListView.as_view(), name="region-list"),
    path("countries/", CountryListView.as_view(), name="country-list"),
    path("corridors/", CorridorListView.as_view(), name="corridor-list"),
]
