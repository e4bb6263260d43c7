"""Reads of deadlines, reminders and calendar feeds."""
import datetime
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from deadlines.models import (
    REASON_STATES,
    CalendarFeed,
    Deadline,
    DeadlineState,
    DeadlineStatus,
    ReminderDigest,
    ReminderScan,
    ReportSubmission,
    SubmissionState,
)
from donors.models import Donor, donor_id_of
from integrations.models import token_digest
from projects.models import Project
from projects.selectors import project_visible
from projects.services import OFFICERS_GROUP


def deadline_admin_url(deadline_id: int) -> str:
    """The deadline's admin page at SITE_URL: the link of reminder e-mails and staff calendars."""
    return settings.SITE_URL + reverse("admin:deadlines_deadline_change", args=[deadline_id])


def deadline_list_admin_url() -> str:
    return settings.SITE_URL + reverse("admin:deadlines_deadline_changelist")


def deadlines_readable_by(*, user, project: Project | None = None, donor: Donor | None = None) -> QuerySet[Deadline] | None:
    """Deadlines `user` may read, of one project or of one donor's projects; None if none are theirs to see.

    Officers (staff) read all, of any donor; a donor user reads those its own
    donor may (Deadline.objects.of_donor) on visible projects, and nothing of
    another donor; everyone else reads nothing. `project` should come with its
    fundings prefetched (dashboards.selectors.project_for_user), else checking
    that the donor funds it costs a query.
    """
    if not user.is_authenticated:
        return None
    own = donor_id_of(user)
    if user.is_staff:
        scope = donor.pk if donor is not None else None
    elif own is not None and (donor is None or donor.pk == own):
        scope = own
    else:
        return None
    # Only of projects the user may see: a donor user's never include an unpublished project.
    deadlines = Deadline.objects.filter(project__in=project_visible(user=user).order_by().values("pk"))
    if scope is not None:
        deadlines = deadlines.of_donor(scope)
    if project is not None:
        if scope is not None and all(funding.donor_id != scope for funding in project.fundings.all()):
            return None
        deadlines = deadlines.filter(project=project)
    return deadlines.select_related("project").order_by("due_on", "id")


def deadlines_api_list(*, user) -> QuerySet[Deadline]:
    """What /api/v1/deadlines/ lists for `user`: deadlines_readable_by, else none (anonymous, no donor)."""
    readable = deadlines_readable_by(user=user)
    if readable is None:
        return Deadline.objects.none()
    return with_reports(readable.select_related("project", "donor"))


def with_reports(deadlines: QuerySet[Deadline]) -> QuerySet[Deadline]:
    """Each deadline with its latest report version and state and its approved version's id, in the same query.

    Who may read them is report_visible_to's question, asked per row without a query.
    """
    versions = ReportSubmission.objects.filter(deadline=OuterRef("pk")).order_by("-version")
    approved = versions.filter(state=SubmissionState.APPROVED)
    return deadlines.annotate(
        report_version=Subquery(versions.values("version")[:1]),
        report_state=Subquery(versions.values("state")[:1]),
        approved_report_id=Subquery(approved.values("pk")[:1]),
        approved_report_version=Subquery(approved.values("version")[:1]),
    )


def report_visible_to(*, user, deadline: Deadline) -> bool:
    """Whether `user` may know of a deadline's reports: staff, and the donor the report is owed to."""
    if user.is_staff:
        return True
    own = donor_id_of(user)
    return own is not None and deadline.donor_id == own


def report_file_url(submission_id: int | None) -> str | None:
    return reverse("report-file", args=[submission_id]) if submission_id else None


def report_submission_readable(*, user, pk: int) -> ReportSubmission | None:
    """The report version whose file `user` may download, else None (the view's 404).

    Staff: any version. The donor it is owed to (deadline.donor), on a project it may
    read: the approved version only. Anyone else, another donor included: none.
    """
    if not user.is_authenticated:
        return None
    submissions = ReportSubmission.objects.select_related("document").filter(pk=pk)
    if user.is_staff:
        return submissions.first()
    own = donor_id_of(user)
    readable = deadlines_readable_by(user=user)
    if own is None or readable is None:
        return None
    return submissions.filter(
        state=SubmissionState.APPROVED, deadline__donor_id=own, deadline__in=readable.order_by().values("pk"),
    ).first()


def report_versions(*, deadline: Deadline) -> list[ReportSubmission]:
    """A deadline's report versions, newest first, with who submitted and reviewed them."""
    return list(deadline.submissions.select_related("document", "submitted_by", "reviewed_by").order_by("-version"))


@dataclass(frozen=True)
class Step:
    """One change of a deadline's state in its history: to what, when, by whom, and why."""

    state: str
    label: str
    at: datetime.datetime
    by: str
    reason: str


