"""Who reads which document: staff every one; everyone else public documents of published projects.

Report files are restricted documents: outside the staff they reach only the donor they
are owed to, through the reports' own download URL (deadlines), never through these.
"""
import dataclasses
import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import F, QuerySet
from django.urls import reverse

from documents.models import Document
from projects.selectors import sees_all_projects

LINK_FORMAT = "text/html"  # what a link is said to be in IATI's document-link/@format
# Newest first, undated last on every database (PostgreSQL puts NULL first in a descending order, SQLite last).
NEWEST_FIRST = (F("document_date").desc(nulls_last=True), "title", "id")


def documents_readable_by(user) -> QuerySet[Document]:
    documents = Document.objects.all()
    return documents if sees_all_projects(user) else documents.public()


def document_for_download(*, user, pk: int) -> Document | None:
    """The document `user` may download, or None (the caller answers 404, never 403)."""
    return documents_readable_by(user).filter(pk=pk).first()


def project_documents(*, project, user) -> list[Document]:
    """The project's documents `user` may read, newest first (one query); the project is one `user` may see.

    Report files are not among them: each is listed with its deadline, version by version
    (deadlines.selectors), where staff review it and the donor it is owed to downloads it.
    """
    documents = documents_readable_by(user).filter(project=project, report_submission__isnull=True)
    return list(documents.order_by(*NEWEST_FIRST))


def download_path(document: Document) -> str:
    return reverse("documents:download", args=[document.pk])


def download_url(document: Document) -> str:
    """Where anyone reaches the document from outside: SITE_URL's download page for a file, the link itself."""
    return document.url if document.is_link else settings.SITE_URL + download_path(document)


@dataclasses.dataclass(frozen=True)
class DocumentLink:
    """A public document as IATI's document-link describes it."""

    url: str
    format: str
    title: str
    category: str
    language: str
    date: datetime.date | None


def document_links_of(project_ids) -> dict[int, list[DocumentLink]]:
    """Project id → its public documents as IATI document-links (one query).

    Public means is_public: the caller already chose which projects it may see (a staff
    export of a draft lists the draft's public documents, which go out with it once published).
    """
    links: dict[int, list[DocumentLink]] = defaultdict(list)
    rows = Document.objects.filter(project_id__in=project_ids, is_public=True).order_by(
        "project_id", *NEWEST_FIRST
    )
    for document in rows:
        links[document.project_id].append(DocumentLink(
            url=download_url(document),
            format=LINK_FORMAT if document.is_link else (document.content_type or "application/octet-stream"),
            title=document.title, category=document.category, language=document.language,
            date=document.document_date,
        ))
    return links
