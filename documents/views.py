"""Serving a document's bytes, only after the caller's access rule has been checked.

`document_response` is the one way bytes leave the documents storage: the project
documents view here and the report download in deadlines both check who may read
first and then call it. With DOCUMENT_X_ACCEL_REDIRECT set, a fronting nginx sends the
file (from an `internal` location) and Django only answers the permission question.
"""
import logging
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from documents.models import Document
from documents.selectors import document_for_download

logger = logging.getLogger(__name__)


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
        try:
            stream = document.file.storage.open(document.file.name, "rb")
        except FileNotFoundError:  # the row outlived its file (restored from a backup without files)
            logger.error("document %s: stored file %s is missing", document.pk, document.file.name)
            raise Http404(_("No such document.")) from None
        response = FileResponse(stream, content_type=document.content_type or "application/octet-stream")
        if document.size is not None:
            response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = _disposition(document.original_name or document.title)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_GET
def document_download(request, pk: int) -> HttpResponse:
    """A project document for whoever may read it (documents.selectors); 404 for anyone else, as if absent."""
    document = document_for_download(user=request.user, pk=pk)
    if document is None:
        raise Http404(_("No such document."))
    return document_response(request, document)
