"""Where document files live: `STORAGES["documents"]`, never a public media URL.

The embedded default keeps them under PORTFOLIO_VAR_DIR/documents; a deployment points
the alias at an S3-compatible object store (django-storages) so every web server reads
the same files. Files reach a browser only through documents.views, after the access
rule (documents.selectors) has been checked.
"""
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty

ALIAS = "documents"


class DocumentsStorage(LazyObject):
    """The storage behind the alias, looked up when first used (and again after a test changes STORAGES)."""

    def _setup(self):
        self._wrapped = storages[ALIAS]


documents_storage = DocumentsStorage()


def get_documents_storage():
    """For FileField(storage=...): a callable keeps the backend out of the migrations."""
    return documents_storage


def _reset(*, setting, **kwargs):
    if setting == "STORAGES":
        documents_storage._wrapped = empty


def connect_signals():
    setting_changed.connect(_reset, dispatch_uid="documents-storage-reset")
