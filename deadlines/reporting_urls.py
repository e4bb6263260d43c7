from django.urls import path

from deadlines import views

# Included at reporting/: a report's file, checked by deadlines.selectors.report_submission_readable.
urlpatterns = [
    path("reports/<int:pk>/file/", views.report_file, name="report-file"),
]
