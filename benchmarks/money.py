"""The money scenarios of the benchmark: the product's money selectors against raw SQL.

Two scenarios, each as a pair of views under /__benchmark__/money/ (mounted only when
PORTFOLIO_BENCHMARK=1), answering the same JSON:

- dashboard money: the public dashboard's money figures over every project it shows, in
  the default currency: `money_of` (budget, committed, disbursed, spent),
  `spending_per_year` and `donor_contributions`;
- stats by donor: `money_by(projects, by="fundings__donor__acronym", currency=...)`.

The product side calls the selectors the pages call, for the requesting user (anonymous
in the benchmark), so it carries their visibility rules and query shapes; the baseline is
hand-written SQL with the same rules (published projects, no internal rows, a revised
budget replacing its original). Both sum per currency and value date in the database and
convert those sums in Python with the same `finance.rates.converted_total` and rate table:
conversion costs the same on both sides, so the ratio measures the queries and the
Python around them. Portable SQL: the tests compare both answers on SQLite and PostgreSQL.
"""
import decimal
from collections import defaultdict

import orjson
from django.db import connection
from django.http import HttpResponse

from finance.models import BudgetType, TransactionType
from finance.rates import ConvertedTotal, converted_total
from finance.selectors import (
    CONTRIBUTION_TYPES,
    SPENDING_TYPES,
    ProjectMoney,
    donor_contributions,
    money_by,
    money_of,
    spending_per_year,
)
from projects.selectors import project_visible

STATS_GROUP = "fundings__donor__acronym"


def _json(data) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), content_type="application/json")


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_FLOAT = decimal.Context(prec=15)


def _amount(value) -> decimal.Decimal:
    """A sum as the database gives it: PostgreSQL a Decimal, SQLite a float, read as Django reads it."""
    if isinstance(value, decimal.Decimal):
        return value
    return _FLOAT.create_decimal_from_float(float(value)).quantize(decimal.Decimal("0.01"))


def _total(total: ConvertedTotal) -> dict:
    return {
        "total": str(total.total), "currency": total.currency, "counted": total.counted, "left_out": total.left_out,
        "rates_from": total.rates_from, "rates_to": total.rates_to,
    }


def _figures(money: ProjectMoney) -> dict:
    return {name: _total(getattr(money, name)) for name in ProjectMoney.FIELDS}


def _currency(request) -> str | None:
    return request.GET.get("currency") or None


# The product ----------------------------------------------------------------------------


def dashboard_money(request):
    """GET /__benchmark__/money/dashboard/: what the dashboard's money cards and charts read."""
    user, currency = request.user, _currency(request)
    projects = project_visible(user=user)
    return _json(dashboard_answer(
        money_of(projects, user=user, currency=currency),
        spending_per_year(projects, user=user, currency=currency),
        donor_contributions(projects, user=user, currency=currency),
    ))


def stats_money(request):
    """GET /__benchmark__/money/stats/?currency=EUR: stats/'s money per donor."""
    user = request.user
    groups = money_by(project_visible(user=user), user=user, by=STATS_GROUP, currency=_currency(request))
    return _json(stats_answer(groups))


def dashboard_answer(money: ProjectMoney, per_year: dict, donors: dict) -> dict:
    return {
        "money": _figures(money),
        "per_year": {str(year): _total(total) for year, total in sorted(per_year.items())},
        "donors": {
            str(donor): {kind: _total(total) for kind, total in sorted(kinds.items())}
            for donor, kinds in sorted(donors.items())
        },
    }


def stats_answer(groups: dict) -> dict:
    return {str(key): _figures(money) for key, money in sorted(groups.items(), key=lambda item: str(item[0]))}


# The baseline ---------------------------------------------------------------------------

# What an anonymous visitor may count: published projects, rows not marked internal.
VISIBLE_BUDGET = "p.is_published AND NOT b.is_internal"
# A revised budget (visible too) replaces the original of its project and period.
COUNTED_BUDGET = f"""{VISIBLE_BUDGET} AND NOT (b.budget_type = {BudgetType.ORIGINAL:d} AND EXISTS (
    SELECT 1 FROM finance_budget r WHERE r.project_id = b.project_id AND r.budget_type = {BudgetType.REVISED:d}
    AND r.period_start = b.period_start AND r.period_end = b.period_end AND NOT r.is_internal))"""
SPENDING_IN = ", ".join(str(int(kind)) for kind in SPENDING_TYPES)
CONTRIBUTION_IN = ", ".join(str(int(kind)) for kind in CONTRIBUTION_TYPES)


def _year(column: str) -> str:
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%%Y', {column}) AS integer)"
    return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"


