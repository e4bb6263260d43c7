"""Deadlines of projects, the reminders sent about them, and the calendar feeds that list them.

The tables kept their names from when these models lived in `projects`
(`Meta.db_table`), so the move to this app copied no data.
"""
import datetime
import functools
import operator
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from donors.models import donor_id_of
from projects.models import Funding

# What a change of state writes; set by Deadline.move_to() and Deadline.reopen() only.
CLOSING_FIELDS = ("state", "reason", "closed_by", "closed_at")
# A donor rule's generated title (deadlines.services.deadlines_wanted): "<kind> to <acronym>[ (year <n>)]".
GENERATED_REPORT_TITLE = re.compile(r".+ to (?P<donor>\S+)(?: \(year (?P<year>\d+)\))?")


class DeadlineKind(models.TextChoices):
    PROGRESS_REPORT = "progress-report", _("Progress report")
    FINANCIAL_REPORT = "financial-report", _("Financial report")
    FINAL_REPORT = "final-report", _("Final report")
    MIDTERM_EVALUATION = "mid-term-evaluation", _("Mid-term evaluation")
    PROJECT_START = "project-start", _("Project start")
    PROJECT_END = "project-end", _("Project end")
    OTHER = "other", _("Other")


# The kinds met by submitting a report (deadlines.services.report_submit); the others are marked met.
REPORT_KINDS = frozenset({
    DeadlineKind.PROGRESS_REPORT, DeadlineKind.FINANCIAL_REPORT, DeadlineKind.FINAL_REPORT,
    DeadlineKind.MIDTERM_EVALUATION,
})


class DeadlineState(models.TextChoices):
    """What people did about a deadline: the stored state.

    Whether an open (or returned) deadline is upcoming, due or overdue is not stored:
    it follows from the date (Deadline.status, DeadlineQuerySet.with_status).
    """

    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved (met)")
    WAIVED = "waived", _("Waived")
    SKIPPED = "skipped", _("Skipped")
    CLOSED = "closed", _("Closed with the project")


# Still owed: reminded, and upcoming, due or overdue by the date.
ACTIVE_STATES = (DeadlineState.OPEN, DeadlineState.RETURNED)
# A person closed it with a reason.
REASON_STATES = (DeadlineState.WAIVED, DeadlineState.SKIPPED)
# Closed: nothing is owed any more (reopen() makes it open again).
CLOSED_STATES = (DeadlineState.APPROVED, *REASON_STATES, DeadlineState.CLOSED)


class DeadlineStatus(models.TextChoices):
    """What a page shows and the API filters by: the stored state, with open split by the date."""

    UPCOMING = "upcoming", _("Upcoming")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved (met)")
    WAIVED = "waived", _("Waived")
    SKIPPED = "skipped", _("Skipped")
    CLOSED = "closed", _("Closed with the project")


# The OCDS milestone status (codelist milestoneStatus) each status reads as; waived and skipped have none.
OCDS_MILESTONE_STATUS = {
    DeadlineStatus.UPCOMING: "scheduled",
    DeadlineStatus.DUE: "scheduled",
    DeadlineStatus.SUBMITTED: "scheduled",
    DeadlineStatus.RETURNED: "scheduled",
    DeadlineStatus.OVERDUE: "notMet",
    DeadlineStatus.APPROVED: "met",
    DeadlineStatus.CLOSED: "met",
}


