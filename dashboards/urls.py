from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("projects/", views.dashboard, name="projects"),
    path("projects/<str:key>/", views.project_detail, name="project"),
    path("corridors/", views.corridors, name="corridors"),
    path("results/", views.results_summary, name="results"),
    path("donors/<str:acronym>/", views.donor_detail, name="donor"),
    path("donors/<str:acronym>/reporting/", views.donor_reporting, name="donor-reporting"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
]
