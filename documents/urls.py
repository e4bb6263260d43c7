"""/documents/: project documents, served after the access rule (documents.selectors)."""
from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/", views.document_download, name="download"),
]
