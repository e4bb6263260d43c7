"""Reads of results: a project's framework with its approved actuals, in a fixed number of queries.

`results_of()` is shared by the API, the dashboards, the IATI XML and the CSV export, so an
actual means the same everywhere: the approved updates of a period, and nothing else.
"""
import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from projects.models import Funding
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

# Counted things add up over a period; a level (a percentage, a rank) is its latest report.
SUMMED = {Measure.UNIT, Measure.NOMINAL}


@dataclasses.dataclass
class Actual:
    """What the approved updates of a period (or of one disaggregation value) make."""

    value: Decimal | None = None
    texts: list[str] = dataclasses.field(default_factory=list)
    updates: int = 0


def _actual(indicator: Indicator, updates: list[Update]) -> Actual:
    actual = Actual(updates=len(updates))
    if not updates:
        return actual
    if indicator.is_qualitative:
        actual.texts = [u.text for u in updates]
    elif indicator.measure in SUMMED:
        actual.value = sum((u.value for u in updates), Decimal(0))
    else:
        actual.value = max(updates, key=lambda u: (u.reviewed_at, u.id)).value
    return actual


@dataclasses.dataclass
class PeriodRow:
    period: Period
    actual: Actual
    dimension_actuals: dict[int, Actual]  # Dimension id → its actual
    pending: list[Update]  # submitted, draft and returned updates: staff only
    # Filled by for_page(): the bar's length and marker, as percentages of the target, and the verdict.
    progress: int | None = None
    pace: int | None = None
    track: str | None = None
    dimension_lines: list[tuple] = dataclasses.field(default_factory=list)  # (dimension, target, actual)

    @property
    def target(self) -> Decimal | None:
        return self.period.target_value


@dataclasses.dataclass
class IndicatorRow:
    indicator: Indicator
    dimensions: list[Dimension]
    periods: list[PeriodRow]


@dataclasses.dataclass
class ResultRow:
    result: Result
    indicators: list[IndicatorRow]


def results_queryset(projects) -> QuerySet[Result]:
    """Results of `projects` (a queryset or ids) with everything below them: five queries once evaluated."""
    return (
        Result.objects.filter(project__in=projects)
        .select_related("objective")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
            Prefetch("indicators__dimensions", queryset=Dimension.objects.order_by("name", "value", "id")),
            Prefetch("indicators__periods", queryset=Period.objects.order_by("start", "id")),
            Prefetch("indicators__periods__dimension_targets", queryset=DimensionTarget.objects.order_by("dimension_id")),
        )
        .order_by("project_id", "order", "id")
    )


def _updates(period_ids: list[int], *, approved_only: bool) -> dict[int, list[Update]]:
    updates = Update.objects.filter(period_id__in=period_ids).order_by("created_at", "id")
    if approved_only:
        updates = updates.filter(state=UpdateState.APPROVED)
    by_period = defaultdict(list)
    for update in updates:
        by_period[update.period_id].append(update)
    return by_period


def results_of(projects, *, staff: bool = False) -> dict[int, list[ResultRow]]:
    """Project id → its results, indicators, periods and actuals; six queries whatever the size.

    Actuals count approved updates only, for everyone; `staff` adds each period's other
    updates (`pending`) for the officers' review.
    """
    results = list(results_queryset(projects))
    periods = [p for r in results for i in r.indicators.all() for p in i.periods.all()]
    updates = _updates([p.id for p in periods], approved_only=not staff) if periods else {}
    by_project: dict[int, list[ResultRow]] = defaultdict(list)
    for result in results:
        rows = []
        for indicator in result.indicators.all():
            period_rows = []
            for period in indicator.periods.all():
                approved = [u for u in updates.get(period.id, ()) if u.state == UpdateState.APPROVED]
                per_dimension = defaultdict(list)
                for update in approved:
                    if update.dimension_id is not None:
                        per_dimension[update.dimension_id].append(update)
                period_rows.append(PeriodRow(
                    period=period,
                    actual=_actual(indicator, [u for u in approved if u.dimension_id is None]),
                    dimension_actuals={d: _actual(indicator, us) for d, us in per_dimension.items()},
                    pending=[u for u in updates.get(period.id, ()) if u.state != UpdateState.APPROVED],
                ))
            rows.append(IndicatorRow(indicator=indicator, dimensions=list(indicator.dimensions.all()), periods=period_rows))
        by_project[result.project_id].append(ResultRow(result=result, indicators=rows))
    return by_project


def project_results(project, *, staff: bool = False) -> list[ResultRow]:
    return results_of([project.pk], staff=staff).get(project.pk, [])


def has_results() -> Exists:
    """True for a project with at least one result: the project list's `has_results` filter."""
    return Exists(Result.objects.filter(project=OuterRef("pk")))


# --- On or off track ---

ON_TRACK, OFF_TRACK = "on", "off"


