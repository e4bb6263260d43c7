import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# One definition of a currency for every amount; validate_currency stays importable for old migrations.
from finance.currencies import CurrencyField, currency_upper_constraint, validate_currency  # noqa: F401

# After its end a project stays in IATI "Finalisation" this long, then "Closed".
FINALISATION_PERIOD = datetime.timedelta(days=180)


class ActivityStatus(models.IntegerChoices):
    """IATI ActivityStatus codelist."""

    PIPELINE = 1, _("Pipeline/identification")
    IMPLEMENTATION = 2, _("Implementation")
    FINALISATION = 3, _("Finalisation")
    CLOSED = 4, _("Closed")
    CANCELLED = 5, _("Cancelled")
    SUSPENDED = 6, _("Suspended")


class StatusOverride(models.IntegerChoices):
    """The statuses an officer sets by hand; every other status follows the dates."""

    CANCELLED = ActivityStatus.CANCELLED.value, ActivityStatus.CANCELLED.label
    SUSPENDED = ActivityStatus.SUSPENDED.value, ActivityStatus.SUSPENDED.label


class Scope(models.TextChoices):
    NATIONAL = "national", _("National")
    MULTI_COUNTRY = "multi-country", _("Multi-country")
    REGIONAL = "regional", _("Regional")
    GLOBAL = "global", _("Global")


class OrganisationRole(models.IntegerChoices):
    """IATI OrganisationRole codelist."""

    FUNDING = 1, _("Funding")
    ACCOUNTABLE = 2, _("Accountable")
    EXTENDING = 3, _("Extending")
    IMPLEMENTING = 4, _("Implementing")


def derive_status(*, start, end, override, today) -> int:
    """The IATI status of a project on `today`; mirrors ProjectQuerySet.with_status()."""
    if override:
        return override
    if today < start:
        return ActivityStatus.PIPELINE
    if today <= end:
        return ActivityStatus.IMPLEMENTATION
    if today <= end + FINALISATION_PERIOD:
        return ActivityStatus.FINALISATION
    return ActivityStatus.CLOSED


def effective_dates(relation: str = "") -> dict[str, Coalesce]:
    """`effective_start` and `effective_end`: the actual dates where known, the planned ones otherwise.

    `relation` reaches the project from another model, e.g. "project__" from a funding row.
    """
    return {
        "effective_start": Coalesce(f"{relation}actual_start", f"{relation}planned_start"),
        "effective_end": Coalesce(f"{relation}actual_end", f"{relation}planned_end"),
    }


def running_in_year(year: int) -> Q:
    """Rows whose effective dates (annotated from effective_dates()) overlap the calendar year."""
    return Q(effective_start__lte=datetime.date(year, 12, 31), effective_end__gte=datetime.date(year, 1, 1))


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_dates(self):
        """Annotate the effective dates: actual where known, planned otherwise."""
        return self.annotate(**effective_dates())

    def with_status(self, today: datetime.date | None = None):
        """Annotate `status_code` in SQL so lists can filter, sort and group by status."""
        today = today or timezone.localdate()
        return self.with_dates().annotate(
            status_code=Case(
                When(status_override__isnull=False, then=F("status_override")),
                When(effective_start__gt=today, then=Value(ActivityStatus.PIPELINE.value)),
                When(effective_end__gte=today, then=Value(ActivityStatus.IMPLEMENTATION.value)),
                When(
                    effective_end__gte=today - FINALISATION_PERIOD,
                    then=Value(ActivityStatus.FINALISATION.value),
                ),
                default=Value(ActivityStatus.CLOSED.value),
                output_field=models.PositiveSmallIntegerField(),
            )
        )

    def active_on(self, day: datetime.date):
        """Projects running on `day` by their effective dates (not cancelled or suspended)."""
        return self.with_dates().filter(
            effective_start__lte=day, effective_end__gte=day, status_override__isnull=True
        )


# Kept by name: projects.services records one history entry per save of a project with its inlines.
PROJECT_HISTORY = HistoricalRecords(
    excluded_fields=["updated_at"], m2m_fields=["countries", "corridors"],
    # What the save changed, inlines included (the admin's change message); long, so text.
    history_change_reason_field=models.TextField(null=True),
    # The admin lists only deleted projects under this model (projects.history_admin).
    verbose_name_plural="deleted projects",
)


