import datetime

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

# After its end a project stays in IATI "Finalisation" this long, then "Closed".
FINALISATION_PERIOD = datetime.timedelta(days=180)


class ActivityStatus(models.IntegerChoices):
    """IATI ActivityStatus codelist."""

    PIPELINE = 1, "Pipeline/identification"
    IMPLEMENTATION = 2, "Implementation"
    FINALISATION = 3, "Finalisation"
    CLOSED = 4, "Closed"
    CANCELLED = 5, "Cancelled"
    SUSPENDED = 6, "Suspended"


class StatusOverride(models.IntegerChoices):
    """The statuses an officer sets by hand; every other status follows the dates."""

    CANCELLED = ActivityStatus.CANCELLED.value, ActivityStatus.CANCELLED.label
    SUSPENDED = ActivityStatus.SUSPENDED.value, ActivityStatus.SUSPENDED.label


class Scope(models.TextChoices):
    NATIONAL = "national", "National"
    MULTI_COUNTRY = "multi-country", "Multi-country"
    REGIONAL = "regional", "Regional"
    GLOBAL = "global", "Global"


class OrganisationRole(models.IntegerChoices):
    """IATI OrganisationRole codelist."""

    FUNDING = 1, "Funding"
    ACCOUNTABLE = 2, "Accountable"
    EXTENDING = 3, "Extending"
    IMPLEMENTING = 4, "Implementing"


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
    is_published = models.BooleanField("published", default=False, help_text="Visible to the public and donors.")
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
        related_name="responsible_for", limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectManager()
    # Countries and corridors are tracked too, so a deleted project comes back whole.
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=["countries", "corridors"])

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


def validate_currency(value: str) -> None:
    if value and pycountry.currencies.get(alpha_3=value) is None:
        raise ValidationError("%(value)s is not an ISO 4217 currency code.", params={"value": value})


class FundingManager(models.Manager):
    def get_by_natural_key(self, project_slug, donor_acronym):
        return self.get(project__slug=project_slug, donor__acronym=donor_acronym)


