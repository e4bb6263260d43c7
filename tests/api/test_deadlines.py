"""/api/v1/deadlines/: scoped by the caller, filterable by project, state and due range, a fixed query count."""
import datetime

import pytest

from deadlines.models import Deadline, DeadlineState
from deadlines.services import deadline_close
from donors.models import Donor
from projects.models import Funding, Project

pytestmark = pytest.mark.django_db

DAY = datetime.date(2030, 5, 1)


@pytest.fixture
def deadlines(annex, officer):
    """One report owed to SDC and one to EC on published projects, and one to SDC on an unpublished project."""
    sdc, ec = Donor.objects.get(acronym="SDC"), Donor.objects.get(acronym="EC")
    sdc_project = Project.objects.filter(fundings__donor=sdc, is_published=True).exclude(fundings__donor=ec).first()
    ec_project = Project.objects.filter(fundings__donor=ec, is_published=True).exclude(fundings__donor=sdc).first()
    draft = Project.objects.create(title="Draft pilot", short_name="draft", slug="draft-pilot", is_published=False,
                                   planned_start=datetime.date(2029, 1, 1), planned_end=datetime.date(2031, 12, 31))
    Funding.objects.create(project=draft, donor=sdc)
    return {
        "sdc": Deadline.objects.create(project=sdc_project, donor=sdc, kind="progress-report", title="SDC report",
                                       due_on=DAY),
        "ec": Deadline.objects.create(project=ec_project, donor=ec, kind="progress-report", title="EC report",
                                      due_on=DAY + datetime.timedelta(days=10)),
        "draft": Deadline.objects.create(project=draft, donor=sdc, kind="final-report", title="Draft report",
                                         due_on=DAY + datetime.timedelta(days=20)),
    }


def titles(client, **params) -> list[str]:
    response = client.get("/api/v1/deadlines/", {"page_size": 200, "due_after": DAY.isoformat(), **params})
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def test_donor_token_sees_its_donors_deadlines_of_published_projects_only(sdc_token_client, ec_token_client, deadlines):
    assert titles(sdc_token_client) == ["SDC report"]
    assert titles(ec_token_client) == ["EC report"]


def test_officer_sees_every_deadline_and_anonymous_none(officer_token_client, anonymous_client, deadlines):
    assert titles(officer_token_client) == ["SDC report", "EC report", "Draft report"]
    assert anonymous_client.get("/api/v1/deadlines/").json() == {
        "count": 0, "count_exact": True, "next": None, "previous": None, "results": []
    }


def test_a_deadline_reads_as_what_is_due_when_and_to_whom(sdc_token_client, deadlines):
    [item] = sdc_token_client.get("/api/v1/deadlines/", {"due_after": DAY.isoformat()}).json()["results"]
    project = deadlines["sdc"].project
    assert item == {
        "id": deadlines["sdc"].pk,
        "project": {"id": project.pk, "slug": project.slug, "title": project.title},
        "kind": {"code": "progress-report", "label": "Progress report"},
        "title": "SDC report",
        "due_on": DAY.isoformat(),
        "state": "upcoming",
        "ocds_status": "scheduled",
        "donor": "SDC",
        "report": None,
    }


def test_filters_by_project_state_and_due_range(officer_token_client, sdc_token_client, deadlines, officer):
    assert titles(officer_token_client, project=deadlines["ec"].project_id) == ["EC report"]
    assert titles(officer_token_client, due_before=(DAY + datetime.timedelta(days=10)).isoformat()) == [
        "SDC report", "EC report"]
    deadline_close(deadline=deadlines["ec"], state=DeadlineState.WAIVED, user=officer, reason="Not asked for.")
    assert titles(officer_token_client, state="waived") == ["EC report"]
    assert titles(officer_token_client, state="upcoming") == ["SDC report", "Draft report"]
    # Another donor's project is no error: it matches nothing.
    assert titles(sdc_token_client, project=deadlines["ec"].project_id) == []


