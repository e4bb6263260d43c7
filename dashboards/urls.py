from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("projects/", views.dashboard, name="projects"),
    path("projects/<str:key>/", views.project_detail, name="project"),
    path("projects/<str:key>/sheet.pdf", views.project_sheet_pdf, name="project-sheet"),
    path("report.pdf", views.portfolio_report_pdf, name="report"),
    path("corridors/", views.corridors, name="corridors"),
    path("results/", views.results_summary, name="results"),
    path("donors/<str:acronym>/", views.donor_detail, name="donor"),
    path("donors/<str:acronym>/report.pdf", views.donor_report_pdf, name="donor-report"),
    path("donors/<str:acronym>/reporting/", views.donor_reporting, name="donor-reporting"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
]
