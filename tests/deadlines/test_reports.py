"""A deadline is a piece of work: its states, report versions, review, and who may download the approved file."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deadlines.models import (
    Deadline,
    DeadlineKind,
    DeadlineState,
    DeadlineStatus,
    ReportSubmission,
    SubmissionState,
)
from deadlines.selectors import deadline_steps
from deadlines.services import (
    deadline_close,
    deadline_reopen,
    report_approve,
    report_return,
    report_submit,
)
from documents.models import Document
from projects.models import Project
from tests.deadlines.conftest import PDF, pdf, stored

pytestmark = pytest.mark.django_db

# States ------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "status"), [(-1, "overdue"), (0, "due"), (10, "due"), (11, "upcoming")])
def test_open_deadlines_are_upcoming_due_or_overdue_by_the_date(report, settings, days, status):
    settings.DEADLINE_DUE_SOON_DAYS = 10
    today = timezone.localdate()
    Deadline.objects.filter(pk=report.pk).update(due_on=today + datetime.timedelta(days=days))
    report.refresh_from_db()
    assert report.status(today) == status
    assert list(Deadline.objects.with_status(status, today=today)) == [report]
    others = set(DeadlineStatus.values) - {status}
    assert not any(Deadline.objects.with_status(other, today=today).exists() for other in others)


def test_a_returned_report_is_still_owed_by_its_date(report, officer, second_officer):
    submission = report_submit(deadline=report, user=officer, upload=pdf())
    report_return(submission=submission, user=second_officer, comment="Add the budget table.")
    report.refresh_from_db()
    assert report.status() == DeadlineStatus.RETURNED
    today = timezone.localdate()
    assert list(Deadline.objects.with_status("upcoming", today=today)) == [report]
    assert list(Deadline.objects.with_status("overdue", today=today + datetime.timedelta(days=61))) == [report]


@pytest.mark.parametrize("state", [DeadlineState.WAIVED, DeadlineState.SKIPPED])
def test_waiving_or_skipping_needs_a_reason(report, officer, state):
    with pytest.raises(ValidationError) as error:
        deadline_close(deadline=report, state=state, user=officer, reason="  ")
    assert "reason" in error.value.message_dict
    deadline_close(deadline=report, state=state, user=officer, reason="Merged with the final report.")
    report.refresh_from_db()
    assert (report.state, report.reason, report.closed_by) == (state, "Merged with the final report.", officer)
    assert [step.state for step in deadline_steps([report.pk])[report.pk]] == ["open", state]
    assert deadline_steps([report.pk])[report.pk][-1].by == officer.username


def test_the_database_refuses_a_waived_deadline_without_reason(report):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.filter(pk=report.pk).update(state=DeadlineState.WAIVED, reason="")


def test_a_report_is_met_by_approving_it_not_by_marking_it(report, officer):
    with pytest.raises(ValidationError):
        deadline_close(deadline=report, state=DeadlineState.APPROVED, user=officer)


# Submissions -------------------------------------------------------------------------


def test_submit_keeps_a_private_version_and_marks_the_deadline_submitted(report, officer, storage_dir):
    submission = report_submit(deadline=report, user=officer, upload=pdf("Rapport annuel.pdf"))
    report.refresh_from_db()
    assert report.state == DeadlineState.SUBMITTED
    assert (submission.version, submission.state, submission.submitted_by) == (1, SubmissionState.SUBMITTED, officer)
    document = submission.document
    assert (document.project, document.is_public, document.content_type) == (report.project, False, "application/pdf")
    assert document.original_name == "Rapport_annuel.pdf" and "Rapport" not in document.file.name
    assert len(stored(storage_dir)) == 1


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),
    SimpleUploadedFile("empty.pdf", b""),
], ids=["executable-named-pdf", "empty"])
def test_a_refused_file_stores_nothing_and_leaves_the_deadline_open(report, officer, storage_dir, upload):
    with pytest.raises(ValidationError):
        report_submit(deadline=report, user=officer, upload=upload)
    report.refresh_from_db()
    assert report.state == DeadlineState.OPEN
    assert not ReportSubmission.objects.exists() and not Document.objects.exists()
    assert stored(storage_dir) == []


def test_a_file_over_the_cap_is_refused(report, officer, storage_dir, settings):
    settings.DOCUMENT_MAX_SIZE = 2048
    with pytest.raises(ValidationError, match="limit"):
        report_submit(deadline=report, user=officer, upload=pdf(body=b"x" * 4096))
    assert stored(storage_dir) == [] and not ReportSubmission.objects.exists()


def test_a_failure_after_storing_removes_the_file(report, officer, storage_dir, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(ReportSubmission, "save", broken)
    with pytest.raises(RuntimeError):
        report_submit(deadline=report, user=officer, upload=pdf())
    assert stored(storage_dir) == [] and not Document.objects.exists()


def test_only_reporting_kinds_take_a_report(report, officer, storage_dir):
    start = Deadline.objects.create(project=report.project, kind=DeadlineKind.PROJECT_START, due_on=report.due_on)
    with pytest.raises(ValidationError, match="report"):
        report_submit(deadline=start, user=officer, upload=pdf())
    assert stored(storage_dir) == []


def test_no_second_version_while_one_is_in_review(report, officer):
    report_submit(deadline=report, user=officer, upload=pdf())
    with pytest.raises(ValidationError):
        report_submit(deadline=report, user=officer, upload=pdf())
    assert ReportSubmission.objects.count() == 1


def test_returning_needs_a_comment_and_approving_another_officer(report, officer, second_officer):
    submission = report_submit(deadline=report, user=officer, upload=pdf())
    with pytest.raises(ValidationError):
        report_return(submission=submission, user=second_officer, comment=" ")
    with pytest.raises(ValidationError, match="Another officer"):
        report_approve(submission=submission, user=officer)
    report_approve(submission=submission, user=second_officer)
    report.refresh_from_db()
    assert (report.state, report.closed_by) == (DeadlineState.APPROVED, second_officer)
    assert report.closed_at is not None
    with pytest.raises(ValidationError):  # decided once
        report_return(submission=submission, user=second_officer, comment="Too late.")


def test_reopening_an_approved_report_keeps_its_versions(report, officer, second_officer):
    report_approve(submission=report_submit(deadline=report, user=officer, upload=pdf()), user=second_officer)
    deadline_reopen(deadline=report, user=officer)
    second = report_submit(deadline=report, user=officer, upload=pdf())
    assert second.version == 2
    assert list(report.submissions.values_list("version", "state")) == [(2, "submitted"), (1, "approved")]


# The acceptance test of issue 14 -----------------------------------------------------


def test_submitted_returned_resubmitted_approved_then_downloaded_by_the_owed_donor_only(
    report, officer, second_officer, officer_client, sdc_client, ec_client,
):
    from django.test import Client

    anonymous_client = Client()  # the `anonymous_client` persona is the `client` officer_client logged in
    first = report_submit(deadline=report, user=officer, upload=pdf("v1.pdf", b"first"))
    report_return(submission=first, user=second_officer, comment="The budget table is missing.")
    second = report_submit(deadline=report, user=officer, upload=pdf("v2.pdf", b"second"))
    report_approve(submission=second, user=second_officer)

    report.refresh_from_db()
    assert report.state == DeadlineState.APPROVED and report.status() == "approved"
    steps = deadline_steps([report.pk])[report.pk]
    assert [(step.state, step.by) for step in steps] == [
        ("open", ""), ("submitted", "officer1"), ("returned", "officer2"), ("submitted", "officer1"),
        ("approved", "officer2"),
    ]
    # The state history on the admin page and, for the donor, on its reporting page.
    admin_page = officer_client.get(f"/admin/deadlines/deadline/{report.pk}/change/").content.decode()
    assert admin_page.count('data-state="submitted"') >= 2 and 'data-state="returned"' in admin_page
    reporting = sdc_client.get("/donors/SDC/reporting/").content.decode()
    for state in ("submitted", "returned", "approved"):
        assert f'data-step="{state}"' in reporting
    assert "officer2" not in reporting  # who did it is for staff

    url = f"/reporting/reports/{second.pk}/file/"
    assert f'href="{url}"' in reporting
    response = sdc_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF + b"second"
    assert 'filename="v2.pdf"' in response["Content-Disposition"]

    # Another donor's user, anonymous, and the owed donor for the returned version: 404, by id.
    assert ec_client.get(url).status_code == 404
    assert anonymous_client.get(url).status_code == 404
    assert sdc_client.get(f"/reporting/reports/{first.pk}/file/").status_code == 404
    assert sdc_client.get(f"/reporting/reports/{second.pk + 1000}/file/").status_code == 404
    # ...and by any guessable name: stored names are random and no URL serves the storage.
    name = second.document.file.name
    for guess in (f"/media/{name}", f"/documents/{name}", f"/reporting/reports/{second.pk}/file/{name}",
                  f"/reporting/{name}", f"/static/{name}", f"/reporting/reports/{second.pk}/file/v2.pdf"):
        assert ec_client.get(guess).status_code == 404, guess
        assert sdc_client.get(guess).status_code == 404, guess
    # The documents app's own download of the file (by its document id) serves restricted files to staff only.
    from django.urls import reverse

    assert ec_client.get(reverse("documents:download", args=[second.document_id])).status_code == 404
    assert sdc_client.get(reverse("documents:download", args=[second.document_id])).status_code == 404
    # Staff download every version.
    assert officer_client.get(f"/reporting/reports/{first.pk}/file/").status_code == 200


def test_the_owed_donor_loses_the_file_when_the_project_is_unpublished(report, officer, second_officer, sdc_client):
    submission = report_submit(deadline=report, user=officer, upload=pdf())
    report_approve(submission=submission, user=second_officer)
    Project.objects.filter(pk=report.project_id).update(is_published=False)
    assert sdc_client.get(f"/reporting/reports/{submission.pk}/file/").status_code == 404


def test_a_report_of_the_projects_own_dates_reaches_no_donor(report, officer, second_officer, sdc_client):
    evaluation = Deadline.objects.create(project=report.project, kind=DeadlineKind.MIDTERM_EVALUATION,
                                         due_on=report.due_on)  # no donor: the project's own
    submission = report_submit(deadline=evaluation, user=officer, upload=pdf())
    report_approve(submission=submission, user=second_officer)
    assert sdc_client.get(f"/reporting/reports/{submission.pk}/file/").status_code == 404


def test_report_files_are_listed_with_their_deadline_not_among_the_project_documents(report, officer, officer_client):
    """Every version is a restricted document of the project; the project's documents page and API leave them out."""
    from documents.selectors import project_documents

    submission = report_submit(deadline=report, user=officer, upload=pdf("Rapport annuel.pdf"))
    assert project_documents(project=report.project, user=officer) == []
    body = officer_client.get(f"/api/v1/projects/{report.project_id}/documents/").json()
    assert body["documents"] == []
    page = officer_client.get(f"/admin/deadlines/deadline/{report.pk}/change/")
    assert f"/reporting/reports/{submission.pk}/file/" in page.content.decode()


def test_a_donor_rules_generated_title_reads_in_the_viewers_language():
    """Stored in English by the generator; shown in French and Spanish on the reporting pages."""
    from django.utils import translation

    yearly = Deadline(kind=DeadlineKind.PROGRESS_REPORT, title="Progress report to SDC (year 2)",
                      generation_key="donor-3:progress-report:year-2")
    final = Deadline(kind=DeadlineKind.FINAL_REPORT, title="Final report to SDC", generation_key="donor-3:final-report:end")
    by_hand = Deadline(kind=DeadlineKind.OTHER, title="Steering committee minutes to SDC")
    with translation.override("fr"):
        assert yearly.label == "Rapport d'avancement pour SDC (année 2)"
        assert final.label == "Rapport final pour SDC"
        assert by_hand.label == "Steering committee minutes to SDC"  # an officer's own words stay as written
    with translation.override("es"):
        assert yearly.label.endswith("para SDC (año 2)")
    assert yearly.label == "Progress report to SDC (year 2)"