def due_soon_until(today: datetime.date) -> datetime.date:
    """The last day an open deadline counts as due (not yet upcoming): DEADLINE_DUE_SOON_DAYS ahead."""
    return today + datetime.timedelta(days=settings.DEADLINE_DUE_SOON_DAYS)


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        """Still owed (open or returned): what is reminded and may be upcoming, due or overdue."""
        return self.filter(state__in=ACTIVE_STATES)

    def with_status(self, status: str, *, today: datetime.date):
        """Deadlines whose DeadlineStatus is `status` on `today`; upcoming, due and overdue take returned ones too."""
        if status == DeadlineStatus.OVERDUE:
            return self.open().filter(due_on__lt=today)
        if status == DeadlineStatus.DUE:
            return self.open().filter(due_on__range=(today, due_soon_until(today)))
        if status == DeadlineStatus.UPCOMING:
            return self.open().filter(due_on__gt=due_soon_until(today))
        return self.filter(state=status)

    def of_donor(self, donor_id: int):
        """What a donor may read: on projects it funds, the project's own dates and the reports owed to it.

        A co-funder never sees the reports owed to another donor. EXISTS, not a
        join, so a project funded twice does not list its deadlines twice.
        """
        funded = Funding.objects.filter(project_id=models.OuterRef("project_id"), donor_id=donor_id)
        return self.filter(models.Exists(funded)).filter(Q(donor__isnull=True) | Q(donor_id=donor_id))

    def answered_by(self, user):
        """The deadlines a person answers for: theirs, or their projects' unowned ones.

        A donor user answers for its donor's deadlines (see of_donor). This is
        whom a deadline concerns, not who may read it: see
        deadlines.selectors.deadlines_readable_by.
        """
        donor_id = donor_id_of(user)
        if donor_id is not None:
            return self.of_donor(donor_id)
        return self.filter(Q(owner=user) | Q(owner__isnull=True, project__responsible_officer=user))


