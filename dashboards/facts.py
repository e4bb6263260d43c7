"""Facts: per-project figures the dashboards and stats/ aggregate instead of every budget and transaction.

`facts_fresh()` runs first in every read: it refreshes the projects the triggers marked
(dashboards.triggers), or rebuilds everything when the currency setting or the rate table
changed, so a committed write is in the next request's figures (when that is more work than a
request should do, the reader falls back to every row until `dashboards_facts_rebuild` runs). The money is computed by
finance.selectors' own queries and finance.rates.converted_sum(), unrounded, so a sum of
facts rounded once is the figure finance.selectors gives for the same rows
(tests/dashboards/test_facts.py compares them).
"""
import datetime
import hashlib
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from dashboards.models import DirtyProject, DonorFact, FactsState, MoneyFact, ProjectFact, YearFact
from finance.rates import ConvertedSum, ConvertedTotal, RatesUnavailable, converted_sum, rate_table, rounded
from finance.selectors import (
    CONTRIBUTION_TYPES,
    SPENDING_TYPES,
    ProjectMoney,
    amounts_by,
    budgets_counted,
    budgets_visible,
    transactions_visible,
)
from projects.models import Project
from projects.selectors import sees_all_projects

logger = logging.getLogger(__name__)

# Projects refreshed per round of queries (a bulk load marks many).
BATCH = 2000
# At most this many projects are computed inside a request (one batch, a few seconds); more wait for the command.
IN_REQUEST = BATCH
# How long a cached figure is kept (a new facts version makes it unreachable sooner).
CACHE_SECONDS = 3600
# The advisory lock a refresh holds on PostgreSQL (any constant).
LOCK_KEY = 7_000_018
KINDS = ProjectMoney.FIELDS  # budget, committed, disbursed, spent
CONTRIBUTIONS = tuple(CONTRIBUTION_TYPES.values())  # committed, received
NOTHING = ConvertedSum(Decimal(0), 0, 0, None, None)


class Viewer:
    """Whose visibility a set of facts takes: staff (every row) or everyone else (finance.selectors' rule)."""

    is_active = True

    def __init__(self, staff: bool):
        self.is_staff = staff


AUDIENCES = {True: Viewer(True), False: Viewer(False)}


def _rates_fingerprint() -> str:
    try:
        return rate_table().fingerprint
    except RatesUnavailable:
        return ""


def _state():
    return FactsState.objects.annotate(dirty=Exists(DirtyProject.objects.all())).values(
        "currency", "rates", "version", "dirty"
    ).first()


def _stale(state) -> bool:
    return state is None or state["currency"] != settings.PORTFOLIO_CURRENCY or state["rates"] != _rates_fingerprint()


def facts_version(currency: str) -> str | None:
    """The facts' version, brought up to date, when they can serve figures in `currency` (the default
    one only); None when the caller must read every row (another currency, or facts_fresh() gave None)."""
    return facts_fresh() if currency == settings.PORTFOLIO_CURRENCY else None


def facts_fresh() -> str | None:
    """Bring the facts up to date with every committed write, and return their version: one query
    when nothing changed.

    Marked projects are refreshed in the caller's request, in one transaction under a lock
    (PostgreSQL: an advisory lock; SQLite serialises writers anyway) that also holds their
    marks, so concurrent requests wait for it and then find nothing left to do. None when more
    than IN_REQUEST projects would have to be computed (a bulk load, new rates, a fresh install of
    a large portfolio): the caller reads every row instead, until `manage.py dashboards_facts_rebuild`.
    """
    state = _state()
    if not _stale(state) and not state["dirty"]:
        return state["version"]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        state = _state()  # as the request before us may have left it
        if _stale(state):
            if Project.objects.count() > IN_REQUEST:
                logger.warning("Dashboard facts need a rebuild: run manage.py dashboards_facts_rebuild.")
                return None
            facts_rebuild()
        elif state["dirty"]:
            if DirtyProject.objects.count() > IN_REQUEST:
                logger.warning("Many projects changed: run manage.py dashboards_facts_rebuild.")
                return None
            facts_refresh()
        else:
            return state["version"]
        return FactsState.objects.values_list("version", flat=True).get()


def facts_cached(name: str, *, version: str, key: tuple, compute: Callable[[], Any]):
    """`compute()`, or what it gave before under the same facts `version` and `key` (the shared cache).

    Sound because every write to what the figures read moves the version on (dashboards.triggers,
    facts_fresh()): a figure is reused only while nothing under it changed. `key` must hold all
    else the figures depend on (the viewer's visibility, the filters, the day, the language).
    """
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    cache_key = f"dashboards-facts:{version}:{name}:{digest}"
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found, CACHE_SECONDS)
    return found


