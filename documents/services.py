"""Writing documents: a checked file stored under a name nobody chose, or a link; all or nothing."""
from django.db import transaction
from django.utils.text import get_valid_filename

from documents.models import Document
from documents.uploads import check_upload


def add_document(project, *, title: str, user=None, upload=None, url: str = "", **fields) -> Document:
    """Store the upload (checked: documents.uploads) or record the link, and the Document row.

    Raises ValidationError naming what is wrong before anything is stored; if the row
    cannot be saved, the file just stored is deleted again, so nothing is left behind.
    """
    document = Document(project=project, title=title, url=url, uploaded_by=user, **fields)
    if upload is not None:
        checked = check_upload(upload)
        document.content_type = checked.content_type
        document.size = checked.size
        document.original_name = get_valid_filename(upload.name or "document")[:255] or "document"
        document._checked_extension = checked.extension
        document.file = upload
    document.full_clean(exclude=["file"])
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        if document.file and document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document