def _convert(groups: dict, currency: str | None) -> dict:
    return {key: converted_total(amounts, currency=currency) for key, amounts in groups.items()}


def _money(budget, spending: dict, currency: str | None) -> ProjectMoney:
    zero = converted_total((), currency=currency)
    found = {"budget": budget or zero}
    for kind, name in SPENDING_TYPES.items():
        found[name] = spending.get(kind, zero)
    return ProjectMoney(**found)


def dashboard_money_sql(request):
    """The dashboard's money in two queries: the budgets counted, and every transaction sum the figures need."""
    if request.user.is_authenticated and request.user.is_staff:
        return HttpResponse("The baseline is the anonymous dashboard.", status=400)
    currency = _currency(request)
    budgets = _rows(
        "SELECT b.currency, b.value_date, sum(b.value), count(*) FROM finance_budget b"
        f" JOIN projects_project p ON p.id = b.project_id WHERE {COUNTED_BUDGET} GROUP BY b.currency, b.value_date",
        {},
    )
    expenditure = int(TransactionType.EXPENDITURE)
    transactions = _rows(
        f"SELECT t.transaction_type, CASE WHEN t.transaction_type = {expenditure} THEN {_year('t.date')} END,"
        f" CASE WHEN t.transaction_type IN ({CONTRIBUTION_IN}) THEN t.provider_donor_id END,"
        " t.currency, t.value_date, sum(t.value), count(*) FROM finance_transaction t"
        " JOIN projects_project p ON p.id = t.project_id WHERE p.is_published AND NOT t.is_internal"
        f" AND (t.transaction_type IN ({SPENDING_IN})"
        f" OR (t.transaction_type IN ({CONTRIBUTION_IN}) AND t.provider_donor_id IS NOT NULL))"
        " GROUP BY 1, 2, 3, 4, 5",
        {},
    )
    spending, per_year, contributions = defaultdict(list), defaultdict(list), defaultdict(list)
    for kind, year, donor, code, day, amount, n in transactions:
        amount = _amount(amount)
        if kind in SPENDING_TYPES:
            spending[kind].append((amount, code, day, n))
            if kind == expenditure:
                per_year[year].append((amount, code, day, n))
        else:
            contributions[donor, kind].append((amount, code, day, n))
    zero = converted_total((), currency=currency)
    donors: dict = defaultdict(lambda: dict.fromkeys(CONTRIBUTION_TYPES.values(), zero))
    for (donor, kind), total in _convert(contributions, currency).items():
        donors[donor][CONTRIBUTION_TYPES[kind]] = total
    money = _money(converted_total(((_amount(a), c, d, n) for c, d, a, n in budgets), currency=currency),
                   _convert(spending, currency), currency)
    return _json(dashboard_answer(money, _convert(per_year, currency), donors))


def stats_money_sql(request):
    """stats/'s money per donor in two queries: budgets counted and spending, each per donor, currency and day."""
    if request.user.is_authenticated and request.user.is_staff:
        return HttpResponse("The baseline is the anonymous stats.", status=400)
    currency = _currency(request)
    donor_join = "LEFT JOIN projects_funding f ON f.project_id = p.id LEFT JOIN donors_donor d ON d.id = f.donor_id"
    budgets = _rows(
        "SELECT d.acronym, b.currency, b.value_date, sum(b.value), count(*) FROM finance_budget b"
        f" JOIN projects_project p ON p.id = b.project_id {donor_join}"
        f" WHERE {COUNTED_BUDGET} GROUP BY d.acronym, b.currency, b.value_date",
        {},
    )
    transactions = _rows(
        "SELECT d.acronym, t.transaction_type, t.currency, t.value_date, sum(t.value), count(*)"
        f" FROM finance_transaction t JOIN projects_project p ON p.id = t.project_id {donor_join}"
        f" WHERE p.is_published AND NOT t.is_internal AND t.transaction_type IN ({SPENDING_IN})"
        " GROUP BY d.acronym, t.transaction_type, t.currency, t.value_date",
        {},
    )
    budget_groups, spending_groups = defaultdict(list), defaultdict(lambda: defaultdict(list))
    for donor, code, day, amount, n in budgets:
        budget_groups[donor].append((_amount(amount), code, day, n))
    for donor, kind, code, day, amount, n in transactions:
        spending_groups[donor][kind].append((_amount(amount), code, day, n))
    budget_totals = _convert(budget_groups, currency)
    groups = {
        donor: _money(budget_totals.get(donor), _convert(spending_groups.get(donor, {}), currency), currency)
        for donor in budget_totals.keys() | spending_groups.keys()
    }
    return _json(stats_answer(groups))