def facts_refresh(*, batch: int = BATCH) -> int:
    """Recompute the facts of the marked projects and delete their marks, in the caller's transaction;
    how many were refreshed. Holding a mark's row lock makes a writer's trigger wait for us, and us for it."""
    done = 0
    while True:
        marks = DirtyProject.objects.order_by("project_id")
        if connection.features.has_select_for_update:
            marks = marks.select_for_update()
        ids = list(marks.values_list("project_id", flat=True)[:batch])
        if not ids:
            return done
        facts_compute([pk for pk in ids if pk])  # 0: a table without projects changed, nothing to compute
        DirtyProject.objects.filter(project_id__in=ids).delete()
        FactsState.objects.update(version=secrets.token_hex(16))
        done += len(ids)


def facts_rebuild(*, batch: int = BATCH, progress=None) -> int:
    """Recompute every project's facts (a new currency or rate table, a bulk load); how many projects."""
    with transaction.atomic():
        for model in (ProjectFact, MoneyFact, YearFact, DonorFact, DirtyProject, FactsState):
            model.objects.all().delete()
        ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            facts_compute(ids[start:start + batch], clear=False)
            if progress is not None:
                progress(len(ids[start:start + batch]))
        FactsState.objects.create(currency=settings.PORTFOLIO_CURRENCY, rates=_rates_fingerprint(),
                                  version=secrets.token_hex(16), rebuilt_at=timezone.now())
    return len(ids)


def facts_mark(projects: QuerySet[Project]) -> None:
    """Mark `projects` dirty, for a load that wrote them with the triggers off (one query)."""
    DirtyProject.objects.bulk_create(
        [DirtyProject(project_id=pk) for pk in projects.values_list("pk", flat=True)], ignore_conflicts=True
    )


def _merge(sums: Iterable[ConvertedSum]) -> ConvertedSum:
    found = NOTHING
    for one in sums:
        found = ConvertedSum(
            found.total + one.total, found.counted + one.counted, found.left_out + one.left_out,
            min(filter(None, (found.rates_from, one.rates_from)), default=None),
            max(filter(None, (found.rates_to, one.rates_to)), default=None),
        )
    return found


def _columns(found: ConvertedSum) -> tuple:
    return found.total, found.counted, found.left_out, found.rates_from, found.rates_to


def _column_names(prefixes: Iterable[str]) -> list[str]:
    return [f"{p}{suffix}" for p in prefixes for suffix in ("", "_counted", "_left_out", "_from", "_to")]


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Write `rows` (tuples of `columns`) fast: COPY on PostgreSQL, executemany elsewhere; no model instances."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            rows = [tuple(str(v) if isinstance(v, Decimal) else v for v in row) for row in rows]
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def facts_compute(ids: list[int], *, clear: bool = True) -> None:
    """Write the facts of projects `ids` (deleting those of projects that no longer exist)."""
    if clear:
        for model in (ProjectFact, MoneyFact, YearFact, DonorFact):
            model.objects.filter(project_id__in=ids).delete()
    rows = Project.objects.filter(pk__in=ids).with_dates().values_list(
        "pk", "is_published", "region_id", "effective_start", "effective_end", "status_override"
    )
    _insert(ProjectFact, ["project_id", "is_published", "region_id", "effective_start", "effective_end",
                          "status_override"], list(rows))
    currency = settings.PORTFOLIO_CURRENCY
    try:
        rates = rate_table()
    except RatesUnavailable:
        rates = None  # amounts in the currency itself still count; any other raises as finance.selectors would
    money, years, donors = [], [], []
    for staff, viewer in AUDIENCES.items():
        by_year: dict[tuple, dict[str, ConvertedSum]] = defaultdict(dict)
        budgets = budgets_counted(budgets_visible(viewer).filter(project__in=ids))
        for (project, year), amounts in amounts_by(budgets, keys=("project", "period_start__year")).items():
            by_year[project, year]["budget"] = converted_sum(amounts, currency=currency, rates=rates)[0]
        spending = transactions_visible(viewer).filter(project__in=ids, transaction_type__in=SPENDING_TYPES)
        for (project, kind, year), amounts in amounts_by(spending, keys=("project", "transaction_type", "date__year")).items():
            by_year[project, year][SPENDING_TYPES[kind]] = converted_sum(amounts, currency=currency, rates=rates)[0]
        totals: dict[int, dict[str, list[ConvertedSum]]] = defaultdict(lambda: defaultdict(list))
        for (project, year), found in by_year.items():
            columns = []
            for kind in KINDS:
                columns.extend(_columns(found.get(kind, NOTHING)))
                totals[project][kind].append(found.get(kind, NOTHING))
            years.append((project, staff, year, *columns))
        for project, kinds in totals.items():
            money.append((project, staff, *(value for kind in KINDS for value in _columns(_merge(kinds[kind])))))
        incoming = transactions_visible(viewer).filter(
            project__in=ids, transaction_type__in=CONTRIBUTION_TYPES, provider_donor__isnull=False
        )
        by_donor: dict[tuple, dict[str, ConvertedSum]] = defaultdict(dict)
        for (project, donor, kind), amounts in amounts_by(incoming, keys=("project", "provider_donor", "transaction_type")).items():
            by_donor[project, donor][CONTRIBUTION_TYPES[kind]] = converted_sum(amounts, currency=currency, rates=rates)[0]
        for (project, donor), found in by_donor.items():
            donors.append((project, staff, donor, *(v for kind in CONTRIBUTIONS for v in _columns(found.get(kind, NOTHING)))))
    _insert(MoneyFact, ["project_id", "staff", *_column_names(KINDS)], money)
    _insert(YearFact, ["project_id", "staff", "year", *_column_names(KINDS)], years)
    _insert(DonorFact, ["project_id", "staff", "donor_id", *_column_names(CONTRIBUTIONS)], donors)


