"""Documents of projects and reports: a stored file or a link, described as IATI describes them.

A public document of a published project is public data: listed on the project's pages
and API, and written to IATI XML as `document-link`. Everything else is restricted: staff
read it, and a report's file also reaches the donor it is owed to once the report is
approved (documents.selectors has the rule; documents.views serves the bytes).
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.storage import get_documents_storage
from documents.uploads import ALLOWED_TYPES, stored_name


class DocumentCategory(models.TextChoices):
    """IATI DocumentCategory codelist (2.03), the activity-level codes."""

    PRE_AND_POST_PROJECT = "A01", _("Pre- and post-project impact appraisal")
    OBJECTIVES = "A02", _("Objectives / Purpose of activity")
    BENEFICIARIES = "A03", _("Intended ultimate beneficiaries")
    CONDITIONS = "A04", _("Conditions")
    BUDGET = "A05", _("Budget")
    SUMMARY = "A06", _("Summary information about contract")
    REVIEW_AND_EVALUATION = "A07", _("Review of project performance and evaluation")
    RESULTS = "A08", _("Results, outcomes and outputs")
    MOU = "A09", _("Memorandum of understanding (If agreed by all parties)")
    TENDER = "A10", _("Tender")
    CONTRACT = "A11", _("Contract")
    WEB_PAGE = "A12", _("Activity web page")


class DocumentQuerySet(models.QuerySet):
    def public(self):
        """Public documents of published projects: what anyone may read."""
        return self.filter(is_public=True, project__is_published=True)


class Document(models.Model):
    """A project's document: a file in the documents storage, or a link to one elsewhere."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="documents", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(
        _("category"), max_length=3, choices=DocumentCategory.choices, default=DocumentCategory.RESULTS,
        help_text=_("IATI DocumentCategory."),
    )
    language = models.CharField(
        _("language"), max_length=3, blank=True, help_text=_("ISO 639-1 code of the document's language, e.g. fr."),
    )
    document_date = models.DateField(_("date"), null=True, blank=True, help_text=_("The date the document was issued."))
    is_public = models.BooleanField(
        _("public"), default=False,
        help_text=_("Public documents are listed on the project's public pages, in the API and in IATI XML."),
    )
    file = models.FileField(
        _("file"), storage=get_documents_storage, upload_to=stored_name, max_length=200, blank=True,
    )
    url = models.URLField(_("link"), max_length=500, blank=True, help_text=_("A document published elsewhere."))
    original_name = models.CharField(_("original name"), max_length=255, blank=True, editable=False)
    content_type = models.CharField(_("type"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", models.F("document_date").desc(nulls_last=True), "title", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")), name="document_file_or_link",
            ),
            models.CheckConstraint(
                condition=Q(category__in=DocumentCategory.values), name="document_category_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if bool(self.file) == bool(self.url):
            raise ValidationError(_("Give either a file or a link, not both and not neither."), code="file_or_link")

    @property
    def is_link(self) -> bool:
        return bool(self.url) and not self.file

    @property
    def format_label(self) -> str:
        """What a reader is about to open: PDF, DOCX, CSV...; empty for a link."""
        return "" if self.is_link else ALLOWED_TYPES.get(self.content_type, "").upper()
