"""Writes: generating deadlines, closing them, the reminder scan that fills the outbox, sending, calendar feeds.

Exactly once, modelled on healthchecks' sendalerts:

1. `reminders_schedule()` writes the outbox in one transaction: a `Reminder` row per
   (deadline, due date, offset, recipient), unique in the database, so two scans at
   once or a scan run twice cannot make a row twice; then it bundles each person's
   new rows into one `ReminderDigest` with a Message-ID fixed from its contents.
2. `reminder_digest_send()` claims a digest with a conditional UPDATE and checks the
   row count, so a task delivered twice, or two workers, send it once. It marks the
   digest sent in its own statement as soon as the SMTP server accepts the message.
3. Nothing is lost when Redis or a worker is down: every scan re-queues the digests
   that are neither sent nor failed (a claim older than REMINDER_CLAIM_TIMEOUT counts
   as abandoned), and a missed day's reminders are made by the next scan.

The one remaining window: the SMTP server accepted the message and the process died
(or the database became unreachable) before `sent_at` was written. After the claim
timeout the digest is sent again, with the same Message-ID, so mail clients that
deduplicate by Message-ID show it once. The window is the time between the server's
"250 OK" and one UPDATE of one row.
"""
import datetime
import hashlib
import logging
import secrets
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.models import (
    CLOSING_FIELDS,
    CalendarFeed,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Reminder,
    ReminderDigest,
    ReminderScan,
    ReportSubmission,
    SubmissionState,
)
from deadlines.selectors import (
    deadline_admin_url,
    deadline_list_admin_url,
    deadlines_to_remind,
    digests_to_send,
    programme_officers,
)
from documents.models import DocumentCategory
from documents.services import add_document
from donors.models import Donor, ReportingBasis, ReportingRule
from integrations.models import token_digest
from projects.models import Project, StatusOverride

logger = logging.getLogger(__name__)

# A mid-term evaluation is generated for projects at least this long.
MIDTERM_MIN_DURATION = datetime.timedelta(days=2 * 365)


# Generation --------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineSpec:
    kind: str
    due_on: datetime.date
    title: str = ""
    donor_id: int | None = None


@dataclass
class GenerateResult:
    created: int = 0
    moved: int = 0
    removed: int = 0
    kept: int = 0

    def __iadd__(self, other):
        self.created += other.created
        self.moved += other.moved
        self.removed += other.removed
        self.kept += other.kept
        return self

    def summary(self) -> str:
        return f"{self.created} deadlines created, {self.moved} moved, {self.removed} removed, {self.kept} kept"


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def deadlines_wanted(*, project: Project, rules: list[ReportingRule]) -> dict[str, DeadlineSpec]:
    """The generated deadlines a project should have now, by generation key."""
    if project.status_override == StatusOverride.CANCELLED:
        return {}
    start, end = project.start, project.end
    wanted = {
        "project-start": DeadlineSpec(DeadlineKind.PROJECT_START, start),
        "project-end": DeadlineSpec(DeadlineKind.PROJECT_END, end),
    }
    if end - start >= MIDTERM_MIN_DURATION:
        wanted["mid-term"] = DeadlineSpec(DeadlineKind.MIDTERM_EVALUATION, start + (end - start) / 2)
    for rule in rules:
        prefix = f"donor-{rule.donor_id}:{rule.kind}"
        title = f"{rule.get_kind_display()} to {rule.donor.acronym}"
        if rule.basis == ReportingBasis.END:
            wanted[f"{prefix}:end"] = DeadlineSpec(
                rule.kind, end + datetime.timedelta(days=rule.days_after), title, rule.donor_id
            )
            continue
        # One report per full project year before the end; the last period is the final report's.
        year = 1
        while (anniversary := _add_years(start, year)) < end:
            wanted[f"{prefix}:year-{year}"] = DeadlineSpec(
                rule.kind, anniversary + datetime.timedelta(days=rule.days_after), f"{title} (year {year})", rule.donor_id
            )
            year += 1
    return wanted


def history_before_entry(*, project: Project, due_on: datetime.date) -> bool:
    """A deadline of a project that had ended before it was entered, due before then: history, not an alarm.

    Such deadlines (the whole annex) are made closed with the project (done, closed
    when the project was entered, by no one), so no page shows them as overdue.
    """
    if project.created_at is None:
        return False
    entered = timezone.localdate(project.created_at)
    return project.end < entered and due_on < entered


