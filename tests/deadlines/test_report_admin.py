"""An officer's work on a deadline's admin page: submit a report, another officer approves or returns it,
waive or skip with a reason; each a POST that redirects back with a message; reminders follow the state."""
import datetime

import pytest
from django.utils import timezone

from deadlines.models import Deadline, DeadlineState, Reminder, ReportSubmission
from deadlines.services import (
    reminders_run,
    report_approve,
    report_return,
    report_submit,
)
from tests.deadlines.conftest import pdf

pytestmark = pytest.mark.django_db


def page(client, deadline):
    response = client.get(f"/admin/deadlines/deadline/{deadline.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def post(client, deadline, what, data):
    response = client.post(f"/admin/deadlines/deadline/{deadline.pk}/{what}/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/deadlines/deadline/{deadline.pk}/change/"  # post/redirect/get
    return client.get(response["Location"])


def test_submit_approve_on_the_page(report, officer_client, second_officer_client, officer, second_officer):
    html = page(officer_client, report)
    assert 'id="report-submit"' in html and "No report submitted yet." in html

    after = post(officer_client, report, "report", {"file": pdf()})
    assert "Version 1 submitted: another officer reviews it." in messages_of(after)
    report.refresh_from_db()
    assert report.state == DeadlineState.SUBMITTED
    html = after.content.decode()
    assert 'id="report-submit"' not in html  # in review: no second upload
    assert 'id="report-approve"' not in html and 'id="report-return"' in html  # the submitter may not approve
    submission = ReportSubmission.objects.get()
    assert f'href="/reporting/reports/{submission.pk}/file/"' in html

    html = page(second_officer_client, report)
    assert 'id="report-approve"' in html
    after = post(second_officer_client, report, "decide", {"action": "approve", "submission": submission.pk})
    assert "Version 1 approved: the deadline is met." in messages_of(after)
    report.refresh_from_db()
    assert (report.state, report.closed_by) == (DeadlineState.APPROVED, second_officer)
    assert 'id="deadline-reopen"' in after.content.decode()


def test_return_needs_a_comment_and_says_so(report, officer_client, second_officer_client, officer):
    submission = report_submit(deadline=report, user=officer, upload=pdf())
    after = post(second_officer_client, report, "decide", {"action": "return", "submission": submission.pk, "text": ""})
    assert any("needs a comment" in message for message in messages_of(after))
    after = post(second_officer_client, report, "decide",
                 {"action": "return", "submission": submission.pk, "text": "Add the annex."})
    report.refresh_from_db()
    assert report.state == DeadlineState.RETURNED
    html = after.content.decode()
    assert "Add the annex." in html and 'id="report-submit"' in html  # a new version may be uploaded


def test_a_refused_upload_is_an_error_message_and_stores_nothing(report, officer_client, storage_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 300)
    after = post(officer_client, report, "report", {"file": exe})
    [message] = messages_of(after)
    assert "not allowed" in message or "not a PDF" in message
    assert not ReportSubmission.objects.exists() and not list(storage_dir.rglob("*.*"))


@pytest.mark.parametrize("action", ["waive", "skip"])
def test_waive_or_skip_with_a_reason(report, officer_client, officer, action):
    after = post(officer_client, report, "decide", {"action": action, "text": ""})
    assert any("Say why" in message for message in messages_of(after))
    report.refresh_from_db()
    assert report.state == DeadlineState.OPEN
    after = post(officer_client, report, "decide", {"action": action, "text": "Merged with the final report."})
    report.refresh_from_db()
    assert report.state == {"waive": "waived", "skip": "skipped"}[action]
    html = after.content.decode()
    assert "Merged with the final report." in html
    assert f'data-state="{report.state}"' in html  # in the state history table


def test_who_may_post(report, finance_client, sdc_client, client, officer):
    """Staff without the deadlines' change permission get 403; anyone else the admin's login; GET is refused."""
    for what, data in (("report", {"file": pdf()}), ("decide", {"action": "waive", "text": "x"})):
        assert finance_client.post(f"/admin/deadlines/deadline/{report.pk}/{what}/", data).status_code == 403
        response = sdc_client.post(f"/admin/deadlines/deadline/{report.pk}/{what}/", data)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    report.refresh_from_db()
    assert report.state == DeadlineState.OPEN and not ReportSubmission.objects.exists()


def test_no_such_deadline_or_version(report, officer_client, second_officer):
    assert officer_client.post("/admin/deadlines/deadline/999999/decide/", {"action": "waive"}).status_code == 404
    other = Deadline.objects.create(project=report.project, kind="final-report", due_on=report.due_on)
    theirs = report_submit(deadline=other, user=second_officer, upload=pdf())
    after = post(officer_client, report, "decide", {"action": "approve", "submission": theirs.pk})
    assert "No such version of this deadline's report." in messages_of(after)
    assert ReportSubmission.objects.get(pk=theirs.pk).state == "submitted"


# Reminders ---------------------------------------------------------------------------


def test_reminders_stop_while_submitted_and_resume_when_returned(report, officer, second_officer):
    report.project.responsible_officer = officer
    report.project.save(update_fields=["responsible_officer"])
    due = report.due_on
    day = datetime.timedelta(days=1)
    submission = report_submit(deadline=report, user=officer, upload=pdf())
    reminders_run(today=due - 7 * day)
    reminders_run(today=due + day)
    assert not Reminder.objects.exists()  # submitted: in review, nothing is owed

    report_return(submission=submission, user=second_officer, comment="Missing annex.")
    reminders_run(today=due + day)
    assert list(Reminder.objects.values_list("offset_days", flat=True)) == [1]  # owed again, and late
    reminders_run(today=due + day)
    assert Reminder.objects.count() == 1  # exactly once

    again = report_submit(deadline=report, user=officer, upload=pdf())
    report_approve(submission=again, user=second_officer)
    reminders_run(today=due + 7 * day)
    reminders_run(today=due + 14 * day)
    assert Reminder.objects.count() == 1


def test_history_before_entry_is_closed_and_never_reminded(annex, officer):
    from deadlines.services import deadlines_demo_seed

    deadlines_demo_seed()
    closed = Deadline.objects.exclude(generation_key="")
    assert closed.exists() and set(closed.values_list("state", flat=True)) == {DeadlineState.CLOSED}
    assert reminders_run(today=timezone.localdate()).reminders == 0