def _person(first: str | None, last: str | None, username: str | None) -> str:
    return " ".join(part for part in (first, last) if part) or username or ""


def deadline_steps(deadline_ids) -> dict[int, list[Step]]:
    """The state history of each deadline (simple-history rows where the state changed), oldest first; one query."""
    rows = (
        Deadline.history.filter(id__in=list(deadline_ids))
        .order_by("id", "history_date", "history_id")
        .values_list("id", "state", "reason", "history_date", "history_user__first_name", "history_user__last_name",
                     "history_user__username")
    )
    steps = defaultdict(list)
    for deadline_id, state, reason, at, first, last, username in rows:
        mine = steps[deadline_id]
        if mine and mine[-1].state == state:
            continue
        label = DeadlineState(state).label if state in DeadlineState.values else state
        mine.append(Step(state, str(label), at, _person(first, last, username), reason))
    return dict(steps)


def deadlines_upcoming(deadlines: QuerySet[Deadline], *, today: datetime.date) -> QuerySet[Deadline]:
    """Still owed and not yet past their date, soonest first."""
    return deadlines.open().filter(due_on__gte=today).order_by("due_on", "id")


def deadlines_overdue(deadlines: QuerySet[Deadline], *, today: datetime.date) -> QuerySet[Deadline]:
    """Still owed (open or returned) and past their date, oldest first: never closed or history ones."""
    return deadlines.with_status(DeadlineStatus.OVERDUE, today=today).order_by("due_on", "id")


def reminder_window(*, today: datetime.date) -> tuple[datetime.date | None, datetime.date] | None:
    """The due dates that may have a reminder due on `today` (REMINDER_OFFSETS, catch-up included).

    With overdue reminders repeated (REMINDER_OVERDUE_EVERY) every open deadline past
    its date may have one: the window then has no start.
    """
    offsets = settings.REMINDER_OFFSETS
    if not offsets:
        return None
    latest = today - datetime.timedelta(days=min(offsets))
    if settings.REMINDER_OVERDUE_EVERY:
        return None, latest
    earliest = today - datetime.timedelta(days=settings.REMINDER_CATCH_UP_DAYS + max(offsets))
    return earliest, latest


def deadlines_to_remind(*, today: datetime.date) -> QuerySet[Deadline]:
    """Open deadlines in today's reminder window, with whom they may go to (uses deadline_open_due_idx)."""
    window = reminder_window(today=today)
    if window is None:
        return Deadline.objects.none()
    earliest, latest = window
    deadlines = Deadline.objects.open().filter(due_on__lte=latest)
    if earliest is not None:
        deadlines = deadlines.filter(due_on__gte=earliest)
    return deadlines.select_related("owner", "project__responsible_officer")


def programme_officers():
    """Active officers with an address: who is reminded of a deadline nobody else answers for."""
    return get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=OFFICERS_GROUP).exclude(email="")


def digests_to_send(*, now: datetime.datetime | None = None) -> list[int]:
    """Digests neither sent nor failed, whose retry time has come, not claimed by a live sender."""
    return list(ReminderDigest.objects.sendable(now=now or timezone.now()).order_by("pk").values_list("pk", flat=True))


def reminder_scan_last() -> ReminderScan | None:
    """The latest run of the scheduled scan, or None if it never ran."""
    return ReminderScan.objects.order_by("-finished_at", "-id").first()


def calendar_user(*, token: str):
    """The active user whose feed `token` is, or None."""
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_digest(token)).first()
    return feed.user if feed is not None and feed.user.is_active else None


def calendar_deadlines(*, user) -> QuerySet[Deadline]:
    """What a user's calendar lists: of the deadlines they may read, those they answer for."""
    readable = deadlines_readable_by(user=user)
    if readable is None:
        return Deadline.objects.none()
    # A donor user answers for all it may read (of_donor); an officer for some of it.
    return readable.answered_by(user) if user.is_staff else readable


def calendar_ics(*, user) -> bytes:
    """The user's calendar_deadlines() as all-day VEVENTs; staff get links into the admin."""
    domain = urlparse(settings.SITE_URL).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//Portfolio//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Portfolio deadlines")
    stamp = datetime.datetime.now(datetime.UTC)
    for deadline in calendar_deadlines(user=user):
        event = Event()
        event.add("uid", f"deadline-{deadline.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due_on)
        event.add("dtend", deadline.due_on + datetime.timedelta(days=1))
        event.add("summary", f"{deadline.label}: {deadline.project}")
        # Waived and skipped are not delivered; met, submitted and history ones happened or are happening.
        event.add("status", "CANCELLED" if deadline.state in REASON_STATES else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        if user.is_staff:
            event.add("url", deadline_admin_url(deadline.pk))
        event.add("description", f"{deadline.get_kind_display()} of {deadline.project.title} ({deadline.status_label()}).")
        calendar.add_component(event)
    return calendar.to_ical()
