"""The approval flow: an actual counts once another officer approves it; a locked period takes nothing."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from results.models import Indicator, Measure, Period, Update, UpdateState
from results.selectors import OFF_TRACK, ON_TRACK, project_results, track
from results.services import update_approve, update_create, update_return, update_submit
from tests.results.builders import build_framework, synthetic_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = synthetic_project()
    build_framework(project, results=1, indicators=2, periods=2)
    return project


def _period(project, indicator=0, period=0) -> Period:
    indicator = Indicator.objects.filter(result__project=project).order_by("order", "id")[indicator]
    return indicator.periods.order_by("start")[period]


def _actual(project, indicator=0, period=0):
    return project_results(project)[0].indicators[indicator].periods[period].actual


def test_officer_submits_and_second_officer_approves_then_it_counts(project, officer, second_officer):
    period = _period(project)
    update = update_create(period=period, user=officer, value=Decimal(4), comment="Two trainings")
    assert update.state == UpdateState.DRAFT
    update = update_submit(update=update, user=officer)
    assert update.state == UpdateState.SUBMITTED and update.submitted_at
    assert _actual(project).value is None  # submitted is not counted

    update = update_approve(update=update, user=second_officer)
    assert update.state == UpdateState.APPROVED
    assert update.reviewed_by == second_officer and update.reviewed_at
    assert _actual(project).value == Decimal(4)
    update_approve(update=update_submit(update=update_create(period=period, user=officer, value=Decimal(3)),
                                        user=officer), user=second_officer)
    assert _actual(project).value == Decimal(7)  # units add up over the period
    assert [h.history_user for h in update.history.order_by("history_id")] == [officer, officer, second_officer]


def test_returned_update_carries_the_reviewers_comment_and_does_not_count(project, officer, second_officer):
    update = update_create(period=_period(project), user=officer, value=Decimal(9), submit=True)
    with pytest.raises(ValidationError) as error:
        update_return(update=update, user=second_officer, comment=" ")
    assert "review_comment" in error.value.message_dict
    update = update_return(update=update, user=second_officer, comment="Source missing: attach the attendance list.")
    assert update.state == UpdateState.RETURNED
    assert Update.objects.get(pk=update.pk).review_comment == "Source missing: attach the attendance list."
    assert _actual(project).value is None
    assert update_submit(update=update, user=officer).state == UpdateState.SUBMITTED  # sent again after fixing


def test_the_reporter_cannot_approve_their_own_update(project, officer):
    update = update_create(period=_period(project), user=officer, value=Decimal(1), submit=True)
    with pytest.raises(ValidationError) as error:
        update_approve(update=update, user=officer)
    assert "reviewed_by" in error.value.message_dict
    assert Update.objects.get(pk=update.pk).state == UpdateState.SUBMITTED


def test_a_locked_period_refuses_updates_with_an_error_naming_the_period(project, officer, second_officer):
    period = _period(project)
    update = update_create(period=period, user=officer, value=Decimal(1), submit=True)
    Period.objects.filter(pk=period.pk).update(is_locked=True)
    period.refresh_from_db()
    for attempt in (
        lambda: update_create(period=period, user=officer, value=Decimal(2)),
        lambda: update_approve(update=update, user=second_officer),
        lambda: update_return(update=update, user=second_officer, comment="no"),
    ):
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "locked" in error.value.message_dict["period"][0]
    assert Update.objects.count() == 1 and Update.objects.get().state == UpdateState.SUBMITTED


def test_only_a_submitted_update_can_be_reviewed(project, officer, second_officer):
    update = update_create(period=_period(project), user=officer, value=Decimal(1))
    with pytest.raises(ValidationError) as error:
        update_approve(update=update, user=second_officer)
    assert "state" in error.value.message_dict


def test_a_qualitative_indicator_takes_text_not_numbers(project, officer, second_officer):
    indicator = Indicator.objects.filter(result__project=project).first()
    Indicator.objects.filter(pk=indicator.pk).update(measure=Measure.QUALITATIVE, baseline_value=None)
    period = _period(project)
    with pytest.raises(ValidationError) as error:
        update_create(period=period, user=officer, value=Decimal(3))
    assert set(error.value.message_dict) == {"text", "value"}
    update = update_create(period=period, user=officer, text="The law was amended in March.", submit=True)
    update_approve(update=update, user=second_officer)
    assert _actual(project).texts == ["The law was amended in March."]


def test_disaggregated_actuals_come_from_approved_updates_of_that_value(project, officer, second_officer):
    period = _period(project)
    female = period.indicator.dimensions.get(value="female")
    for value, approve in ((Decimal(2), True), (Decimal(5), False)):
        update = update_create(period=period, user=officer, value=value, dimension=female, submit=True)
        if approve:
            update_approve(update=update, user=second_officer)
    row = project_results(project)[0].indicators[0].periods[0]
    assert row.dimension_actuals[female.id].value == Decimal(2)
    assert row.actual.value is None  # a disaggregated figure is not the total
    staff_row = project_results(project, staff=True)[0].indicators[0].periods[0]
    assert [u.value for u in staff_row.pending] == [Decimal(5)]


def test_track_compares_the_actual_with_the_targets_pace(project, officer, second_officer):
    period = _period(project)  # January 2020, target 10
    update_approve(update=update_create(period=period, user=officer, value=Decimal(6), submit=True), user=second_officer)
    indicator_row = project_results(project)[0].indicators[0]
    row = indicator_row.periods[0]
    assert track(indicator_row.indicator, row, datetime.date(2020, 1, 16)) == ON_TRACK  # half-way, 6 ≥ 5.16
    assert track(indicator_row.indicator, row, datetime.date(2020, 2, 1)) == OFF_TRACK  # ended below 10
    assert track(indicator_row.indicator, indicator_row.periods[1], datetime.date(2020, 2, 10)) is None  # no actual


def test_results_of_a_large_project_read_in_six_queries(django_assert_num_queries, officer, second_officer):
    project = synthetic_project("zz-large")
    build_framework(project)
    period = Period.objects.filter(indicator__result__project=project).first()
    update_approve(update=update_create(period=period, user=officer, value=Decimal(1), submit=True), user=second_officer)
    with django_assert_num_queries(6):
        rows = project_results(project)
    assert sum(len(p.periods) for r in rows for p in r.indicators) == 600
