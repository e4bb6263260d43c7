"""Serving a document's bytes, only after the caller's access rule has been checked.

`document_response` is the one way bytes leave the documents storage: the project
documents view here and the report download in deadlines both check who may read
first and then call it. With DOCUMENT_X_ACCEL_REDIRECT set, a fronting nginx sends the
file (from an `internal` location) and Django only answers the permission question.
"""
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from documents.models import Document


def _disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "").replace("?", "_") or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def document_response(request, document: Document) -> HttpResponse:
    """The file as an attachment (or a redirect to a link); the caller has checked the permission."""
    if document.is_link:
        return HttpResponseRedirect(document.url)
    if settings.DOCUMENT_X_ACCEL_REDIRECT:
        response = HttpResponse(content_type=document.content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = settings.DOCUMENT_X_ACCEL_REDIRECT.rstrip("/") + "/" + quote(document.file.name)
    else:
        response = FileResponse(
            document.file.storage.open(document.file.name, "rb"),
            content_type=document.content_type or "application/octet-stream",
        )
        if document.size is not None:
            response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = _disposition(document.original_name or document.title)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
