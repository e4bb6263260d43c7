"""What an uploaded document may be: its type read from its content, its size capped.

The name a browser sends is never trusted: the type comes from the file's first bytes
(`filetype`), and the stored name is made here from the detected type. Plain text has no
signature, so a CSV is taken only when its name says .csv and its bytes are text.
"""
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Detected MIME type → the extension the stored file gets.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "text/csv": "csv",
}
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the sniff's end is still text.
        if error.start < len(head) - 4:
            return False
    return True


def check_upload(upload) -> CheckedUpload:
    """Refuse a file over DOCUMENT_MAX_SIZE or of a type not allowed; say which and why."""
    size = upload.size
    if size > settings.DOCUMENT_MAX_SIZE:
        raise ValidationError(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": f"{size:,}", "limit": f"{settings.DOCUMENT_MAX_SIZE:,}"},
            code="too_big",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        name = (getattr(upload, "name", "") or "").lower()
        if name.endswith(".csv") and _looks_like_text(head):
            return CheckedUpload("text/csv", "csv", size)
        raise ValidationError(
            _("The file's content is not a PDF, office or OpenDocument file, image or CSV."), code="type"
        )
    if kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("The file's content is %(type)s, which is not allowed: upload a PDF, office or OpenDocument file, image or CSV.")
            % {"type": kind.mime},
            code="type",
        )
    return CheckedUpload(kind.mime, ALLOWED_TYPES[kind.mime], size)


def stored_name(instance, filename: str) -> str:
    """A name nobody chose: the project, a random id and the detected extension."""
    extension = getattr(instance, "_checked_extension", "") or "bin"
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}.{extension}"
