"""A donor's pages: next deadlines are upcoming ones, overdue ones apart and only if really open; the reporting
page filters by project, state and year, exports the same rows as CSV, links the calendar and the approved report."""
import csv
import datetime
import io

import pytest
from django.utils import timezone

from deadlines.models import Deadline, DeadlineKind
from deadlines.services import deadline_close, report_approve, report_submit
from donors.models import Donor
from projects.models import Project
from tests.deadlines.conftest import documents_in, pdf

pytestmark = pytest.mark.django_db

SDC_ONLY = "bangladesh-migration-policy"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def sdc_deadlines(annex, settings, tmp_path, officer):
    documents_in(settings, tmp_path)
    today = timezone.localdate()
    project = Project.objects.get(slug=SDC_ONLY)
    sdc = Donor.objects.get(acronym="SDC")

    def make(title, due, **fields):
        return Deadline.objects.create(project=project, donor=sdc, kind=DeadlineKind.PROGRESS_REPORT, title=title,
                                       due_on=due, **fields)

    waived = make("ZZ waived report", today - 30 * DAY)
    deadline_close(deadline=waived, state="waived", user=officer, reason="Not asked for.")
    return {
        "waived": waived,
        "later": make("ZZ later report", today + 200 * DAY),
        "soon": make("ZZ soon report", today + 5 * DAY),
        "late": make("ZZ late report", today - 3 * DAY),
        "closed": make("ZZ history report", datetime.date(2013, 3, 1), state="closed"),
    }


def test_next_deadlines_are_upcoming_soonest_first_and_overdue_ones_apart(sdc_deadlines, sdc_client):
    response = sdc_client.get("/donors/SDC/")
    assert [d.title for d in response.context["next_deadlines"]] == ["ZZ soon report", "ZZ later report"]
    assert [d.title for d in response.context["overdue_deadlines"]] == ["ZZ late report"]
    html = response.content.decode()
    assert html.index("ZZ soon report") < html.index("ZZ later report")
    assert "data-overdue" in html and "ZZ waived report" not in html and "ZZ history report" not in html


def test_after_seed_demo_the_sdc_page_shows_no_overdue_deadline(annex, sdc_client):
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    response = sdc_client.get("/donors/SDC/")
    assert response.context["overdue_deadlines"] == []
    html = response.content.decode()
    assert "data-overdue" not in html and 'data-state="overdue"' not in html
    reporting = sdc_client.get("/donors/SDC/reporting/").content.decode()
    assert 'data-state="overdue"' not in reporting and 'data-state="closed"' in reporting


def titles(client, **params):
    response = client.get("/donors/SDC/reporting/", params)
    assert response.status_code == 200
    return [d.title for d in response.context["deadlines"] if d.title.startswith("ZZ")]


def test_reporting_filters_by_state_year_and_project(sdc_deadlines, sdc_client):
    assert titles(sdc_client, state="overdue") == ["ZZ late report"]
    assert titles(sdc_client, state="upcoming") == ["ZZ later report"]
    assert titles(sdc_client, state="due") == ["ZZ soon report"]
    assert titles(sdc_client, state="closed") == ["ZZ history report"]
    assert titles(sdc_client, state="waived") == ["ZZ waived report"]
    assert titles(sdc_client, year="2013") == ["ZZ history report"]
    other = Project.objects.filter(fundings__donor__acronym="SDC", is_published=True).exclude(slug=SDC_ONLY).first()
    assert titles(sdc_client, project=other.slug) == []
    assert len(titles(sdc_client, project=SDC_ONLY)) == 5
    page = sdc_client.get("/donors/SDC/reporting/", {"state": "waived"}).content.decode()
    assert "Not asked for." in page  # the reason, in the state history
    response = sdc_client.get("/donors/SDC/reporting/", {"state": "lost", "year": "soon"})
    assert response.status_code == 200 and response.context["deadlines"] == []
    assert response.context["filter"].errors.keys() == {"state", "year"}


def test_csv_has_the_same_rows_and_the_approved_reports_address(sdc_deadlines, sdc_client, officer, second_officer):
    submission = report_submit(deadline=sdc_deadlines["late"], user=officer, upload=pdf())
    report_approve(submission=submission, user=second_officer)
    page = sdc_client.get("/donors/SDC/reporting/", {"year": timezone.localdate().year})
    html = page.content.decode()
    assert f'href="/reporting/reports/{submission.pk}/file/"' in html
    assert 'href="/calendar/"' in html
    assert "format=csv" in html
    response = sdc_client.get("/donors/SDC/reporting/", {"year": timezone.localdate().year, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["deadline"] for row in rows] == [d.title for d in page.context["deadlines"]]
    late = next(row for row in rows if row["deadline"] == "ZZ late report")
    assert (late["state"], late["approved_version"]) == ("approved", "1")
    assert late["approved_file"] == f"http://testserver/reporting/reports/{submission.pk}/file/"


def test_reporting_page_costs_the_same_with_more_deadlines(sdc_deadlines, sdc_client, django_assert_max_num_queries):
    sdc_client.get("/donors/SDC/reporting/")
    with django_assert_max_num_queries(12) as first:
        sdc_client.get("/donors/SDC/reporting/")
    for i in range(10):
        Deadline.objects.create(project=sdc_deadlines["soon"].project, donor=sdc_deadlines["soon"].donor,
                                title=f"ZZ more {i}", due_on=timezone.localdate() + (i + 1) * DAY)
    with django_assert_max_num_queries(len(first.captured_queries)):
        sdc_client.get("/donors/SDC/reporting/")
