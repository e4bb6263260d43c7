import datetime

import pytest

from deadlines.models import Deadline, DeadlineKind, DeadlineState
from deadlines.services import deadlines_demo_seed, deadlines_generate_for_project
from donors.models import Donor, ReportingBasis, ReportingRule
from projects.models import Project, StatusOverride

pytestmark = pytest.mark.django_db


@pytest.fixture
def sdc_project(annex):
    """An SDC-funded annex project with SDC's usual rules."""
    sdc = Donor.objects.get(acronym="SDC")
    ReportingRule.objects.create(donor=sdc, kind="progress-report", basis=ReportingBasis.EACH_YEAR, days_after=60)
    ReportingRule.objects.create(donor=sdc, kind="final-report", basis=ReportingBasis.END, days_after=90)
    project = Project.objects.filter(fundings__donor=sdc).order_by("pk").first()
    # Entered before it started, as a project followed from the start is: its deadlines are open work.
    entered = datetime.datetime(project.planned_start.year - 1, 6, 1, tzinfo=datetime.UTC)
    Project.objects.filter(pk=project.pk).update(created_at=entered)
    project.refresh_from_db()
    return project


def _final(project):
    return project.deadlines.get(kind=DeadlineKind.FINAL_REPORT)


def test_generation_follows_project_dates_and_donor_rules(sdc_project):
    deadlines_generate_for_project(project=sdc_project)

    start, end = sdc_project.start, sdc_project.end
    kinds = list(sdc_project.deadlines.values_list("kind", "due_on"))
    assert (DeadlineKind.PROJECT_START, start) in kinds
    assert (DeadlineKind.PROJECT_END, end) in kinds
    assert _final(sdc_project).due_on == end + datetime.timedelta(days=90)
    years = (end.year - start.year)  # annex projects run 1 January to 31 December
    progress = sdc_project.deadlines.filter(kind=DeadlineKind.PROGRESS_REPORT).order_by("due_on")
    assert [d.due_on for d in progress] == [
        start.replace(year=start.year + n) + datetime.timedelta(days=60) for n in range(1, years + 1)
    ]
    assert all("SDC" in d.title for d in progress)


def test_generation_is_idempotent(sdc_project):
    first = deadlines_generate_for_project(project=sdc_project)
    second = deadlines_generate_for_project(project=sdc_project)

    assert first.created > 0
    assert (second.created, second.moved, second.removed) == (0, 0, 0)
    assert second.kept == first.created
    assert sdc_project.deadlines.count() == first.created


def test_changing_end_date_moves_open_final_report_and_keeps_done_ones(sdc_project, officer):
    deadlines_generate_for_project(project=sdc_project)
    end_deadline = sdc_project.deadlines.get(kind=DeadlineKind.PROJECT_END)
    end_deadline.close(state=DeadlineState.APPROVED, user=officer)
    end_deadline.save()
    manual = Deadline.objects.create(project=sdc_project, kind=DeadlineKind.OTHER, title="Steering committee",
                                     due_on=sdc_project.end)
    old_end = sdc_project.end

    sdc_project.actual_end = old_end + datetime.timedelta(days=365)
    sdc_project.save()
    result = deadlines_generate_for_project(project=sdc_project)

    assert result.moved >= 1
    assert _final(sdc_project).due_on == old_end + datetime.timedelta(days=365 + 90)
    end_deadline.refresh_from_db()
    assert (end_deadline.state, end_deadline.due_on) == (DeadlineState.APPROVED, old_end)
    manual.refresh_from_db()
    assert manual.due_on == old_end
    # The longer project gets one more progress report, not a duplicate of the others.
    keys = list(sdc_project.deadlines.exclude(generation_key="").values_list("generation_key", flat=True))
    assert len(keys) == len(set(keys))


def test_done_final_report_stays_when_end_date_changes(sdc_project, officer):
    deadlines_generate_for_project(project=sdc_project)
    final = _final(sdc_project)
    final.close(state=DeadlineState.WAIVED, user=officer, reason="The donor waived the final report.")
    final.save()

    sdc_project.actual_end = sdc_project.end + datetime.timedelta(days=30)
    sdc_project.save()
    deadlines_generate_for_project(project=sdc_project)

    final.refresh_from_db()
    assert final.state == DeadlineState.WAIVED
    assert final.closed_by == officer
    assert final.due_on == sdc_project.planned_end + datetime.timedelta(days=90)


def test_cancelling_a_project_removes_its_open_generated_deadlines(sdc_project):
    deadlines_generate_for_project(project=sdc_project)
    Deadline.objects.create(project=sdc_project, title="Audit", due_on=sdc_project.end)

    sdc_project.status_override = StatusOverride.CANCELLED
    sdc_project.save()
    deadlines_generate_for_project(project=sdc_project)

    assert list(sdc_project.deadlines.values_list("title", flat=True)) == ["Audit"]


def test_demo_seed_gives_annex_projects_deadlines_idempotently(annex):
    rules, first = deadlines_demo_seed()
    again_rules, second = deadlines_demo_seed()

    assert rules == 5 and again_rules == 0
    assert first.created == Deadline.objects.count() > 21 * 2
    assert second.created == 0
    assert Deadline.objects.filter(kind=DeadlineKind.FINAL_REPORT).exists()
    assert not Project.objects.filter(deadlines__isnull=True).exists()
