"""The results scenarios of the benchmark: the product's results selectors against raw SQL.

Two scenarios, each as a pair of views under /__benchmark__/results/ (mounted only when
PORTFOLIO_BENCHMARK=1), answering the same JSON for the anonymous viewer:

- results page: `results.selectors.for_page` for one published project (the benchmark takes
  the generated project with the most periods, `largest`): per period its target, approved
  actual, bar, pace, on or off track and disaggregations;
- results summary: `results.selectors.track_summary` over every published project, the
  /results/ page's figures (indicators on and off track, in total, by region and by donor).

The baseline reads with hand-written SQL the same rows (approved updates only, a summed
measure's actual its sum, a level's the latest reviewed) and applies the same pace rule in
Python, so the ratio measures the queries and the Python around them. Portable SQL: the tests
compare both answers on SQLite and PostgreSQL.
"""
import datetime
from collections import defaultdict
from decimal import Decimal

import orjson
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from projects.selectors import project_visible
from results.models import Measure, Period
from results.selectors import for_page, track_summary

SUMMED = (int(Measure.UNIT), int(Measure.NOMINAL))
QUALITATIVE = int(Measure.QUALITATIVE)


def _json(data) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), content_type="application/json")


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _decimal(value) -> Decimal | None:
    """A value as the database gives it (SQLite: a float or an int) as a Decimal."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _text(value) -> str | None:
    return None if value is None else format(_decimal(value).normalize(), "f")


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _anonymous_only(request) -> HttpResponse | None:
    if request.user.is_authenticated:
        return JsonResponse({"detail": "The results baselines answer for the anonymous viewer only."}, status=400)
    return None


def largest(request):
    """The published project with the most periods: the results page scenario's project (not timed)."""
    row = (
        Period.objects.filter(indicator__result__project__is_published=True)
        .values("indicator__result__project_id").annotate(n=Count("id")).order_by("-n", "indicator__result__project_id")
        .first()
    )
    return _json({"project": row and row["indicator__result__project_id"], "periods": row and row["n"]})


# The product ----------------------------------------------------------------------------


def results_page(request):
    """The project page's results, as `for_page` gives them to an anonymous visitor."""
    project = get_object_or_404(project_visible(user=request.user), pk=request.GET.get("project"))
    periods = []
    for result_row in for_page(project, staff=False):
        for indicator_row in result_row.indicators:
            for row in indicator_row.periods:
                periods.append({
                    "period": row.period.id, "indicator": indicator_row.indicator.id,
                    "target": _text(row.target), "actual": _text(row.actual.value), "texts": row.actual.texts,
                    "progress": row.progress, "pace": row.pace, "track": row.track,
                    "dimensions": [[d.id, _text(target), _text(actual.value)] for d, target, actual in row.dimension_lines],
                })
    return _json({"project": project.pk, "periods": periods})


def _counts(summary: dict) -> dict:
    def count(c):
        return {"key": c.key, "name": c.name, "on": c.on, "off": c.off, "no_data": c.no_data}

    return {"total": count(summary["total"]), "by_region": [count(c) for c in summary["by_region"]],
            "by_donor": [count(c) for c in summary["by_donor"]]}


def results_summary(request):
    return _json(_counts(track_summary(project_visible(user=request.user))))


# The baseline ---------------------------------------------------------------------------

# Per period of the chosen indicators: its indicator's measure, direction and baseline, its target,
# and its approved total actual (a summed measure's sum, a level's latest reviewed value).
PERIOD_SQL = """
SELECT pe.id, i.id, i.measure, i.ascending, i.baseline_value, pe.start, pe."end", pe.target_value,
  (SELECT SUM(u.value) FROM results_update u
    WHERE u.period_id = pe.id AND u.state = 'approved' AND u.dimension_id IS NULL),
  (SELECT u.value FROM results_update u
    WHERE u.period_id = pe.id AND u.state = 'approved' AND u.dimension_id IS NULL
    ORDER BY u.reviewed_at DESC, u.id DESC LIMIT 1),
  r.project_id
FROM results_period pe
JOIN results_indicator i ON i.id = pe.indicator_id
JOIN results_result r ON r.id = i.result_id
"""


def _actual(measure, total, latest):
    return _decimal(total if measure in SUMMED else latest)


def _pace(measure, ascending, baseline, start, end, target, today) -> Decimal | None:
    if target is None:
        return None
    if not ascending:
        return target
    days = (end - start).days + 1
    share = Decimal(str(round(min(max(((today - start).days + 1) / days, 0.0), 1.0), 4)))
    if measure in SUMMED or baseline is None:
        return target * share
    return baseline + (target - baseline) * share


def _verdict(measure, ascending, baseline, start, end, target, actual, today) -> str | None:
    if measure == QUALITATIVE or actual is None or today < start:
        return None
    pace = _pace(measure, ascending, baseline, start, end, target, today)
    if pace is None:
        return None
    return "on" if (actual >= pace if ascending else actual <= pace) else "off"