def elapsed(period: Period, today: datetime.date) -> float:
    """How much of the period has passed, 0 to 1."""
    days = (period.end - period.start).days + 1
    return min(max(((today - period.start).days + 1) / days, 0.0), 1.0)


def expected(indicator: Indicator, period: Period, today: datetime.date) -> Decimal | None:
    """Where the actual should stand today at the target's pace.

    Counted things (unit, nominal) accrue through the period, so the pace is the target times
    the share of the period elapsed; a level (percentage, ordinal) moves from the baseline to
    the target. A descending indicator's target is a ceiling, whatever the date.
    """
    target = period.target_value
    if target is None:
        return None
    if not indicator.ascending:
        return target
    share = Decimal(str(round(elapsed(period, today), 4)))
    if indicator.measure in SUMMED or indicator.baseline_value is None:
        return target * share
    return indicator.baseline_value + (target - indicator.baseline_value) * share


def track(indicator: Indicator, row: PeriodRow, today: datetime.date | None = None) -> str | None:
    """"on" or "off" track against the target's pace; None without a target, an actual or a started period."""
    today = today or timezone.localdate()
    if indicator.is_qualitative or row.actual.value is None or today < row.period.start:
        return None
    pace = expected(indicator, row.period, today)
    if pace is None:
        return None
    good = row.actual.value >= pace if indicator.ascending else row.actual.value <= pace
    return ON_TRACK if good else OFF_TRACK


def progress(row: PeriodRow) -> int | None:
    """The actual as a share of the target, 0–100 (for a bar); None when either is missing."""
    if row.actual.value is None or not row.target:
        return None
    return int(min(max(row.actual.value / row.target * 100, 0), 100))


def periods_flat(rows: Iterable[ResultRow]):
    """(result, indicator, period row) of every period, in order: the CSV and the summary."""
    for result_row in rows:
        for indicator_row in result_row.indicators:
            for period_row in indicator_row.periods:
                yield result_row.result, indicator_row, period_row


def for_page(project, *, staff: bool, today: datetime.date | None = None) -> list[ResultRow]:
    """A project's results as its dashboard page shows them: six queries, approved figures only.

    Each period gets its bar (`progress`), the target's pace today (`pace`), on or off track
    (`track`) and its disaggregations side by side (`dimension_lines`). `staff` adds the
    updates awaiting review (`pending`), which the page counts but never adds to a figure.
    """
    today = today or timezone.localdate()
    rows = project_results(project, staff=staff)
    for result_row in rows:
        for indicator_row in result_row.indicators:
            indicator = indicator_row.indicator
            dimensions = {d.id: d for d in indicator_row.dimensions}
            for row in indicator_row.periods:
                row.progress, row.track = progress(row), track(indicator, row, today)
                pace = expected(indicator, row.period, today)
                if pace is not None and row.target and indicator.ascending and not indicator.is_qualitative:
                    row.pace = int(min(max(pace / row.target * 100, 0), 100))
                targets = {t.dimension_id: t.value for t in row.period.dimension_targets.all()}
                row.dimension_lines = [
                    (dimension, targets.get(d_id), row.dimension_actuals.get(d_id, Actual()))
                    for d_id, dimension in dimensions.items()
                    if d_id in targets or d_id in row.dimension_actuals
                ]
    return rows


# --- The portfolio summary ---

@dataclasses.dataclass
class TrackCount:
    """Indicators of a group of projects by their latest verdict."""

    key: str
    name: str
    on: int = 0
    off: int = 0
    no_data: int = 0

    @property
    def total(self) -> int:
        return self.on + self.off + self.no_data

    def add(self, verdict: str | None) -> None:
        if verdict == ON_TRACK:
            self.on += 1
        elif verdict == OFF_TRACK:
            self.off += 1
        else:
            self.no_data += 1


def indicator_verdict(row: IndicatorRow, today: datetime.date) -> str | None:
    """An indicator's state today: the verdict of its latest started period that has one."""
    for period_row in sorted(row.periods, key=lambda r: r.period.start, reverse=True):
        if period_row.period.start <= today:
            verdict = track(row.indicator, period_row, today)
            if verdict is not None:
                return verdict
    return None


@dataclasses.dataclass(slots=True)
class _Level:
    """What the on/off-track rule reads of an indicator, period or update: `track()` takes these
    as it takes the models, so the summary needs no model instance (a tenth of the time)."""

    measure: int = 0
    ascending: bool = True
    baseline_value: Decimal | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    target_value: Decimal | None = None
    value: Decimal | None = None
    text: str = ""
    reviewed_at: datetime.datetime | None = None
    id: int = 0

    @property
    def is_qualitative(self) -> bool:
        return self.measure == Measure.QUALITATIVE


