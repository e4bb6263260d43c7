"""The in-process scan and send (`send_reminders`), against a real SMTP server."""
import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from deadlines.models import Deadline, DeadlineState, Reminder, ReminderDigest
from deadlines.services import reminder_offset_due, reminders_run
from tests.deadlines.conftest import TODAY, make_officer, make_project

pytestmark = pytest.mark.django_db


def days(n):
    return datetime.timedelta(days=n)


def send_reminders(today=TODAY) -> str:
    out = StringIO()
    call_command("send_reminders", "--today", today.isoformat(), stdout=out)
    return out.getvalue().strip()


def test_send_reminders_twice_the_same_day_sends_nothing_the_second_time(smtp_settings, officer, second_officer):
    project = make_project("p1", officer=officer)
    Deadline.objects.create(project=project, title="Report A", due_on=TODAY + days(7))
    Deadline.objects.create(project=project, title="Report B", due_on=TODAY + days(30))
    Deadline.objects.create(project=project, title="Report C", due_on=TODAY - days(1), owner=second_officer)

    assert send_reminders() == "sent 3 reminders in 2 digests"
    assert send_reminders() == "sent 0 reminders in 0 digests"

    counts = smtp_settings.counts()
    assert len(counts) == 2 and set(counts.values()) == {1}
    assert smtp_settings.by_recipient() == {"officer1@example.org": 1, "officer2@example.org": 1}
    assert set(counts) == set(ReminderDigest.objects.values_list("message_id", flat=True))


def test_digest_has_text_and_html_with_admin_links(settings, smtp_settings, officer):
    settings.SITE_URL = "https://portfolio.example.org"
    deadline = Deadline.objects.create(project=make_project("p1", officer=officer), title="Donor report",
                                       due_on=TODAY + days(1))

    send_reminders()

    [(message_id, _, message)] = smtp_settings.accepted
    assert message_id.endswith("@portfolio.example.org>")
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in message.walk()
             if not part.is_multipart()}
    link = f"https://portfolio.example.org/admin/deadlines/deadline/{deadline.pk}/change/"
    assert link in parts["text/plain"] and "Donor report" in parts["text/plain"]
    assert f'href="{link}"' in parts["text/html"]


def test_recipient_is_owner_else_responsible_officer_else_every_officer(officer, second_officer):
    owner, responsible, _bystander = officer, second_officer, make_officer("officer3")
    with_officer = make_project("p1", officer=responsible)
    orphan = make_project("p2")
    Deadline.objects.create(project=with_officer, title="owned", owner=owner, due_on=TODAY)
    Deadline.objects.create(project=with_officer, title="unowned", due_on=TODAY)
    Deadline.objects.create(project=orphan, title="orphan", due_on=TODAY)

    result = reminders_run(today=TODAY)

    assert (result.reminders, result.digests) == (5, 3)
    got = {(r.deadline.title, r.recipient.username) for r in Reminder.objects.select_related("deadline", "recipient")}
    assert got == {
        ("owned", "officer1"), ("unowned", "officer2"),
        ("orphan", "officer1"), ("orphan", "officer2"), ("orphan", "officer3"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["officer1@example.org", "officer2@example.org", "officer3@example.org"]


def test_missed_day_is_caught_up_next_run_with_only_the_latest_reminder(officer):
    deadline = Deadline.objects.create(project=make_project("p1", officer=officer), due_on=TODAY + days(6))
    # Nobody ran the scan 30 or 7 days before; the next run sends the 7-day reminder once.
    assert reminder_offset_due(due_on=deadline.due_on, today=TODAY) == -7

    assert reminders_run(today=TODAY).reminders == 1
    assert reminders_run(today=TODAY + days(1)).reminders == 0
    assert reminders_run(today=TODAY + days(5)).reminders == 1  # one day before
    assert list(Reminder.objects.values_list("offset_days", flat=True)) == [-7, -1]


def test_closed_deadlines_get_no_reminders(officer):
    project = make_project("p1", officer=officer)
    for state in (DeadlineState.APPROVED, DeadlineState.WAIVED, DeadlineState.SKIPPED, DeadlineState.CLOSED):
        deadline = Deadline(project=project, due_on=TODAY + days(7))
        deadline.close(state=state, user=officer, reason="Not asked for.")
        deadline.save()

    assert reminders_run(today=TODAY).reminders == 0


def test_moved_deadline_is_reminded_again_for_its_new_date(officer):
    deadline = Deadline.objects.create(project=make_project("p1", officer=officer), due_on=TODAY + days(7))
    reminders_run(today=TODAY)
    deadline.due_on = TODAY + days(37)
    deadline.save()

    assert reminders_run(today=TODAY + days(7)).reminders == 1  # 30 days before the new date


def test_smtp_failure_is_retried_later_then_recorded_failed(settings, smtp_settings, officer):
    settings.REMINDER_SEND_ATTEMPTS = 2
    settings.REMINDER_RETRY_BASE_SECONDS = 0
    smtp_settings.refuse_all = True
    Deadline.objects.create(project=make_project("p1", officer=officer), due_on=TODAY)

    assert send_reminders() == "sent 0 reminders in 0 digests; 1 digests will be retried"
    assert send_reminders() == "sent 0 reminders in 0 digests; 1 digests failed"
    assert send_reminders() == "sent 0 reminders in 0 digests"

    digest = ReminderDigest.objects.get()
    assert digest.attempts == 2 and digest.failed_at and digest.sent_at is None
    assert "451" in digest.last_error
    assert len({message_id for message_id, _ in smtp_settings.refused}) == 1


def test_failed_digest_sent_again_from_the_admin_goes_out_once_under_its_message_id(
    settings, smtp_settings, officer, officer_client, django_capture_on_commit_callbacks
):
    settings.REMINDER_SEND_ATTEMPTS = 1
    smtp_settings.refuse_all = True
    Deadline.objects.create(project=make_project("p1", officer=officer), due_on=TODAY)
    assert send_reminders() == "sent 0 reminders in 0 digests; 1 digests failed"
    failed = ReminderDigest.objects.get()
    smtp_settings.refuse_all = False

    with django_capture_on_commit_callbacks(execute=True) as queued:
        page = officer_client.post(
            "/admin/deadlines/reminderdigest/", {"action": "send_again", "_selected_action": [failed.pk]}, follow=True
        )

    assert "1 e-mails queued again." in page.text
    assert len(queued) == 1  # queued once the reset is committed, not before
    failed.refresh_from_db()
    assert failed.sent_at and failed.failed_at is None and failed.attempts == 1
    assert smtp_settings.counts() == {failed.message_id: 1}

    # A digest that was sent is not sent again.
    with django_capture_on_commit_callbacks(execute=True):
        page = officer_client.post(
            "/admin/deadlines/reminderdigest/", {"action": "send_again", "_selected_action": [failed.pk]}, follow=True
        )
    assert "0 e-mails queued again." in page.text
    assert smtp_settings.counts() == {failed.message_id: 1}


def test_send_reminders_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "02/03/2026")
