"""Deadlines of a project that ended before it was entered are history (closed with it), not overdue alarms."""
import datetime

import pytest
from django.utils import timezone

from deadlines.models import Deadline, DeadlineState
from deadlines.services import deadlines_generate_for_project
from projects.services import demo_seed
from tests.deadlines.conftest import make_project

pytestmark = pytest.mark.django_db


def test_after_seeding_no_annex_deadline_is_an_alarm(annex, sdc_client):
    demo_seed()
    from deadlines.services import deadlines_demo_seed

    deadlines_demo_seed()
    generated = Deadline.objects.exclude(generation_key="")
    assert generated.exists()
    assert not generated.filter(state=DeadlineState.OPEN).exists()
    page = sdc_client.get("/donors/SDC/").content.decode()
    assert "Overdue" not in page
    assert "Overdue" not in sdc_client.get("/projects/capsa/").content.decode()


def test_a_project_that_ended_recently_still_owes_what_falls_after_its_entry(db):
    today = timezone.localdate()
    project = make_project("ended-last-month", start=today - datetime.timedelta(days=700),
                           end=today - datetime.timedelta(days=30))
    from donors.models import Donor, ReportingBasis, ReportingRule
    from projects.models import Funding

    donor = Donor.objects.create(name="Recent Donor", acronym="RD")
    ReportingRule.objects.create(donor=donor, kind="final-report", basis=ReportingBasis.END, days_after=90)
    Funding.objects.create(project=project, donor=donor)
    deadlines_generate_for_project(project=project)
    states = dict(project.deadlines.values_list("kind", "state"))
    assert states["project-end"] == DeadlineState.CLOSED  # due before it was entered
    assert states["final-report"] == DeadlineState.OPEN  # due after: really owed
    closed = project.deadlines.get(kind="project-end")
    assert closed.closed_by is None and closed.closed_at == project.created_at


def test_a_running_project_keeps_its_past_deadlines_open(db):
    today = timezone.localdate()
    project = make_project("running", start=today - datetime.timedelta(days=400), end=today + datetime.timedelta(days=400))
    deadlines_generate_for_project(project=project)
    assert not project.deadlines.exclude(state=DeadlineState.OPEN).exists()


def test_the_donor_page_says_nothing_is_upcoming_when_all_is_history(annex, sdc_client):
    from deadlines.services import deadlines_demo_seed

    deadlines_demo_seed()
    page = sdc_client.get("/donors/SDC/").content.decode()
    assert "No upcoming reporting deadlines." in page and "No reporting deadlines yet." not in page