def _verdicts(projects: QuerySet, today: datetime.date) -> dict[int, list[str | None]]:
    """Project id → the verdict of each of its indicators (`indicator_verdict`), in three queries.

    Only what a verdict can come from is read: started periods with a target, of indicators
    that are not qualitative, and their approved totals.
    """
    indicators = {
        pk: (project_id, _Level(measure=measure, ascending=ascending, baseline_value=baseline))
        for pk, project_id, measure, ascending, baseline in Indicator.objects.filter(result__project__in=projects)
        .values_list("id", "result__project_id", "measure", "ascending", "baseline_value")
    }
    periods = Period.objects.filter(
        indicator__result__project__in=projects, start__lte=today, target_value__isnull=False,
    ).exclude(indicator__measure=Measure.QUALITATIVE)
    approved = defaultdict(list)
    for period_id, value, reviewed_at, pk in Update.objects.filter(
        period__in=periods, state=UpdateState.APPROVED, dimension__isnull=True,
    ).values_list("period_id", "value", "reviewed_at", "id"):
        approved[period_id].append(_Level(value=value, reviewed_at=reviewed_at, id=pk))
    rows = defaultdict(list)
    for pk, indicator_id, start, end, target in periods.values_list("id", "indicator_id", "start", "end", "target_value"):
        period = _Level(start=start, end=end, target_value=target, id=pk)
        rows[indicator_id].append(PeriodRow(period, _actual(indicators[indicator_id][1], approved.get(pk, [])), {}, []))
    verdicts = defaultdict(list)
    for pk, (project_id, indicator) in indicators.items():
        verdicts[project_id].append(indicator_verdict(IndicatorRow(indicator, [], rows.get(pk, [])), today))
    return verdicts


def track_summary(projects: QuerySet, *, today: datetime.date | None = None) -> dict:
    """Indicators on and off track in `projects` (visible and filtered by the caller), in total, by region and by donor.

    A project funded by two donors counts under both. Five queries, approved figures only.
    """
    today = today or timezone.localdate()
    with_results = projects.filter(has_results())
    ids = with_results.values_list("id", "region__code", "region__name")
    region_of = {pk: (code or "global", name or "Global") for pk, code, name in ids}
    donors_of = defaultdict(list)
    for project_id, acronym, name in Funding.objects.filter(project__in=with_results.values("id")).values_list(
        "project_id", "donor__acronym", "donor__name"
    ).order_by("donor__acronym"):
        donors_of[project_id].append((acronym, name))
    total, by_region, by_donor = TrackCount("", ""), {}, {}
    for project_id, verdicts in _verdicts(with_results.values("id"), today).items():
        key, name = region_of[project_id]
        for verdict in verdicts:
            total.add(verdict)
            by_region.setdefault(key, TrackCount(key, name)).add(verdict)
            for acronym, donor_name in donors_of[project_id]:
                by_donor.setdefault(acronym, TrackCount(acronym, donor_name)).add(verdict)
    return {
        "total": total,
        "by_region": sorted(by_region.values(), key=lambda c: c.name),
        "by_donor": sorted(by_donor.values(), key=lambda c: c.key),
    }


def _stats_membership(projects: QuerySet, group_by: str, today: datetime.date) -> list[tuple[int, str]]:
    """(project id, group key) for every group of projects.selectors.project_stats() a project is in, keyed as
    its groups: region code or "global", donor acronym, country code, year, status code, as text; one query."""
    from projects.models import Project

    if group_by == "donor":
        rows = Funding.objects.filter(project__in=projects).values_list("project_id", "donor__acronym")
    elif group_by == "country":
        rows = Project.countries.through.objects.filter(project__in=projects).values_list("project_id", "country__code")
    elif group_by == "status":
        rows = Project.objects.filter(pk__in=projects).with_status(today).values_list("id", "status_code")
    elif group_by == "year":
        dates = Project.objects.filter(pk__in=projects).with_dates().values_list("id", "effective_start", "effective_end")
        return [(pk, str(year)) for pk, start, end in dates if start and end for year in range(start.year, end.year + 1)]
    else:  # region
        rows = Project.objects.filter(pk__in=projects).values_list("id", "region__code")
        return [(pk, code or "global") for pk, code in rows]
    return [(pk, str(key)) for pk, key in rows]


def track_by_stats_group(projects: QuerySet, *, group_by: str, today: datetime.date | None = None) -> dict:
    """Indicators of `projects` on and off track (the summary's rule, approved figures only): `{"total": TrackCount,
    "groups": {key: TrackCount}}`, grouped as stats/ groups projects (a project counts in each of its groups).
    Four queries."""
    today = today or timezone.localdate()
    with_results = projects.order_by().filter(has_results()).values("id")
    verdicts = _verdicts(with_results, today)
    total, groups = TrackCount("", ""), {}
    for project_verdicts in verdicts.values():
        for verdict in project_verdicts:
            total.add(verdict)
    for project_id, key in _stats_membership(with_results, group_by, today):
        for verdict in verdicts.get(project_id, ()):
            groups.setdefault(key, TrackCount(key, key)).add(verdict)
    return {"total": total, "groups": groups}