@transaction.atomic
def deadlines_generate_for_project(*, project: Project) -> GenerateResult:
    """Create, move or remove the project's generated deadlines to match its dates and rules.

    Idempotent. Open (and returned) generated deadlines follow the dates; submitted and
    closed ones, and manual ones, are never changed. New ones that are history
    (history_before_entry) are made closed with the project. An open generated deadline
    whose rule or date no longer applies is removed, unless a report was submitted for it. Costs three queries plus one write per change.
    """
    rules = list(ReportingRule.objects.filter(donor__fundings__project=project).select_related("donor"))
    wanted = deadlines_wanted(project=project, rules=rules)
    reported = ReportSubmission.objects.filter(deadline=OuterRef("pk"))
    existing = {
        deadline.generation_key: deadline
        for deadline in project.deadlines.exclude(generation_key="").annotate(reported=Exists(reported)).select_for_update()
    }
    result = GenerateResult()
    for key, spec in wanted.items():
        deadline = existing.pop(key, None)
        if deadline is None:
            deadline = Deadline(
                project=project, generation_key=key, kind=spec.kind, due_on=spec.due_on, title=spec.title,
                donor_id=spec.donor_id,
            )
            if history_before_entry(project=project, due_on=spec.due_on):
                deadline.close(state=DeadlineState.CLOSED, user=None, now=project.created_at)
            deadline.full_clean()
            deadline.save()
            result.created += 1
        elif deadline.is_open and (deadline.due_on, deadline.title) != (spec.due_on, spec.title):
            deadline.due_on, deadline.title = spec.due_on, spec.title
            deadline.save(update_fields=["due_on", "title", "updated_at"])
            result.moved += 1
        else:
            result.kept += 1
    for deadline in existing.values():
        if deadline.is_open and not deadline.reported:  # a report's versions are kept
            deadline.delete()
            result.removed += 1
        else:
            result.kept += 1
    return result


def deadlines_generate_all() -> GenerateResult:
    """Regenerate every project's deadlines, one transaction per project."""
    result = GenerateResult()
    for project in Project.objects.order_by("pk").iterator():
        result += deadlines_generate_for_project(project=project)
    return result


def _save_state(deadline: Deadline, user) -> Deadline:
    """Save a change of state; its history row names `user` (simple-history)."""
    deadline._history_user = user
    deadline.save(update_fields=[*CLOSING_FIELDS, "updated_at"])
    return deadline


def _locked(deadline: Deadline) -> Deadline:
    return Deadline.objects.select_for_update().select_related("project").get(pk=deadline.pk)


@transaction.atomic
def deadline_close(*, deadline: Deadline, state: str, user, reason: str = "") -> Deadline:
    """Mark a still-owed deadline met (approved), waived or skipped; its reminders then stop.

    Waived and skipped need a reason. A report is met by approving it (report_approve),
    not by marking it met.
    """
    locked = _locked(deadline)
    if not locked.is_open:
        raise ValidationError({"state": _("Only an open or returned deadline can be closed.")})
    if state == DeadlineState.APPROVED and locked.takes_report:
        raise ValidationError({"state": _("A report is met when its submitted version is approved.")})
    locked.close(state=state, user=user, reason=reason)
    _save_state(locked, user)
    deadline.refresh_from_db()
    return deadline


@transaction.atomic
def deadline_reopen(*, deadline: Deadline, user=None) -> Deadline:
    """Open a closed deadline again; it is reminded of again if its reminders are due."""
    locked = _locked(deadline)
    if locked.state not in (DeadlineState.APPROVED, DeadlineState.WAIVED, DeadlineState.SKIPPED, DeadlineState.CLOSED):
        raise ValidationError({"state": _("Only a closed deadline can be reopened.")})
    locked.reopen()
    _save_state(locked, user)
    deadline.refresh_from_db()
    return deadline


# Reports -----------------------------------------------------------------------------


