from django.apps import AppConfig
from django.db.models.signals import post_delete


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from documents import storage
        from documents.models import Document
        from documents.services import delete_file_of_deleted

        storage.connect_signals()
        # A signal rather than a service: deleting a project deletes its documents by cascade.
        post_delete.connect(delete_file_of_deleted, sender=Document, dispatch_uid="documents-delete-file")
