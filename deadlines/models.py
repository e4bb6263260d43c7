"""Deadlines of projects, the reminders sent about them, and the calendar feeds that list them.

The tables kept their names from when these models lived in `projects`
(`Meta.db_table`), so the move to this app copied no data.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from donors.models import donor_id_of
from projects.models import Funding

# What closing or reopening a deadline changes; set by Deadline.close() and Deadline.reopen() only.
CLOSING_FIELDS = ("state", "closed_by", "closed_at")


class DeadlineKind(models.TextChoices):
    PROGRESS_REPORT = "progress-report", _("Progress report")
    FINANCIAL_REPORT = "financial-report", _("Financial report")
    FINAL_REPORT = "final-report", _("Final report")
    MIDTERM_EVALUATION = "mid-term-evaluation", _("Mid-term evaluation")
    PROJECT_START = "project-start", _("Project start")
    PROJECT_END = "project-end", _("Project end")
    OTHER = "other", _("Other")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    WAIVED = "waived", _("Waived")


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=DeadlineState.OPEN)

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
        """Mark done or waived, recording who and when (unsaved; CLOSING_FIELDS change)."""
        if state not in (DeadlineState.DONE, DeadlineState.WAIVED):
            raise ValueError(f"cannot close a deadline as {state!r}")
        self.state = state
        self.closed_by = user
        self.closed_at = now or timezone.now()

    def reopen(self) -> None:
        """Mark open again and forget who closed it (unsaved; CLOSING_FIELDS change)."""
        self.state = DeadlineState.OPEN
        self.closed_by = None
        self.closed_at = None


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
