"""Reminders after the due date: +1, +7, then weekly until the deadline is closed, each exactly once."""
import datetime

import pytest
from django.core import mail

from deadlines.models import Deadline, DeadlineState, Reminder
from deadlines.services import (
    deadline_close,
    deadline_reopen,
    reminder_overdue_offset,
    reminders_run,
)
from tests.deadlines.conftest import TODAY, make_project

pytestmark = pytest.mark.django_db


def days(n):
    return datetime.timedelta(days=n)


def run_daily(first: datetime.date, last: datetime.date) -> None:
    """The daily scan from `first` to `last`, each day twice (a second run must send nothing)."""
    day = first
    while day <= last:
        reminders_run(today=day)
        reminders_run(today=day)
        day += days(1)


def offsets_sent(deadline) -> list[int]:
    return list(
        Reminder.objects.filter(deadline=deadline, digest__sent_at__isnull=False)
        .order_by("offset_days").values_list("offset_days", flat=True)
    )


def test_open_deadline_is_reminded_before_on_plus_1_plus_7_then_weekly_each_once(officer):
    deadline = Deadline.objects.create(project=make_project("p1", officer=officer), title="Report", due_on=TODAY + days(30))

    run_daily(TODAY, TODAY + days(60))

    assert offsets_sent(deadline) == [-30, -7, -1, 1, 7, 14, 21, 28]
    assert len(mail.outbox) == 8  # one digest a reminder, none twice
    late = [message.subject for message in mail.outbox if "overdue" in message.subject]
    assert len(late) == 5
    assert "28 days overdue" in mail.outbox[-1].body


@pytest.mark.parametrize("state", [DeadlineState.APPROVED, DeadlineState.WAIVED, DeadlineState.SKIPPED])
def test_overdue_reminders_stop_when_the_deadline_is_closed(officer, state):
    deadline = Deadline.objects.create(project=make_project("p1", officer=officer), title="Report", due_on=TODAY)
    run_daily(TODAY, TODAY + days(10))
    assert offsets_sent(deadline) == [-1, 1, 7]  # the day before, caught up on the day

    deadline_close(deadline=deadline, state=state, user=officer, reason="Merged with the next one.")
    run_daily(TODAY + days(11), TODAY + days(60))

    assert offsets_sent(deadline) == [-1, 1, 7]


def test_a_reopened_deadline_is_reminded_again_at_the_next_weekly_offset(officer):
    deadline = Deadline.objects.create(project=make_project("p1", officer=officer), title="Report", due_on=TODAY)
    run_daily(TODAY, TODAY + days(8))
    deadline_close(deadline=deadline, state=DeadlineState.APPROVED, user=officer)
    run_daily(TODAY + days(9), TODAY + days(30))
    deadline_reopen(deadline=deadline)

    run_daily(TODAY + days(31), TODAY + days(35))

    assert offsets_sent(deadline) == [-1, 1, 7, 28, 35]  # the current one on reopening, then weekly


def test_long_forgotten_open_deadline_is_reminded_weekly(officer):
    deadline = Deadline.objects.create(project=make_project("p1", officer=officer), title="Old", due_on=TODAY - days(365))

    run_daily(TODAY, TODAY + days(13))

    assert offsets_sent(deadline) == [364, 371, 378]


def test_overdue_offsets_follow_the_last_configured_one(settings):
    assert [reminder_overdue_offset(late=late) for late in (1, 7, 13, 14, 20, 21)] == [None, None, None, 14, 14, 21]
    settings.REMINDER_OFFSETS = [-7, -1]
    assert reminder_overdue_offset(late=7) == 7  # no configured offset after the date: weekly from it
    settings.REMINDER_OVERDUE_EVERY = 0
    assert reminder_overdue_offset(late=70) is None


def test_no_repeat_setting_keeps_only_the_configured_offsets(settings, officer):
    settings.REMINDER_OVERDUE_EVERY = 0
    deadline = Deadline.objects.create(project=make_project("p1", officer=officer), title="Report", due_on=TODAY)

    run_daily(TODAY, TODAY + days(40))

    assert offsets_sent(deadline) == [-1, 1, 7]