def report_submit(*, deadline: Deadline, user, upload, title: str = "") -> ReportSubmission:
    """Store the uploaded report as a new version and mark the deadline submitted, all or nothing.

    The file is checked (documents.uploads) before anything is stored; a refused file
    raises ValidationError and leaves no row and no file. It is kept as a restricted
    project document: staff read every version, the donor it is owed to the approved one.
    """
    with transaction.atomic():
        locked = _locked(deadline)
        if not locked.takes_report:
            raise ValidationError({"kind": _("Only a report or an evaluation takes a report.")})
        if not locked.is_open:
            raise ValidationError({"state": _("A report can be submitted only while the deadline is open or returned.")})
        version = (locked.submissions.aggregate(last=Max("version"))["last"] or 0) + 1
        document = add_document(
            locked.project, title=(title.strip() or _("%(label)s, version %(version)s") % {
                "label": locked.label, "version": version})[:300],
            user=user, upload=upload, is_public=False, category=DocumentCategory.REVIEW_AND_EVALUATION,
            document_date=timezone.localdate(),
        )
        try:
            submission = ReportSubmission.objects.create(
                deadline=locked, version=version, document=document, submitted_by=user, submitted_at=timezone.now(),
            )
            locked.move_to(DeadlineState.SUBMITTED)
            _save_state(locked, user)
        except BaseException:
            document.file.storage.delete(document.file.name)  # the rows roll back; the file must go too
            raise
    deadline.refresh_from_db()
    return submission


def _reviewable(submission: ReportSubmission) -> tuple[ReportSubmission, Deadline]:
    locked = _locked(submission.deadline)
    submission = ReportSubmission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != SubmissionState.SUBMITTED or locked.state != DeadlineState.SUBMITTED:
        raise ValidationError({"state": _("Only the submitted version can be approved or returned.")})
    return submission, locked


@transaction.atomic
def report_return(*, submission: ReportSubmission, user, comment: str) -> ReportSubmission:
    """Return the submitted version with a comment: the deadline is owed again (and reminded)."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say what must change: a returned report needs a comment.")})
    submission, deadline = _reviewable(submission)
    submission.state, submission.comment = SubmissionState.RETURNED, comment.strip()
    submission.reviewed_by, submission.reviewed_at = user, timezone.now()
    submission.save(update_fields=["state", "comment", "reviewed_by", "reviewed_at"])
    deadline.move_to(DeadlineState.RETURNED)
    _save_state(deadline, user)
    return submission


@transaction.atomic
def report_approve(*, submission: ReportSubmission, user, comment: str = "") -> ReportSubmission:
    """Approve the submitted version: the deadline is met, and the donor it is owed to may download it.

    Another officer approves: not the one who submitted it.
    """
    submission, deadline = _reviewable(submission)
    if submission.submitted_by_id is not None and submission.submitted_by_id == user.pk:
        raise ValidationError({"reviewed_by": _("Another officer approves a report: not the one who submitted it.")})
    now = timezone.now()
    submission.state, submission.comment = SubmissionState.APPROVED, comment.strip()
    submission.reviewed_by, submission.reviewed_at = user, now
    submission.save(update_fields=["state", "comment", "reviewed_by", "reviewed_at"])
    deadline.close(state=DeadlineState.APPROVED, user=user, now=now)
    _save_state(deadline, user)
    return submission


# The scan ----------------------------------------------------------------------------


def _reachable(user) -> bool:
    """Reminders link into the admin and name other donors' reports: staff only receive them."""
    return user is not None and user.is_active and user.is_staff and bool(user.email)


def reminder_overdue_offset(*, late: int) -> int | None:
    """The latest repeated overdue offset reached `late` days after the due date, or None.

    After the last configured offset (or the due date, when none is after it) an open
    deadline is reminded of every REMINDER_OVERDUE_EVERY days until it is closed:
    with the defaults +1, +7, then +14, +21... Each is its own offset, so the
    outbox's uniqueness keeps each one exactly once.
    """
    every = settings.REMINDER_OVERDUE_EVERY
    if not every or not settings.REMINDER_OFFSETS:
        return None
    start = max(max(settings.REMINDER_OFFSETS), 0)
    if late < start + every:
        return None
    return start + (late - start) // every * every


def reminder_offset_due(*, due_on: datetime.date, today: datetime.date) -> int | None:
    """The latest offset (configured or repeated overdue) whose day has come and is within the catch-up window.

    Only the latest is sent: after a missed run an officer gets the reminder that is
    current, not every one that was skipped.
    """
    oldest = today - datetime.timedelta(days=settings.REMINDER_CATCH_UP_DAYS)
    offsets = [*settings.REMINDER_OFFSETS, reminder_overdue_offset(late=(today - due_on).days)]
    due = [
        offset for offset in offsets
        if offset is not None and oldest <= due_on + datetime.timedelta(days=offset) <= today
    ]
    return max(due) if due else None


@dataclass
class ScheduleResult:
    reminders: int = 0
    digests: list[int] = field(default_factory=list)


def _message_id(*, recipient_id: int, reminder_ids: list[int]) -> str:
    digest = hashlib.sha256(",".join(map(str, sorted(reminder_ids))).encode()).hexdigest()[:24]
    domain = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"<reminders.{recipient_id}.{digest}@{domain}>"