class Deadline(models.Model):
    """A date a project must meet: a report, an evaluation, its start or end.

    Generated deadlines carry a `generation_key` that names the rule or date they
    come from, unique per project, so regeneration updates rather than duplicates.
    Deadlines officers add by hand have an empty key and are never touched by it.
    """

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="deadlines")
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
    reason = models.TextField(blank=True, help_text="Why it was waived or skipped.")
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
    history = HistoricalRecords(excluded_fields=["updated_at"], table_name="projects_historicaldeadline")

    class Meta:
        db_table = "projects_deadline"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "generation_key"], condition=~Q(generation_key=""),
                name="deadline_unique_generation_key",
            ),
            models.CheckConstraint(condition=Q(kind__in=DeadlineKind.values), name="deadline_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=DeadlineState.values), name="deadline_state_valid"),
            models.CheckConstraint(
                condition=~Q(state__in=REASON_STATES) | ~Q(reason=""), name="deadline_reason_when_waived_or_skipped",
            ),
        ]
        indexes = [
            # The reminder scan reads open and returned deadlines by due date. Written as OR, not IN:
            # PostgreSQL prints an IN as an array cast that it re-reads differently, and the benchmark's
            # large load re-creates indexes from what PostgreSQL prints (tests/benchmarks).
            models.Index(
                fields=["due_on"], condition=functools.reduce(operator.or_, (Q(state=state) for state in ACTIVE_STATES)),
                name="deadline_open_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.project}: {self.label} due {self.due_on:%Y-%m-%d}"

    def clean(self):
        if self.owner_id and not self.owner.is_staff:
            raise ValidationError({"owner": "The owner must be a programme officer (staff)."})

    @property
    def label(self) -> str:
        """The title, or the kind; a donor rule's generated title in the viewer's language (stored in English)."""
        match = GENERATED_REPORT_TITLE.fullmatch(self.title) if self.generation_key.startswith("donor-") else None
        if match is None:
            return self.title or self.get_kind_display()
        names = {"kind": self.get_kind_display(), "donor": match["donor"], "year": match["year"]}
        if match["year"]:
            return gettext("%(kind)s to %(donor)s (year %(year)s)") % names
        return gettext("%(kind)s to %(donor)s") % names

    @property
    def is_generated(self) -> bool:
        return bool(self.generation_key)

    @property
    def is_open(self) -> bool:
        """Still owed: open, or its report returned."""
        return self.state in ACTIVE_STATES

    @property
    def takes_report(self) -> bool:
        return self.kind in REPORT_KINDS

    def status(self, today: datetime.date | None = None) -> str:
        """The DeadlineStatus: upcoming, due or overdue by the date while open, else the state."""
        if self.state != DeadlineState.OPEN:
            return self.state
        today = today or timezone.localdate()
        if self.due_on < today:
            return DeadlineStatus.OVERDUE
        return DeadlineStatus.DUE if self.due_on <= due_soon_until(today) else DeadlineStatus.UPCOMING

    def status_label(self, today: datetime.date | None = None) -> str:
        return DeadlineStatus(self.status(today)).label

    @property
    def is_late(self) -> bool:
        """Still owed and past its date (a returned report too)."""
        return self.is_open and self.due_on < timezone.localdate()

    def close(self, *, state: str, user, now: datetime.datetime | None = None, reason: str = "") -> None:
        """Mark approved (met), waived, skipped or closed with the project, recording who and when (unsaved).

        Waived and skipped need a reason (also a database constraint).
        """
        if state not in CLOSED_STATES:
            raise ValueError(f"cannot close a deadline as {state!r}")
        if state in REASON_STATES and not reason.strip():
            raise ValidationError({"reason": _("Say why the deadline is waived or skipped.")})
        self.state = state
        self.reason = reason.strip()
        self.closed_by = user
        self.closed_at = now or timezone.now()

    def move_to(self, state: str) -> None:
        """Open, submitted or returned: owed again or under review, closed by nobody (unsaved)."""
        if state not in (DeadlineState.OPEN, DeadlineState.SUBMITTED, DeadlineState.RETURNED):
            raise ValueError(f"{state!r} is a closing state: use close()")
        self.state = state
        self.reason = ""
        self.closed_by = None
        self.closed_at = None

    def reopen(self) -> None:
        """Mark open again and forget who closed it (unsaved; CLOSING_FIELDS change)."""
        self.move_to(DeadlineState.OPEN)


class SubmissionState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class ReportSubmission(models.Model):
    """One version of the report that meets a deadline: its file, and what the review made of it.

    Versions are numbered 1..n per deadline and kept: a returned version stays as it
    was and the next upload is a new one. The file is a restricted documents.Document;
    only the approved version reaches the donor it is owed to (deadlines.selectors).
    """

    deadline = models.ForeignKey(Deadline, models.PROTECT, related_name="submissions")
    version = models.PositiveSmallIntegerField()
    document = models.OneToOneField("documents.Document", models.PROTECT, related_name="report_submission")
    state = models.CharField(max_length=10, choices=SubmissionState.choices, default=SubmissionState.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="The reviewer's comment; required when the report is returned.")

    class Meta:
        ordering = ["deadline", "-version"]
        verbose_name = "report submission"
        constraints = [
            models.UniqueConstraint(fields=["deadline", "version"], name="reportsubmission_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="reportsubmission_version_positive"),
            models.CheckConstraint(condition=Q(state__in=SubmissionState.values), name="reportsubmission_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=SubmissionState.RETURNED) | ~Q(comment=""), name="reportsubmission_returned_comment",
            ),
        ]

    def __str__(self):
        return f"{self.deadline.label}, version {self.version}"


class ReminderDigestQuerySet(models.QuerySet):
    def sendable(self, *, now: datetime.datetime):
        """Neither sent nor failed, retry time come, and not claimed, or claimed longer ago than REMINDER_CLAIM_TIMEOUT.

        What the scan queues and what a sender may claim: the same condition.
        """
        stale = now - datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)
        return (
            self.filter(sent_at__isnull=True, failed_at__isnull=True)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        )


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

    objects = ReminderDigestQuerySet.as_manager()

    class Meta:
        db_table = "projects_reminderdigest"
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
        db_table = "projects_reminder"
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
        db_table = "projects_calendarfeed"
        verbose_name = "calendar feed"

    def __str__(self):
        return f"calendar feed of {self.user}"


class ReminderScan(models.Model):
    """One run of the scheduled reminder scan: what /healthz reports as the scheduler's last run.

    Written by the scan task in the transaction that fills the outbox, so a row
    means the scan's work is committed. The database is what every web process
    and the scheduler share, in the embedded default as in a deployment.
    """

    run_on = models.DateField(help_text="The day the scan was for.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    reminders = models.PositiveIntegerField(default=0, help_text="Reminders bundled into new digests.")
    digests = models.PositiveIntegerField(default=0, help_text="Digests made.")

    class Meta:
        ordering = ["-finished_at", "-id"]
        get_latest_by = "finished_at"
        indexes = [
            # /healthz reads the latest run on every probe.
            models.Index(fields=["-finished_at"], name="reminderscan_finished_idx"),
        ]

    def __str__(self):
        return f"reminder scan for {self.run_on:%Y-%m-%d} at {self.finished_at:%Y-%m-%d %H:%M}"