def results_page_sql(request):
    refused = _anonymous_only(request)
    if refused:
        return refused
    today = timezone.localdate()
    project = request.GET.get("project")
    if not _rows("SELECT 1 FROM projects_project WHERE id = %(p)s AND is_published", {"p": project}):
        return JsonResponse({"detail": "Not found."}, status=404)
    rows = _rows(PERIOD_SQL + " WHERE r.project_id = %(p)s ORDER BY r.\"order\", r.id, i.\"order\", i.id, pe.start, pe.id",
                 {"p": project})
    # Disaggregations: each dimension's target and approved actual per period, in the dimension's order.
    dimension_rows = _rows(
        """SELECT pe.id, d.id, t.value,
             (SELECT SUM(u.value) FROM results_update u WHERE u.period_id = pe.id AND u.dimension_id = d.id
                AND u.state = 'approved'),
             (SELECT u.value FROM results_update u WHERE u.period_id = pe.id AND u.dimension_id = d.id
                AND u.state = 'approved' ORDER BY u.reviewed_at DESC, u.id DESC LIMIT 1),
             EXISTS (SELECT 1 FROM results_update u WHERE u.period_id = pe.id AND u.dimension_id = d.id
                AND u.state = 'approved'),
             i.measure
           FROM results_period pe JOIN results_indicator i ON i.id = pe.indicator_id
           JOIN results_result r ON r.id = i.result_id
           JOIN results_dimension d ON d.indicator_id = i.id
           LEFT JOIN results_dimensiontarget t ON t.period_id = pe.id AND t.dimension_id = d.id
           WHERE r.project_id = %(p)s ORDER BY pe.id, d.name, d.value, d.id""",
        {"p": project},
    )
    dimensions = defaultdict(list)
    for period_id, dimension_id, target, total, latest, reported, measure in dimension_rows:
        if target is not None or reported:
            actual = _actual(measure, total, latest) if measure != QUALITATIVE else None
            dimensions[period_id].append([dimension_id, _text(target), _text(actual)])
    texts = defaultdict(list)
    for period_id, text in _rows(
        """SELECT u.period_id, u.text FROM results_update u JOIN results_period pe ON pe.id = u.period_id
           JOIN results_indicator i ON i.id = pe.indicator_id JOIN results_result r ON r.id = i.result_id
           WHERE r.project_id = %(p)s AND i.measure = %(q)s AND u.state = 'approved' AND u.dimension_id IS NULL
           ORDER BY u.created_at, u.id""",
        {"p": project, "q": QUALITATIVE},
    ):
        texts[period_id].append(text)
    periods = []
    for period_id, indicator_id, measure, ascending, baseline, start, end, target, total, latest, _p in rows:
        start, end, target, baseline = _date(start), _date(end), _decimal(target), _decimal(baseline)
        ascending = bool(ascending)
        actual = _actual(measure, total, latest) if measure != QUALITATIVE else None
        progress = int(min(max(actual / target * 100, 0), 100)) if actual is not None and target else None
        pace = _pace(measure, ascending, baseline, start, end, target, today)
        shown_pace = (int(min(max(pace / target * 100, 0), 100))
                      if pace is not None and target and ascending and measure != QUALITATIVE else None)
        periods.append({
            "period": period_id, "indicator": indicator_id, "target": _text(target), "actual": _text(actual),
            "texts": texts.get(period_id, []), "progress": progress, "pace": shown_pace,
            "track": _verdict(measure, ascending, baseline, start, end, target, actual, today),
            "dimensions": dimensions.get(period_id, []),
        })
    return _json({"project": int(project), "periods": periods})


def results_summary_sql(request):
    refused = _anonymous_only(request)
    if refused:
        return refused
    today = timezone.localdate()
    published = "SELECT p.id FROM projects_project p WHERE p.is_published"
    # Each indicator's verdict: that of its latest started period with a target and an approved actual.
    verdicts = {}
    rows = _rows(
        PERIOD_SQL + f""" WHERE r.project_id IN ({published}) AND pe.start <= %(today)s
          AND pe.target_value IS NOT NULL AND i.measure <> %(q)s ORDER BY i.id, pe.start DESC, pe.id""",
        {"today": today, "q": QUALITATIVE},
    )
    for _period, indicator_id, measure, ascending, baseline, start, end, target, total, latest, _p in rows:
        if indicator_id in verdicts:
            continue
        actual = _actual(measure, total, latest)
        verdict = _verdict(measure, bool(ascending), _decimal(baseline), _date(start), _date(end), _decimal(target),
                           actual, today)
        if verdict is not None:
            verdicts[indicator_id] = verdict
    indicators = _rows(
        f"""SELECT i.id, r.project_id, COALESCE(rg.code, 'global'), COALESCE(rg.name, 'Global')
            FROM results_indicator i JOIN results_result r ON r.id = i.result_id
            JOIN projects_project p ON p.id = r.project_id LEFT JOIN regions_region rg ON rg.id = p.region_id
            WHERE r.project_id IN ({published})""",
        {},
    )
    donors = defaultdict(list)
    for project_id, acronym, name in _rows(
        f"""SELECT f.project_id, d.acronym, d.name FROM projects_funding f JOIN donors_donor d ON d.id = f.donor_id
            WHERE f.project_id IN ({published}) AND EXISTS (SELECT 1 FROM results_result r WHERE r.project_id = f.project_id)
            ORDER BY d.acronym""",
        {},
    ):
        donors[project_id].append((acronym, name))

    def blank(key, name):
        return {"key": key, "name": name, "on": 0, "off": 0, "no_data": 0}

    total, by_region, by_donor = blank("", ""), {}, {}
    for indicator_id, project_id, code, name in indicators:
        field = {"on": "on", "off": "off"}.get(verdicts.get(indicator_id), "no_data")
        total[field] += 1
        by_region.setdefault(code, blank(code, name))[field] += 1
        for acronym, donor_name in donors[project_id]:
            by_donor.setdefault(acronym, blank(acronym, donor_name))[field] += 1
    return _json({"total": total, "by_region": sorted(by_region.values(), key=lambda c: c["name"]),
                  "by_donor": sorted(by_donor.values(), key=lambda c: c["key"])})
