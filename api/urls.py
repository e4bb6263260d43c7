"""/api/v1/: the read-only REST API (namespace "api")."""
from django.urls import path

from api import serializers, views
from api.documents import DocumentFileView, ProjectDocumentsView, ReportFileView
from api.results import ProjectResultsView, ResultsCsvView
from donors.models import Donor, Partner
from projects.selectors import corridors_visible, donors_visible, partners_visible
from regions.models import Corridor, Country, Region

app_name = "api"


def reference_list(queryset, serializer_class, visible=None):
    """One ReferenceListView per reference list: what it lists, in what order, how each item reads,
    and (`visible`) which rows the caller may know of."""
    return views.ReferenceListView.as_view(queryset=queryset, serializer_class=serializer_class, visible=visible)


donors = Donor.objects.select_related("country").order_by("acronym", "id")
partners = Partner.objects.order_by("name", "id")
regions = Region.objects.order_by("name", "id")
countries = Country.objects.select_related("region").order_by("name", "id")
corridors = Corridor.objects.select_related("origin", "destination").order_by("origin__name", "destination__name", "id")

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<str:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<str:pk>/results/", ProjectResultsView.as_view(), name="project-results"),
    path("projects/<str:pk>/documents/", ProjectDocumentsView.as_view(), name="project-documents"),
    path("documents/<str:pk>/file/", DocumentFileView.as_view(), name="document-file"),
    path("reports/<str:pk>/file/", ReportFileView.as_view(), name="report-file"),
    path("projects/<str:pk>/iati.xml", views.ProjectIatiView.as_view(), name="project-iati"),
    path("results.csv", ResultsCsvView.as_view(), name="results-csv"),
    path("iati/activities.xml", views.IatiActivitiesView.as_view(), name="iati-activities"),
    path("stats/", views.ProjectStatsView.as_view(), name="stats"),
    path("deadlines/", views.DeadlineListView.as_view(), name="deadline-list"),
    path("donors/", reference_list(donors, serializers.DonorSerializer, donors_visible), name="donor-list"),
    path("partners/", reference_list(partners, serializers.PartnerSerializer, partners_visible), name="partner-list"),
    path("regions/", reference_list(regions, serializers.RegionSerializer), name="region-list"),
    path("countries/", reference_list(countries, serializers.CountrySerializer), name="country-list"),
    path("corridors/", reference_list(corridors, serializers.CorridorSerializer, corridors_visible), name="corridor-list"),
]
