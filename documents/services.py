"""Writing documents: a checked file stored under a name nobody chose, or a link; all or nothing.

A stored file lives as long as its row: replacing or removing a document's file, or
deleting the document (the project's deletion included), deletes the file once the
transaction commits, so a rolled-back delete never loses a file that is still listed.
"""
from django.db import transaction
from django.utils.text import get_valid_filename

from documents.models import Document
from documents.uploads import CheckedUpload, check_upload


def document_file_set(*, document: Document, upload, checked: CheckedUpload, user=None) -> None:
    """Put a checked upload on `document` (saved with it, under a name made by documents.uploads.stored_name)."""
    document.content_type = checked.content_type
    document.size = checked.size
    document.original_name = get_valid_filename(upload.name or "document")[:255] or "document"
    document._checked_extension = checked.extension
    document.file = upload
    if user is not None:
        document.uploaded_by = user


def document_file_delete_on_commit(*, storage, name: str) -> None:
    """Delete a stored file once the current transaction commits (at once outside one)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def add_document(project, *, title: str, user=None, upload=None, url: str = "", **fields) -> Document:
    """Store the upload (checked: documents.uploads) or record the link, and the Document row.

    Raises ValidationError naming what is wrong before anything is stored; if the row
    cannot be saved, the file just stored is deleted again, so nothing is left behind.
    """
    document = Document(project=project, title=title, url=url, uploaded_by=user, **fields)
    if upload is not None:
        document_file_set(document=document, upload=upload, checked=check_upload(upload))
    document.full_clean(exclude=["file"])
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        if document.file and document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


def document_delete(*, document: Document) -> None:
    """Delete the row; its file goes when the transaction commits (documents.apps connects the same for cascades)."""
    document.delete()


def delete_file_of_deleted(sender, instance: Document, **kwargs) -> None:
    """post_delete of Document: the only hook a project's cascade passes through."""
    if instance.file and instance.file.name:
        document_file_delete_on_commit(storage=instance.file.storage, name=instance.file.name)


def documents_bucket_ensure(*, wait: float = 0, interval: float = 1) -> str:
    """Create the documents bucket if the storage is an S3 bucket that does not exist yet; say what was done.

    `wait`: seconds to keep retrying while the object store is still starting (docker-compose
    starts it beside the web service). The filesystem storage needs nothing.
    """
    import time

    from botocore.exceptions import ClientError, EndpointConnectionError

    from documents.storage import documents_storage

    bucket_name = getattr(documents_storage, "bucket_name", None)
    if bucket_name is None:
        return "documents are stored on the filesystem: no bucket to create"
    client = documents_storage.connection.meta.client
    deadline = time.monotonic() + wait
    while True:
        try:
            try:
                client.head_bucket(Bucket=bucket_name)
                return f"bucket {bucket_name} exists"
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
                    raise
            client.create_bucket(Bucket=bucket_name)
            return f"created bucket {bucket_name}"
        except EndpointConnectionError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(interval)