# --- Reading: aggregates of the facts of a filtered set of projects ---


def _ids(projects: QuerySet[Project]) -> QuerySet:
    return projects.order_by().values("pk")


def _sums(prefixes: Iterable[str]) -> dict:
    found = {}
    for prefix in prefixes:
        found.update({
            prefix: Sum(prefix), f"{prefix}_counted": Sum(f"{prefix}_counted"),
            f"{prefix}_left_out": Sum(f"{prefix}_left_out"), f"{prefix}_from": Min(f"{prefix}_from"),
            f"{prefix}_to": Max(f"{prefix}_to"),
        })
    return found


def _total(row: dict, prefix: str, currency: str) -> ConvertedTotal:
    return rounded(ConvertedSum(
        row[prefix] or Decimal(0), row[f"{prefix}_counted"] or 0, row[f"{prefix}_left_out"] or 0,
        row[f"{prefix}_from"], row[f"{prefix}_to"],
    ), currency=currency)


def _money(row: dict, currency: str) -> ProjectMoney:
    return ProjectMoney(**{kind: _total(row, kind, currency) for kind in KINDS})


def _zero(currency: str) -> ProjectMoney:
    zero = rounded(NOTHING, currency=currency)
    return ProjectMoney(zero, zero, zero, zero)


def _staff(user) -> bool:
    return sees_all_projects(user)


def money_of(projects: QuerySet[Project], *, user) -> ProjectMoney:
    """finance.selectors.money_of() in the default currency, from the facts (one query)."""
    currency = settings.PORTFOLIO_CURRENCY
    row = MoneyFact.objects.filter(staff=_staff(user), project__in=_ids(projects)).aggregate(**_sums(KINDS))
    return _money(row, currency) if row["budget_counted"] is not None else _zero(currency)


# Group keys of money_by(): a field path from a MoneyFact, as finance.selectors.money_by() reads it from a project.
GROUP_PATHS = {
    "region": "project__region__code", "donor": "project__fundings__donor__acronym",
    "country": "project__countries__code",
}


def money_by(projects: QuerySet[Project], *, user, by: str, today: datetime.date | None = None) -> dict[Hashable, ProjectMoney]:
    """finance.selectors.money_by() (and money_by_year/money_by_status) in the default currency, from the facts:
    `by` is region, donor, country (keys as money_by() gives them), year or status (one query)."""
    currency = settings.PORTFOLIO_CURRENCY
    facts = (YearFact if by == "year" else MoneyFact).objects.filter(staff=_staff(user), project__in=_ids(projects))
    if by == "year":
        rows = facts.values(key=F("year"))
    elif by == "status":
        status = Project.objects.with_status(today).filter(pk=OuterRef("project_id")).values("status_code")[:1]
        rows = facts.annotate(key=Subquery(status)).values("key")
    else:
        rows = facts.values(key=F(GROUP_PATHS[by]))
    return {row["key"]: _money(row, currency) for row in rows.annotate(**_sums(KINDS)).order_by()}


def spending_per_year(projects: QuerySet[Project], *, user) -> dict[int, ConvertedTotal]:
    """finance.selectors.spending_per_year() in the default currency, from the facts (one query)."""
    currency = settings.PORTFOLIO_CURRENCY
    rows = (
        YearFact.objects.filter(staff=_staff(user), project__in=_ids(projects))
        .filter(Q(spent_counted__gt=0) | Q(spent_left_out__gt=0))
        .values("year").annotate(**_sums(["spent"])).order_by("year")
    )
    return {row["year"]: _total(row, "spent", currency) for row in rows}


def donor_contributions(projects: QuerySet[Project], *, user) -> dict[int, dict[str, ConvertedTotal]]:
    """finance.selectors.donor_contributions() in the default currency, from the facts (one query)."""
    currency = settings.PORTFOLIO_CURRENCY
    rows = (
        DonorFact.objects.filter(staff=_staff(user), project__in=_ids(projects))
        .values("donor_id").annotate(**_sums(CONTRIBUTIONS)).order_by()
    )
    return {row["donor_id"]: {kind: _total(row, kind, currency) for kind in CONTRIBUTIONS} for row in rows}


def money_by_stats_group(projects: QuerySet[Project], *, user, group_by: str) -> dict[str, ProjectMoney]:
    """finance.selectors.money_by_stats_group() in the default currency, from the facts (one query)."""
    found = money_by(projects, user=user, by=group_by)
    if group_by == "region":
        return {"global" if key is None else key: money for key, money in found.items()}
    return {str(key): money for key, money in found.items() if key is not None}