@transaction.atomic
def reminders_schedule(*, today: datetime.date) -> ScheduleResult:
    """Write the outbox for `today`: the reminders that are due, bundled per recipient.

    Safe to run twice and concurrently: reminder rows are unique in the database and
    are bundled with a conditional UPDATE (`digest IS NULL`).
    """
    officers = None
    rows = []
    for deadline in deadlines_to_remind(today=today):
        offset = reminder_offset_due(due_on=deadline.due_on, today=today)
        if offset is None:
            continue
        if _reachable(deadline.owner):
            recipients = [deadline.owner]
        elif _reachable(deadline.project.responsible_officer):
            recipients = [deadline.project.responsible_officer]
        else:
            if officers is None:
                officers = list(programme_officers())
            recipients = officers
        rows += [
            Reminder(deadline=deadline, recipient=user, due_on=deadline.due_on, offset_days=offset) for user in recipients
        ]
    # ON CONFLICT DO NOTHING: rows made by an earlier or a concurrent scan stay as they are.
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)

    result = ScheduleResult()
    pending = defaultdict(list)
    for reminder_id, recipient_id in Reminder.objects.filter(digest__isnull=True).values_list("id", "recipient_id"):
        pending[recipient_id].append(reminder_id)
    emails = dict(get_user_model().objects.filter(pk__in=pending).values_list("pk", "email"))
    for recipient_id, reminder_ids in pending.items():
        message_id = _message_id(recipient_id=recipient_id, reminder_ids=reminder_ids)
        try:
            with transaction.atomic():
                digest = ReminderDigest.objects.create(
                    recipient_id=recipient_id, email=emails[recipient_id], run_on=today, message_id=message_id
                )
        except IntegrityError:
            continue  # a concurrent scan made this very digest
        bundled = Reminder.objects.filter(pk__in=reminder_ids, digest__isnull=True).update(digest=digest)
        if not bundled:
            digest.delete()
            continue
        result.reminders += bundled
        result.digests.append(digest.pk)
    return result


def reminder_scan_record(*, run_on: datetime.date, started_at: datetime.datetime, result: ScheduleResult) -> ReminderScan:
    """Record that the scheduled scan ran (call inside its transaction): /healthz shows the latest."""
    return ReminderScan.objects.create(
        run_on=run_on, started_at=started_at, finished_at=timezone.now(),
        reminders=result.reminders, digests=len(result.digests),
    )


# Sending -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    status: str  # "sent", "skipped" (claimed elsewhere, or done), "retry", "failed"
    reminders: int = 0
    retry_in: float = 0.0


def digest_message(*, digest: ReminderDigest, reminders: list[Reminder]) -> EmailMultiAlternatives:
    items = [
        {
            "deadline": reminder.deadline,
            "days": (reminder.deadline.due_on - digest.run_on).days,
            "late": (digest.run_on - reminder.deadline.due_on).days,
            "url": deadline_admin_url(reminder.deadline_id),
        }
        for reminder in reminders
    ]
    context = {
        "digest": digest,
        "recipient": digest.recipient,
        "items": items,
        "overdue": sum(item["days"] < 0 for item in items),
        "list_url": deadline_list_admin_url(),
    }
    subject = f"Portfolio: {len(items)} deadline{'s' if len(items) != 1 else ''} to watch"
    if context["overdue"]:
        subject += f", {context['overdue']} overdue"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("deadlines/digest.txt", context),
        to=[digest.email],
        headers={"Message-ID": digest.message_id},
    )
    message.attach_alternative(render_to_string("deadlines/digest.html", context), "text/html")
    return message


def retry_delay(attempt: int) -> int:
    """Seconds to wait after failed attempt number `attempt` (1-based): doubling."""
    return settings.REMINDER_RETRY_BASE_SECONDS * 2 ** (attempt - 1)


