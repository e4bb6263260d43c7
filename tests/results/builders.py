"""A synthetic results framework for tests: never on an annex project (its objectives stay objectives)."""
import datetime
from decimal import Decimal

from projects.models import Objective, Project
from results.models import (
    Dimension,
    DimensionTarget,
    Indicator,
    Measure,
    Period,
    Result,
    ResultType,
)


def synthetic_project(slug="zz-results-demo", *, published=True, **fields) -> Project:
    return Project.objects.create(
        title=f"Synthetic project {slug}", short_name=slug[:80], slug=slug, scope="national",
        planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2020, 12, 31), is_published=published,
        **fields,
    )


def build_framework(project: Project, *, results=10, indicators=5, periods=12, dimensions=True) -> list[Result]:
    """`results` × `indicators` × `periods` (monthly periods of 2020, target 10 each), with sex dimensions."""
    objective = Objective.objects.create(project=project, order=1, text="Fairer recruitment (synthetic).")
    made = Result.objects.bulk_create(
        Result(project=project, objective=objective if r == 0 else None, result_type=ResultType.OUTPUT if r else
               ResultType.OUTCOME, title=f"Result {r + 1}", order=r + 1) for r in range(results)
    )
    made_indicators = Indicator.objects.bulk_create(
        Indicator(result=result, title=f"{result.title} indicator {i + 1}", order=i + 1, measure=Measure.UNIT,
                  baseline_year=2019, baseline_value=Decimal(2), baseline_comment="Survey 2019",
                  reference_vocabulary="8" if i == 0 else "", reference_code="8.8" if i == 0 else "")
        for result in made for i in range(indicators)
    )
    if dimensions:
        Dimension.objects.bulk_create(
            Dimension(indicator=indicator, name="sex", value=value)
            for indicator in made_indicators for value in ("female", "male")
        )
    made_periods = Period.objects.bulk_create(
        Period(indicator=indicator, start=datetime.date(2020, m + 1, 1),
               end=(datetime.date(2020, m + 2, 1) if m < 11 else datetime.date(2021, 1, 1)) - datetime.timedelta(days=1),
               target_value=Decimal(10))
        for indicator in made_indicators for m in range(periods)
    )
    if dimensions:
        female = {d.indicator_id: d for d in Dimension.objects.filter(indicator__result__project=project, value="female")}
        DimensionTarget.objects.bulk_create(
            DimensionTarget(period=p, dimension=female[p.indicator_id], value=Decimal(5)) for p in made_periods
        )
    return made
