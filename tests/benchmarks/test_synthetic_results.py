"""generate_portfolio's results: a share of the synthetic projects carries a results framework, the annex none."""
from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from benchmarks.synthetic import (
    RESULTS_SHARE,
    demo_generate,
    demo_projects,
    portfolio_generate,
    synthetic_projects,
)
from results.models import (
    Dimension,
    DimensionTarget,
    Indicator,
    Measure,
    Period,
    Result,
    Update,
    UpdateState,
)
from results.selectors import results_of

pytestmark = pytest.mark.django_db

N = 150


def results_signature(seed):
    """Every result, indicator, period and update of a seed's projects, by project slug, without keys or clocks."""
    projects = synthetic_projects(seed)
    return (
        sorted(Result.objects.filter(project__in=projects).values_list(
            "project__slug", "result_type", "title", "aggregation_status", "order")),
        sorted(Indicator.objects.filter(result__project__in=projects).values_list(
            "result__project__slug", "result__order", "title", "measure", "ascending", "baseline_year",
            "baseline_value", "reference_code", "order"), key=str),
        sorted(Period.objects.filter(indicator__result__project__in=projects).values_list(
            "indicator__result__project__slug", "indicator__result__order", "indicator__order", "start", "end",
            "target_value", "target_comment", "is_locked"), key=str),
        sorted(Update.objects.filter(period__indicator__result__project__in=projects).values_list(
            "period__indicator__result__project__slug", "period__indicator__title", "period__start",
            "dimension__value", "value", "text", "state", "review_comment", "reviewed_at"), key=str),
    )


def test_a_share_of_projects_has_results_of_every_shape(annex):
    result = portfolio_generate(projects=N, seed=21)
    projects = synthetic_projects(21)
    with_results = projects.annotate(n=Count("results")).filter(n__gt=0)
    assert RESULTS_SHARE / 2 * N < with_results.count() < RESULTS_SHARE * 1.6 * N
    assert result.results == Result.objects.filter(project__in=projects).count()
    assert result.indicators == Indicator.objects.filter(result__project__in=projects).count()
    assert result.periods == Period.objects.filter(indicator__result__project__in=projects).count()
    assert result.updates == Update.objects.filter(period__indicator__result__project__in=projects).count()
    counts = with_results.values_list("n", flat=True)
    assert min(counts) >= 1 and max(counts) <= 4
    per_result = Result.objects.filter(project__in=projects).annotate(n=Count("indicators")).values_list("n", flat=True)
    assert set(per_result) <= {1, 2, 3}

    measures = Counter(Indicator.objects.values_list("measure", flat=True))
    assert measures[Measure.UNIT] and measures[Measure.PERCENTAGE] and measures[Measure.QUALITATIVE]
    assert not Indicator.objects.filter(measure=Measure.QUALITATIVE, baseline_value__isnull=False).exists()
    assert not Indicator.objects.exclude(measure=Measure.QUALITATIVE).filter(baseline_value__isnull=True).exists()
    assert Dimension.objects.exists() and DimensionTarget.objects.exists()
    assert Update.objects.filter(dimension__isnull=False, state=UpdateState.APPROVED).exists()

    states = Counter(Update.objects.values_list("state", flat=True))
    assert states[UpdateState.APPROVED] > states[UpdateState.SUBMITTED] > 0 and states[UpdateState.RETURNED] > 0
    assert not Update.objects.filter(state=UpdateState.RETURNED, review_comment="").exists()
    today = timezone.localdate()
    # Approved figures are of periods already over; only a running period awaits its first review.
    assert not Update.objects.filter(state=UpdateState.APPROVED, period__end__gte=today).exists()
    assert not Period.objects.filter(is_locked=True, end__gte=today).exists()
    for period in Period.objects.select_related("indicator__result__project")[:300]:
        period.full_clean()
        project = period.indicator.result.project
        assert (project.actual_start or project.planned_start) <= period.start
        assert period.end <= (project.actual_end or project.planned_end)
    for update in Update.objects.select_related("period__indicator", "dimension")[:300]:
        update.full_clean(exclude=["created_by", "reviewed_by"])
    # The product reads them: approved figures make actuals.
    rows = results_of(list(with_results.values_list("id", flat=True)[:20]))
    assert any(p.actual.value is not None for rs in rows.values() for r in rs for i in r.indicators for p in i.periods)


def project_signature(seed):
    return sorted(synthetic_projects(seed).values_list("slug", "title", "planned_start", "region_id", "is_published"))


def test_results_are_deterministic(annex):
    portfolio_generate(projects=60, seed=22)
    first = results_signature(22)
    synthetic_projects(22).delete()
    portfolio_generate(projects=60, seed=22)
    assert results_signature(22) == first and first[3]


def test_projects_and_money_are_those_the_seed_gave_without_results(annex, monkeypatch):
    """Results come from a stream of their own: adding them changed no project and no money of a seed."""
    from tests.benchmarks.test_synthetic_money import money_signature

    monkeypatch.setattr("benchmarks.synthetic.RESULTS_SHARE", 0.0)
    portfolio_generate(projects=60, seed=24)
    assert not Result.objects.exists()
    projects, money = project_signature(24), money_signature(24)
    synthetic_projects(24).delete()
    monkeypatch.undo()
    portfolio_generate(projects=60, seed=24)
    assert Result.objects.exists()
    assert project_signature(24) == projects and money_signature(24) == money


def test_the_annex_gets_no_results(annex):
    from projects.models import Project

    real = list(Project.objects.values_list("id", flat=True))
    assert len(real) == 21
    portfolio_generate(projects=40, seed=23)
    demo_generate(projects=30)
    assert Result.objects.filter(project__in=demo_projects()).exists()
    assert Result.objects.filter(project__in=synthetic_projects(23)).exists()
    assert not Result.objects.filter(project_id__in=real).exists()
