"""A project's results written from outside (an IATI file, via iati.reader): all or nothing.

The reader fills these plain dataclasses, so this app never touches XML; `line` is where the
element stood in the file, so an error found here still points the officer at the source.
An imported actual arrives already reviewed by its publisher: it is written as an approved
update, and the history says it was imported.
"""
import dataclasses
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

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

IMPORTED = "Imported from IATI"


@dataclasses.dataclass
class FigureData:
    """A target or an actual: its value, the disaggregation it is for (name, value), its comment."""

    value: Decimal | None = None
    dimension: tuple[str, str] | None = None
    comments: list[str] = dataclasses.field(default_factory=list)
    line: int | None = None


@dataclasses.dataclass
class PeriodData:
    start: datetime.date
    end: datetime.date
    targets: list[FigureData] = dataclasses.field(default_factory=list)
    actuals: list[FigureData] = dataclasses.field(default_factory=list)
    line: int | None = None


@dataclasses.dataclass
class IndicatorData:
    title: str
    measure: int = Measure.UNIT
    ascending: bool = True
    description: str = ""
    baseline_year: int | None = None
    baseline_value: Decimal | None = None
    baseline_comment: str = ""
    reference_vocabulary: str = ""
    reference_code: str = ""
    periods: list[PeriodData] = dataclasses.field(default_factory=list)
    line: int | None = None

    @property
    def dimensions(self) -> list[tuple[str, str]]:
        """Every disaggregation its targets and actuals name, first seen first, once each."""
        seen = {}
        for period in self.periods:
            for figure in (*period.targets, *period.actuals):
                if figure.dimension is not None:
                    seen.setdefault(figure.dimension, None)
        return list(seen)


@dataclasses.dataclass
class ResultData:
    title: str
    result_type: int
    aggregation_status: bool = False
    description: str = ""
    indicators: list[IndicatorData] = dataclasses.field(default_factory=list)
    line: int | None = None


def _at(line: int | None) -> str:
    return f" (line {line})" if line else ""


def _checked(obj, line: int | None, exclude: list[str]):
    """Run the model's own validation, naming the source line in the error."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        reasons = "; ".join(f"{field}: {messages[0]}" for field, messages in error.message_dict.items())
        raise ValidationError(f"{obj._meta.verbose_name.capitalize()}{_at(line)}: {reasons}") from None
    return obj


def _joined(texts: list[str]) -> str:
    return "\n".join(t for t in texts if t)


@transaction.atomic
def results_import(*, project, results: list[ResultData], user=None, replace: bool = False) -> dict[str, int]:
    """Write `results` as `project`'s results framework, in one transaction; returns the rows written by model.

    A project that has results already is refused unless `replace`, which deletes them first
    (their updates and history rows go with them). Any invalid row undoes everything.
    """
    existing = Result.objects.filter(project=project)
    if existing.exists():
        if not replace:
            raise ValidationError("This project has results already: import with replace to overwrite them.")
        existing.delete()
    now = timezone.now()
    history = {"default_user": user, "default_change_reason": IMPORTED, "default_date": now}

    made_results = [
        _checked(Result(project=project, result_type=data.result_type, title=data.title, description=data.description,
                        aggregation_status=data.aggregation_status, order=n), data.line, ["project", "objective"])
        for n, data in enumerate(results, start=1)
    ]
    bulk_create_with_history(made_results, Result, **history)

    pairs = [(result, n, data) for result, r_data in zip(made_results, results, strict=True)
             for n, data in enumerate(r_data.indicators, start=1)]
    indicators = [
        _checked(Indicator(
            result=result, title=data.title, description=data.description, measure=data.measure,
            ascending=data.ascending, baseline_year=data.baseline_year, baseline_value=data.baseline_value,
            baseline_comment=data.baseline_comment, reference_vocabulary=data.reference_vocabulary,
            reference_code=data.reference_code, order=n,
        ), data.line, ["result"])
        for result, n, data in pairs
    ]
    bulk_create_with_history(indicators, Indicator, **history)

    dimensions, periods, period_data = {}, [], []
    for indicator, (_result, _n, data) in zip(indicators, pairs, strict=True):
        for name, value in data.dimensions:
            dimensions[indicator, name, value] = _checked(
                Dimension(indicator=indicator, name=name, value=value), data.line, ["indicator"])
        for p_data in data.periods:
            period = Period(indicator=indicator, start=p_data.start, end=p_data.end)
            for target in p_data.targets:
                if target.dimension is None:
                    period.target_value, period.target_comment = target.value, _joined(target.comments)
            periods.append(_checked(period, p_data.line, ["indicator"]))
            period_data.append(p_data)
    bulk_create_with_history(list(dimensions.values()), Dimension, **history)
    bulk_create_with_history(periods, Period, **history)

    targets, updates = [], []
    for period, p_data in zip(periods, period_data, strict=True):
        indicator = period.indicator
        for target in p_data.targets:
            if target.dimension is not None and target.value is not None:
                targets.append(_checked(DimensionTarget(
                    period=period, dimension=dimensions[indicator, *target.dimension], value=target.value,
                ), target.line, ["period", "dimension"]))
        for actual in p_data.actuals:
            updates.extend(_updates(indicator, period, actual, dimensions, user, now))
    bulk_create_with_history(targets, DimensionTarget, **history)
    bulk_create_with_history(updates, Update, **history)
    return {"results": len(made_results), "indicators": len(indicators), "dimensions": len(dimensions),
            "periods": len(periods), "dimension_targets": len(targets), "updates": len(updates)}


def _updates(indicator, period, actual: FigureData, dimensions, user, now) -> list[Update]:
    """An actual as approved updates: one per text of a qualitative indicator, else one with its value."""
    dimension = dimensions[indicator, *actual.dimension] if actual.dimension else None
    common = {"period": period, "dimension": dimension, "state": UpdateState.APPROVED, "created_by": user,
              "submitted_at": now, "reviewed_by": user, "reviewed_at": now, "review_comment": IMPORTED}
    if indicator.is_qualitative:
        if actual.value is not None:
            raise ValidationError(f"Actual{_at(actual.line)}: a qualitative indicator takes text, not a number.")
        return [Update(text=text, **common) for text in actual.comments if text]
    if actual.value is None:
        if actual.comments:
            raise ValidationError(f"Actual{_at(actual.line)}: give the value reported for the period.")
        return []
    update = Update(value=actual.value, comment=_joined(actual.comments), **common)
    return [_checked(update, actual.line, ["period", "dimension", "created_by", "reviewed_by"])]