def reminder_digest_send(*, digest_id: int, now: datetime.datetime | None = None) -> SendOutcome:
    """Claim one digest, send it over SMTP, and mark it sent; safe to call twice.

    Runs outside a transaction on purpose: the claim and the "sent" mark are each
    committed at once, which keeps the window between SMTP acceptance and the
    record as short as one UPDATE. A transient failure releases the claim and sets
    the next attempt; after REMINDER_SEND_ATTEMPTS attempts the digest is failed.
    """
    now = now or timezone.now()
    claimed = (
        ReminderDigest.objects.sendable(now=now).filter(pk=digest_id).update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return SendOutcome("skipped")
    digest = ReminderDigest.objects.select_related("recipient").get(pk=digest_id)
    reminders = list(
        digest.reminders.select_related("deadline__project").order_by("deadline__due_on", "deadline_id")
    )
    mine = ReminderDigest.objects.filter(pk=digest_id, claimed_at=now)
    try:
        digest_message(digest=digest, reminders=reminders).send()
    except (smtplib.SMTPException, OSError) as exc:
        error = f"attempt {digest.attempts}: {type(exc).__name__}: {exc}"[:2000]
        logger.warning("reminder digest %s: %s", digest_id, error)
        if digest.attempts >= settings.REMINDER_SEND_ATTEMPTS:
            mine.update(claimed_at=None, last_error=error, failed_at=timezone.now())
            return SendOutcome("failed")
        delay = retry_delay(digest.attempts)
        mine.update(
            claimed_at=None, last_error=error, next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay)
        )
        return SendOutcome("retry", retry_in=delay)
    # The window: the message is out; this UPDATE is what stops it going out again.
    mine.update(sent_at=timezone.now())
    return SendOutcome("sent", reminders=len(reminders))


@transaction.atomic
def reminder_digests_send_again(*, digests: QuerySet[ReminderDigest]) -> int:
    """Give the failed digests among `digests` fresh attempts and queue them once this commits.

    Sent and pending digests are left alone. Returns how many were queued.
    """
    from deadlines.tasks import digests_enqueue  # the tasks module imports this one

    ids = list(digests.filter(failed_at__isnull=False, sent_at__isnull=True).values_list("pk", flat=True))
    ReminderDigest.objects.filter(pk__in=ids).update(failed_at=None, attempts=0, next_attempt_at=None)
    transaction.on_commit(lambda: digests_enqueue(ids))
    return len(ids)


@dataclass
class RunResult:
    reminders: int = 0
    digests: int = 0
    retrying: int = 0
    failed: int = 0

    def summary(self) -> str:
        text = f"sent {self.reminders} reminders in {self.digests} digests"
        if self.retrying:
            text += f"; {self.retrying} digests will be retried"
        if self.failed:
            text += f"; {self.failed} digests failed"
        return text


def reminders_run(*, today: datetime.date) -> RunResult:
    """One scan and send in-process (the embedded default, and `send_reminders`)."""
    reminders_schedule(today=today)
    result = RunResult()
    for digest_id in digests_to_send():
        outcome = reminder_digest_send(digest_id=digest_id)
        if outcome.status == "sent":
            result.reminders += outcome.reminders
            result.digests += 1
        elif outcome.status == "retry":
            result.retrying += 1
        elif outcome.status == "failed":
            result.failed += 1
    return result


# Calendar feeds ----------------------------------------------------------------------


@transaction.atomic
def calendar_feed_rotate(*, user, base_url: str | None = None) -> str:
    """Give the user a new secret feed URL, revoking any earlier one; return the URL (shown once).

    The URL starts with `base_url` (scheme and host; the page passes the request's),
    else SITE_URL. Only a SHA-256 hash of the token is stored.
    """
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": token_digest(token)})
    return (base_url or settings.SITE_URL) + reverse("calendar-feed", args=[token])


def calendar_feed_revoke(*, user) -> bool:
    """End the user's feed URL at once; False if there was none."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


# Demo data ---------------------------------------------------------------------------

DEMO_REPORTING_RULES = [
    ("SDC", "progress-report", ReportingBasis.EACH_YEAR, 60),
    ("SDC", "final-report", ReportingBasis.END, 90),
    ("EC", "progress-report", ReportingBasis.EACH_YEAR, 60),
    ("EC", "financial-report", ReportingBasis.EACH_YEAR, 90),
    ("EC", "final-report", ReportingBasis.END, 90),
]


def deadlines_demo_seed() -> tuple[int, GenerateResult]:
    """Give SDC and EC their usual reporting rules (if missing) and generate every project's deadlines.

    Idempotent: returns how many rules were created now and what generation did.
    """
    donors = {donor.acronym: donor for donor in Donor.objects.filter(acronym__in={r[0] for r in DEMO_REPORTING_RULES})}
    created = 0
    for acronym, kind, basis, days in DEMO_REPORTING_RULES:
        if acronym in donors:
            _, made = ReportingRule.objects.get_or_create(
                donor=donors[acronym], kind=kind, basis=basis, defaults={"days_after": days}
            )
            created += made
    return created, deadlines_generate_all()