class Funding(models.Model):
    """A donor's funding of a project, with the amount when it is known."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="fundings")
    donor = models.ForeignKey("donors.Donor", models.PROTECT, related_name="fundings")
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(
        max_length=3, blank=True, validators=[validate_currency], help_text="ISO 4217, e.g. CHF. Required with an amount."
    )

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


class DeadlineKind(models.TextChoices):
    PROGRESS_REPORT = "progress-report", "Progress report"
    FINANCIAL_REPORT = "financial-report", "Financial report"
    FINAL_REPORT = "final-report", "Final report"
    MIDTERM_EVALUATION = "mid-term-evaluation", "Mid-term evaluation"
    PROJECT_START = "project-start", "Project start"
    PROJECT_END = "project-end", "Project end"
    OTHER = "other", "Other"


class DeadlineState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    WAIVED = "waived", "Waived"


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=DeadlineState.OPEN)

    def of_donor(self, donor_id: int):
        """What a donor may read: on projects it funds, the project's own dates and the reports owed to it.

        A co-funder never sees the reports owed to another donor. EXISTS, not a
        join, so a project funded twice does not list its deadlines twice.
        """
        from projects.models import Funding

        funded = Funding.objects.filter(project_id=models.OuterRef("project_id"), donor_id=donor_id)
        return self.filter(models.Exists(funded)).filter(Q(donor__isnull=True) | Q(donor_id=donor_id))

    def for_user(self, user):
        """The deadlines a person answers for: theirs, or their projects' unowned ones.

        A donor user gets its donor's deadlines (see of_donor).
        """
        link = getattr(user, "donor_link", None) if user.is_authenticated else None
        if link is not None:
            return self.of_donor(link.donor_id)
        return self.filter(Q(owner=user) | Q(owner__isnull=True, project__responsible_officer=user))


class Deadline(models.Model):
    """A date a project must meet: a report, an evaluation, its start or end.

    Generated deadlines carry a `generation_key` that names the rule or date they
    come from, unique per project, so regeneration updates rather than duplicates.
    Deadlines officers add by hand have an empty key and are never touched by it.
    """

    project = models.ForeignKey(Project, models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=30, choices=DeadlineKind.choices, default=DeadlineKind.OTHER)
    title = models.CharField(max_length=200, blank=True, help_text="Optional; the kind is shown when empty.")
    due_on = models.DateField("due")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="deadlines",
        limit_choices_to={"is_staff": True},
        help_text="A programme officer. Empty: the project's responsible officer, else every programme officer, is reminded.",
    )
    donor = models.ForeignKey(
        "donors.Donor", models.CASCADE, null=True, blank=True, related_name="deadlines",
        help_text="The donor a report is owed to; empty for the project's own dates. Only that donor's users see it.",
    )
    state = models.CharField(max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    generation_key = models.CharField(
        max_length=100, blank=True, editable=False, help_text="Set on generated deadlines; empty for manual ones."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeadlineQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "generation_key"], condition=~Q(generation_key=""),
                name="deadline_unique_generation_key",
            ),
            models.CheckConstraint(condition=Q(kind__in=DeadlineKind.values), name="deadline_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=DeadlineState.values), name="deadline_state_valid"),
        ]
        indexes = [
            # The reminder scan reads open deadlines by due date.
            models.Index(fields=["due_on"], condition=Q(state="open"), name="deadline_open_due_idx"),
        ]

    def __str__(self):
        return f"{self.project}: {self.label} due {self.due_on:%Y-%m-%d}"

    def clean(self):
        if self.owner_id and not self.owner.is_staff:
            raise ValidationError({"owner": "The owner must be a programme officer (staff)."})

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def is_generated(self) -> bool:
        return bool(self.generation_key)

    @property
    def is_open(self) -> bool:
        return self.state == DeadlineState.OPEN

    def close(self, *, state: str, user, now: datetime.datetime | None = None) -> None:
        """Mark done or waived, recording who and when (unsaved)."""
        if state not in (DeadlineState.DONE, DeadlineState.WAIVED):
            raise ValueError(f"cannot close a deadline as {state!r}")
        self.state = state
        self.closed_by = user
        self.closed_at = now or timezone.now()

    def reopen(self) -> None:
        self.state = DeadlineState.OPEN
        self.closed_by = None
        self.closed_at = None


class ReminderDigest(models.Model):
    """One e-mail to one person listing the reminders of one run: what is claimed and sent.

    The Message-ID is fixed when the digest is made, so every attempt to send it
    carries the same one. A sender claims the digest with a conditional UPDATE
    (`claimed_at`) and marks it sent right after the SMTP server accepts it.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="reminder_digests")
    email = models.EmailField(help_text="The address at the time the digest was made.")
    run_on = models.DateField(help_text="The day of the scan that made it.")
    message_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "reminder e-mail"
        indexes = [
            # The scan re-queues digests that are neither sent nor failed.
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="reminderdigest_pending_idx",
            ),
        ]

    def __str__(self):
        return f"to {self.email} on {self.run_on:%Y-%m-%d}"

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        if self.attempts:
            return "retrying"
        return "pending"


class Reminder(models.Model):
    """The outbox row: one reminder of a deadline, at one offset, to one person.

    Unique in the database per (deadline, due date, offset, recipient), so a scan
    that runs twice, or two scans at once, cannot make it twice; a deadline that
    moves gets reminders for its new date. It goes out in one ReminderDigest.
    """

    deadline = models.ForeignKey(Deadline, models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="reminders")
    due_on = models.DateField(help_text="The deadline's due date the reminder was for.")
    offset_days = models.SmallIntegerField(help_text="Days relative to the due date; negative is before.")
    digest = models.ForeignKey(ReminderDigest, models.SET_NULL, null=True, blank=True, related_name="reminders")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "due_on", "offset_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "due_on", "offset_days", "recipient"], name="reminder_unique_offset_recipient"
            ),
        ]
        indexes = [
            # The scan bundles reminders that are in no digest yet.
            models.Index(fields=["recipient"], condition=Q(digest__isnull=True), name="reminder_unbundled_idx"),
        ]

    def __str__(self):
        return f"{self.deadline} ({self.offset_label})"

    @property
    def offset_label(self) -> str:
        if self.offset_days < 0:
            return f"{-self.offset_days} days before"
        if self.offset_days > 0:
            return f"{self.offset_days} days after"
        return "on the day"


class CalendarFeed(models.Model):
    """A person's secret calendar URL; only a hash of its token is stored."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "calendar feed"

    def __str__(self):
        return f"calendar feed of {self.user}"