@pytest.mark.parametrize(("params", "field"), [
    ({"due_after": "yesterday"}, "due_after"),
    ({"due_before": "2030-13-01"}, "due_before"),
    ({"state": "lost"}, "state"),
    ({"project": "capsa"}, "project"),
    ({"owner": "1"}, "owner"),
    ({"state": "open"}, "state"),  # stored, not a state the API filters by: upcoming, due or overdue
    ({"state": ["upcoming", "waived"]}, "state"),
])
def test_bad_parameters_are_a_400_naming_them(officer_token_client, params, field):
    response = officer_token_client.get("/api/v1/deadlines/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("page_size", [1, 3])
def test_query_count_does_not_grow_with_the_page(officer_client, deadlines, django_assert_num_queries, page_size):
    with django_assert_num_queries(4):  # session, user, count, page
        response = officer_client.get("/api/v1/deadlines/", {"page_size": page_size, "due_after": DAY.isoformat()})
    assert len(response.json()["results"]) == page_size


# Issue 14: states people act on, and the report where the caller may read it.


def test_filters_by_the_derived_states(officer_token_client, deadlines, settings):
    from django.utils import timezone

    today = timezone.localdate()
    settings.DEADLINE_DUE_SOON_DAYS = 30
    Deadline.objects.filter(pk=deadlines["sdc"].pk).update(due_on=today - datetime.timedelta(days=1))
    Deadline.objects.filter(pk=deadlines["ec"].pk).update(due_on=today + datetime.timedelta(days=10))
    params = {"due_after": "2000-01-01"}
    assert titles(officer_token_client, state="overdue", **params) == ["SDC report"]
    assert titles(officer_token_client, state="due", **params) == ["EC report"]
    assert "Draft report" in titles(officer_token_client, state="upcoming", **params)
    [late] = officer_token_client.get("/api/v1/deadlines/", {"state": "overdue", "due_after": "2000-01-01"}).json()[
        "results"]
    assert (late["state"], late["ocds_status"]) == ("overdue", "notMet")


@pytest.fixture
def reported(deadlines, officer, second_officer, settings, tmp_path):
    """The SDC report approved (version 1), the EC one submitted and in review."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from deadlines.services import report_approve, report_submit

    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}

    def upload():
        return SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n")

    approved = report_approve(submission=report_submit(deadline=deadlines["sdc"], user=officer, upload=upload()),
                              user=second_officer)
    report_submit(deadline=deadlines["ec"], user=officer, upload=upload())
    return approved


def test_a_deadline_carries_its_report_for_staff_and_the_donor_it_is_owed_to(
    officer_token_client, sdc_token_client, ec_token_client, reported,
):
    def items(client):
        response = client.get("/api/v1/deadlines/", {"due_after": DAY.isoformat()})
        return {item["title"]: item for item in response.json()["results"]}

    staff = items(officer_token_client)
    file_url = f"http://testserver/api/v1/reports/{reported.pk}/file/"
    assert staff["SDC report"]["state"] == "approved" and staff["SDC report"]["ocds_status"] == "met"
    assert staff["SDC report"]["report"] == {"version": 1, "state": "approved", "approved_version": 1,
                                             "approved_file": file_url}
    assert staff["EC report"]["state"] == "submitted"
    assert staff["EC report"]["report"] == {"version": 1, "state": "submitted", "approved_version": None,
                                            "approved_file": None}
    assert staff["Draft report"]["report"] is None
    assert items(sdc_token_client)["SDC report"]["report"]["approved_file"] == file_url
    assert items(ec_token_client)["EC report"]["report"]["state"] == "submitted"
    assert "SDC report" not in items(ec_token_client)
    assert titles(officer_token_client, state="approved") == ["SDC report"]
    assert titles(officer_token_client, state="submitted") == ["EC report"]


def test_a_token_downloads_the_file_its_deadline_points_at_and_no_other(
    officer_token_client, sdc_token_client, ec_token_client, anonymous_client, reported,
):
    url = f"/api/v1/reports/{reported.pk}/file/"
    for client in (sdc_token_client, officer_token_client):
        response = client.get(url, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Disposition"].startswith("attachment")
    assert ec_token_client.get(url).status_code == 404
    assert anonymous_client.get(url).status_code in (401, 404)
    assert sdc_token_client.get("/api/v1/reports/999999/file/").status_code == 404


def test_the_report_costs_no_query_per_deadline(officer_client, reported, django_assert_num_queries):
    with django_assert_num_queries(4):  # session, user, count, page (the reports are subqueries of the page)
        response = officer_client.get("/api/v1/deadlines/", {"due_after": DAY.isoformat()})
    assert len(response.json()["results"]) == 3