class ProjectManager(models.Manager.from_queryset(ProjectQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Project(models.Model):
    """A donor-funded technical-cooperation project."""

    title = models.CharField(max_length=300)
    short_name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True, help_text="Stable name used in URLs and fixtures.")
    summary = models.TextField(blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.NATIONAL)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, null=True, blank=True, related_name="projects",
        help_text="Empty for global projects.",
    )
    countries = models.ManyToManyField("regions.Country", blank=True, related_name="projects")
    corridors = models.ManyToManyField("regions.Corridor", blank=True, related_name="projects")
    donors = models.ManyToManyField("donors.Donor", through="Funding", related_name="projects")
    partners = models.ManyToManyField("donors.Partner", through="ProjectPartner", related_name="projects")
    planned_start = models.DateField()
    planned_end = models.DateField()
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    status_override = models.PositiveSmallIntegerField(
        choices=StatusOverride.choices, null=True, blank=True,
        help_text="Set only to cancel or suspend; otherwise the status follows the dates.",
    )
    iati_identifier = models.CharField("IATI identifier", max_length=150, blank=True, help_text="The activity's key in IATI files; empty: <reporting org>-<slug>.")
    is_published = models.BooleanField("published", default=False, help_text="Visible to the public and donors.")
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
        related_name="responsible_for", limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectManager()
    # Countries and corridors are tracked too, so a deleted project comes back whole.
    history = PROJECT_HISTORY

    class Meta:
        ordering = ["planned_start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end__gte=F("planned_start")), name="project_planned_end_after_start"),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True) | Q(actual_end__isnull=True) | Q(actual_end__gte=F("actual_start")),
                name="project_actual_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status_override__isnull=True) | Q(status_override__in=StatusOverride.values),
                name="project_status_override_valid",
            ),
            models.CheckConstraint(
                condition=~Q(scope=Scope.GLOBAL) | Q(region__isnull=True), name="project_global_has_no_region"
            ),
            models.UniqueConstraint(fields=["iati_identifier"], condition=~Q(iati_identifier=""), name="project_unique_iati_identifier"),
        ]
        indexes = [
            # The default order of every list (and its deep pages).
            models.Index(fields=["planned_start", "id"], name="project_planned_start_id_idx"),
            # The public lists: their page and, as an index-only scan, their count (a third of a seq scan's time).
            models.Index(fields=["planned_start", "id"], condition=Q(is_published=True), name="project_published_idx"),
            # The effective dates the date filters and orderings compare (ProjectQuerySet.with_dates()).
            models.Index(effective_dates()["effective_start"], name="project_effective_start_idx"),
            models.Index(effective_dates()["effective_end"], name="project_effective_end_idx"),
        ]

    def __str__(self):
        return self.short_name or self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("dashboards:project", args=[self.slug])

    def clean(self):
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = "The planned end must not be before the planned start."
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = "The actual end must not be before the actual start."
        if self.scope == Scope.GLOBAL and self.region_id:
            errors["region"] = "A global project has no region."
        if errors:
            raise ValidationError(errors)

    @property
    def start(self) -> datetime.date:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> datetime.date:
        return self.actual_end or self.planned_end

    def status_on(self, today: datetime.date) -> ActivityStatus:
        return ActivityStatus(
            derive_status(start=self.start, end=self.end, override=self.status_override, today=today)
        )

    @property
    def status(self) -> ActivityStatus:
        return self.status_on(timezone.localdate())

    @property
    def listed_status(self) -> ActivityStatus:
        """The status the list query annotated (`status_code`, one `today` for the whole page), else today's."""
        code = getattr(self, "status_code", None)
        return ActivityStatus(code) if code is not None else self.status


# Above any order an officer types: objectives wait there while a save reorders them (unique per project).
OBJECTIVE_ORDER_PARKING = 30000


class ObjectiveManager(models.Manager):
    def get_by_natural_key(self, project_slug, order):
        return self.get(project__slug=project_slug, order=order)


class Objective(models.Model):
    """One objective statement of a project, in the order the project lists them."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()

    objects = ObjectiveManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "order"]
        constraints = [models.UniqueConstraint(fields=["project", "order"], name="objective_unique_order")]

    def __str__(self):
        return f"{self.order}. {self.text[:60]}"

    def natural_key(self):
        return (self.project.slug, self.order)

    natural_key.dependencies = ["projects.project"]


class FundingManager(models.Manager):
    def get_by_natural_key(self, project_slug, donor_acronym):
        return self.get(project__slug=project_slug, donor__acronym=donor_acronym)


class Funding(models.Model):
    """A donor's funding of a project, with the amount when it is known."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="fundings")
    donor = models.ForeignKey("donors.Donor", models.PROTECT, related_name="fundings")
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = CurrencyField(blank=True, help_text="ISO 4217, e.g. CHF. Required with an amount.")

    objects = FundingManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "donor__acronym"]
        constraints = [
            models.UniqueConstraint(fields=["project", "donor"], name="funding_unique_donor"),
            models.CheckConstraint(
                condition=(Q(amount__isnull=True) & Q(currency="")) | (Q(amount__gte=0) & ~Q(currency="")),
                name="funding_amount_has_currency",
            ),
            currency_upper_constraint("funding_currency_upper"),
        ]

    def __str__(self):
        if self.amount is None:
            return str(self.donor)
        return f"{self.donor}: {self.amount:,.2f} {self.currency}"

    def natural_key(self):
        return (self.project.slug, self.donor.acronym)

    natural_key.dependencies = ["projects.project", "donors.donor"]

    def clean(self):
        if self.amount is not None and not self.currency:
            raise ValidationError({"currency": "Give the currency of the amount."})
        if self.amount is None and self.currency:
            raise ValidationError({"amount": "Give the amount, or leave the currency empty."})
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": "The amount cannot be negative."})


class ProjectPartnerManager(models.Manager):
    def get_by_natural_key(self, project_slug, partner_name, role):
        return self.get(project__slug=project_slug, partner__name=partner_name, role=role)


class ProjectPartner(models.Model):
    """An organisation's part in a project, as an IATI OrganisationRole."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="project_partners")
    partner = models.ForeignKey("donors.Partner", models.PROTECT, related_name="project_partners")
    role = models.PositiveSmallIntegerField(choices=OrganisationRole.choices, default=OrganisationRole.IMPLEMENTING)

    objects = ProjectPartnerManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "role", "partner__name"]
        verbose_name = "project partner"
        constraints = [
            models.UniqueConstraint(fields=["project", "partner", "role"], name="project_partner_unique_role"),
            models.CheckConstraint(condition=Q(role__in=OrganisationRole.values), name="project_partner_role_valid"),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()})"

    def natural_key(self):
        return (self.project.slug, self.partner.name, self.role)

    natural_key.dependencies = ["projects.project", "donors.partner"]


# The delete confirmation lists a project's country and corridor links by these names.
Project.countries.through.__str__ = lambda link: f"Country: {link.country}"
Project.corridors.through.__str__ = lambda link: f"Corridor: {link.corridor}"
