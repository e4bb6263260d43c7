"""Reads of money: who sees which rows, and totals converted to one currency.

Staff see every budget, transaction and planned disbursement; everyone else (anonymous callers, donor users,
tokens of non-staff users) sees the non-internal rows of published projects only, so
internal money never reaches a figure they see.
"""
import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Hashable
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.lookups import Exact

from finance.models import Budget, BudgetType, PlannedDisbursement, Transaction, TransactionType
from finance.rates import ConvertedTotal, Converter, RateTable, converted_total
from projects.models import Project
from projects.selectors import RelatedList, sees_all_projects


def budgets_visible(user) -> QuerySet[Budget]:
    budgets = Budget.objects.all()
    return budgets if sees_all_projects(user) else budgets.filter(is_internal=False, project__is_published=True)


def transactions_visible(user) -> QuerySet[Transaction]:
    transactions = Transaction.objects.all()
    return transactions if sees_all_projects(user) else transactions.filter(is_internal=False, project__is_published=True)


def planned_disbursements_visible(user) -> QuerySet[PlannedDisbursement]:
    planned = PlannedDisbursement.objects.all()
    return planned if sees_all_projects(user) else planned.filter(is_internal=False, project__is_published=True)


def budgets_counted(budgets: QuerySet[Budget]) -> QuerySet[Budget]:
    """The budgets a total adds up: a revised budget replaces the original of the same project and period.

    Written as NOT EXISTS with the original's type inside the subquery, which PostgreSQL plans as an
    anti-join; `exclude(original AND EXISTS)` was a subplan per row whose cost estimate switched JIT
    compilation on (about 0.7 s per query, once per export chunk). The same rows (tests/finance).
    """
    replacing = budgets.filter(
        Exact(Value(BudgetType.ORIGINAL), OuterRef("budget_type")),
        budget_type=BudgetType.REVISED, project=OuterRef("project"),
        period_start=OuterRef("period_start"), period_end=OuterRef("period_end"),
    )
    return budgets.filter(~Exists(replacing))


def money_total(rows: QuerySet, *, currency: str | None = None, rates: RateTable | None = None) -> ConvertedTotal:
    """The rows' values converted to `currency` and summed (finance.rates: gap rule, rounding).

    One query: the database sums per currency and value date, and only those sums are
    converted, so the cost grows with the distinct days, not the rows.
    """
    sums = rows.order_by().values_list("currency", "value_date").annotate(amount=Sum("value"), rows=Count("id"))
    return converted_total(((amount, code, day, n) for code, day, amount, n in sums), currency=currency, rates=rates)


def totals_by(rows: QuerySet, *, keys: tuple[str, ...] = (), currency: str | None = None,
              rates: RateTable | None = None) -> dict[Hashable, ConvertedTotal]:
    """`money_total` per group of `keys` (field paths of the rows), in one query.

    The key of a group is the tuple of its values (the value alone for one key, None for
    none); groups without rows are absent.
    """
    converter = Converter(currency=currency, rates=rates)  # each (currency, day) looked up once for every group
    return {key: converter.total(amounts) for key, amounts in amounts_by(rows, keys=keys).items()}


def amounts_by(rows: QuerySet, *, keys: tuple[str, ...] = ()) -> dict[Hashable, list[tuple]]:
    """The (amount, currency, value date, rows) sums of `rows` per group of `keys`, as totals_by() converts
    them (one query); converted_sum() of a group gives its unrounded total (dashboards' facts)."""
    sums = rows.order_by().values_list(*keys, "currency", "value_date").annotate(amount=Sum("value"), rows=Count("id"))
    groups = defaultdict(list)
    for *key, code, day, amount, n in sums:
        groups[tuple(key) if len(keys) > 1 else (key[0] if key else None)].append((amount, code, day, n))
    return groups


@dataclasses.dataclass(frozen=True)
class ProjectMoney:
    """A project's money in one currency: budgeted, committed, disbursed and spent."""

    budget: ConvertedTotal
    committed: ConvertedTotal
    disbursed: ConvertedTotal
    spent: ConvertedTotal

    FIELDS = ("budget", "committed", "disbursed", "spent")

    @property
    def left_out(self) -> int:
        return sum(getattr(self, name).left_out for name in self.FIELDS)

    @property
    def share_spent(self) -> float | None:
        """Spending as a share of the budget (0.25 is a quarter), None without a budget."""
        return float(self.spent.total / self.budget.total) if self.budget.total > 0 else None


# The outgoing transaction types behind a project's committed, disbursed and spent figures.
SPENDING_TYPES = {
    TransactionType.OUTGOING_COMMITMENT: "committed",
    TransactionType.DISBURSEMENT: "disbursed",
    TransactionType.EXPENDITURE: "spent",
}


def money_by(projects: QuerySet[Project], *, user, by: str | None = None, currency: str | None = None,
             rates: RateTable | None = None) -> dict[Hashable, ProjectMoney]:
    """What `user` may see of the money of `projects`, per value of `by` (two queries).

    `by` is a field path from a project (`"fundings__donor__acronym"`,
    `"countries__region__code"`, `"status"`); None gives one group, keyed None. A
    project in several groups (co-funded by two donors) counts in each, as in the
    project counts. Every group with money has all four figures (zero where none).
    """
    key = f"project__{by}" if by else None
    return money_grouped(projects, user=user, budget_key=key, transaction_key=key, currency=currency, rates=rates)


def money_grouped(projects: QuerySet[Project], *, user, budget_key: str | None, transaction_key: str | None,
                  annotate: dict | None = None, currency: str | None = None,
                  rates: RateTable | None = None) -> dict[Hashable, ProjectMoney]:
    """money_by() with the group read from each budget and transaction row (two queries).

    `budget_key` and `transaction_key` are field paths (or names of `annotate`) of a
    Budget and of a Transaction, e.g. `"period_start__year"` and `"date__year"`.
    """
    ids = projects.order_by().values("pk")
    annotate = annotate or {}
    budgets = totals_by(
        budgets_counted(budgets_visible(user).filter(project__in=ids)).annotate(**annotate),
        keys=(budget_key,) if budget_key else (), currency=currency, rates=rates,
    )
    spending = totals_by(
        transactions_visible(user).filter(project__in=ids, transaction_type__in=SPENDING_TYPES).annotate(**annotate),
        keys=("transaction_type", transaction_key) if transaction_key else ("transaction_type",),
        currency=currency, rates=rates,
    )
    by_group: dict[Hashable, dict[str, ConvertedTotal]] = defaultdict(dict)
    for group, total in budgets.items():
        by_group[group]["budget"] = total
    for group_key, total in spending.items():
        kind, group = (group_key[0], group_key[1]) if transaction_key else (group_key, None)
        by_group[group][SPENDING_TYPES[kind]] = total
    zero = converted_total((), currency=currency, rates=rates)
    return {
        group: ProjectMoney(**{name: totals.get(name, zero) for name in ProjectMoney.FIELDS})
        for group, totals in by_group.items()
    }


def money_by_year(projects: QuerySet[Project], *, user, currency: str | None = None,
                  rates: RateTable | None = None) -> dict[int, ProjectMoney]:
    """The four figures of `projects` per calendar year: budgets by the year their period starts,
    transactions by the year of their date (two queries)."""
    return money_grouped(projects, user=user, budget_key="period_start__year", transaction_key="date__year",
                         currency=currency, rates=rates)


def money_by_status(projects: QuerySet[Project], *, user, today: datetime.date | None = None,
                    currency: str | None = None, rates: RateTable | None = None) -> dict[int, ProjectMoney]:
    """The four figures of `projects` per IATI status code of their project (two queries).

    The status is derived in SQL (Project.objects.with_status), so it groups as the project counts do.
    """
    status = Project.objects.with_status(today).filter(pk=OuterRef("project_id")).values("status_code")[:1]
    return money_grouped(projects, user=user, budget_key="project_status", transaction_key="project_status",
                         annotate={"project_status": Subquery(status)}, currency=currency, rates=rates)


# The field path of each stats/ group (projects.selectors.STATS_GROUPS) as money_by() takes it.
STATS_MONEY_BY = {"region": "region__code", "donor": "fundings__donor__acronym", "country": "countries__code"}


def money_by_stats_group(projects: QuerySet[Project], *, user, group_by: str, currency: str | None = None,
                         rates: RateTable | None = None) -> dict[str, ProjectMoney]:
    """The money of `projects` per group of projects.selectors.project_stats(), keyed as its groups
    (`"global"` for projects without a region, years and status codes as text); two queries.

    Projects in no group (no country, no donor) count in the total only, as in the project counts.
    """
    if group_by == "year":
        found = money_by_year(projects, user=user, currency=currency, rates=rates)
    elif group_by == "status":
        found = money_by_status(projects, user=user, currency=currency, rates=rates)
    else:
        found = money_by(projects, user=user, by=STATS_MONEY_BY[group_by], currency=currency, rates=rates)
    if group_by == "region":
        return {"global" if key is None else key: money for key, money in found.items()}
    return {str(key): money for key, money in found.items() if key is not None}


def money_of(projects: QuerySet[Project], *, user, currency: str | None = None,
             rates: RateTable | None = None) -> ProjectMoney:
    """The four figures of `projects` together (two queries); zero when they have no money."""
    found = money_by(projects, user=user, currency=currency, rates=rates).get(None)
    if found is None:
        zero = converted_total((), currency=currency, rates=rates)
        return ProjectMoney(zero, zero, zero, zero)
    return found


def project_money(*, project, user, currency: str | None = None, rates: RateTable | None = None) -> ProjectMoney:
    """What `user` may see of `project`'s money, converted to `currency` (two queries).

    The budget counts each period once (`budgets_counted`); committed, disbursed and
    spent are the outgoing commitments, disbursements and expenditure.
    """
    return money_of(Project.objects.filter(pk=project.pk), user=user, currency=currency, rates=rates)


def spending_per_year(projects: QuerySet[Project], *, user, currency: str | None = None,
                      rates: RateTable | None = None) -> dict[int, ConvertedTotal]:
    """Expenditure of `projects` per calendar year of the transaction date (one query)."""
    rows = transactions_visible(user).filter(
        project__in=projects.order_by().values("pk"), transaction_type=TransactionType.EXPENDITURE
    )
    return dict(sorted(totals_by(rows, keys=("date__year",), currency=currency, rates=rates).items()))


# The incoming transaction types that record what a donor puts into a project.
CONTRIBUTION_TYPES = {TransactionType.INCOMING_COMMITMENT: "committed", TransactionType.INCOMING_FUNDS: "received"}


def donor_contributions(projects: QuerySet[Project], *, user, currency: str | None = None,
                        rates: RateTable | None = None) -> dict[int, dict[str, ConvertedTotal]]:
    """What each donor (by id) committed and paid into `projects`: their incoming commitments
    and incoming funds whose provider is that donor (one query)."""
    rows = transactions_visible(user).filter(
        project__in=projects.order_by().values("pk"), transaction_type__in=CONTRIBUTION_TYPES,
        provider_donor__isnull=False,
    )
    zero = converted_total((), currency=currency, rates=rates)
    found: dict[int, dict[str, ConvertedTotal]] = defaultdict(lambda: dict.fromkeys(CONTRIBUTION_TYPES.values(), zero))
    for (donor, kind), total in totals_by(rows, keys=("provider_donor", "transaction_type"), currency=currency,
                                           rates=rates).items():
        found[donor][CONTRIBUTION_TYPES[kind]] = total
    return dict(found)


# A project's budgets and transactions as lists (API JSON, IATI XML), aggregated in the
# project's own row by projects.selectors.with_lists()/project_rows(): a page or a whole
# export stays one query. Internal rows are in the lists of staff callers only.


class BudgetItem(NamedTuple):
    """One budget as the list query gives it; dates ISO text, `value` the exact decimal as text."""

    id: int
    budget_type: int  # BudgetType
    status: int  # BudgetStatus
    period_start: str
    period_end: str
    value: str
    currency: str
    value_date: str
    is_internal: bool  # 0/1 on SQLite

    @property
    def amount(self) -> Decimal:
        return Decimal(self.value).quantize(CENT)


class TransactionItem(NamedTuple):
    """One transaction as the list query gives it; provider and receiver as Transaction.organisation() reads them."""

    id: int
    transaction_type: int  # TransactionType
    date: str
    value: str
    currency: str
    value_date: str
    description: str
    provider_name: str
    provider_ref: str
    receiver_name: str
    receiver_ref: str
    is_internal: bool  # 0/1 on SQLite

    @property
    def amount(self) -> Decimal:
        return Decimal(self.value).quantize(CENT)


class PlannedDisbursementItem(NamedTuple):
    """One planned disbursement as the list query gives it (IATI `planned-disbursement`)."""

    id: int
    disbursement_type: int  # BudgetType
    period_start: str
    period_end: str
    value: str
    currency: str
    value_date: str
    provider_name: str
    provider_ref: str
    receiver_name: str
    receiver_ref: str
    is_internal: bool  # 0/1 on SQLite

    @property
    def amount(self) -> Decimal:
        return Decimal(self.value).quantize(CENT)


CENT = Decimal("0.01")


def _organisation(side: str, alias: str) -> dict[str, str]:
    # A recorded donor or partner first, else the typed name and identifier (ProviderReceiver.organisation()).
    d, p = f"{side[0]}d", f"{side[0]}p"
    return {
        f"{side}_name": f"COALESCE({d}.name, {p}.name, {alias}.{side}_name)",
        f"{side}_ref": f"COALESCE({d}.iati_ref, {p}.iati_ref, {alias}.{side}_ref)",
    }


def _organisation_joins(alias: str) -> str:
    return (
        f" LEFT JOIN donors_donor pd ON pd.id = {alias}.provider_donor_id"
        f" LEFT JOIN donors_partner pp ON pp.id = {alias}.provider_partner_id"
        f" LEFT JOIN donors_donor rd ON rd.id = {alias}.receiver_donor_id"
        f" LEFT JOIN donors_partner rp ON rp.id = {alias}.receiver_partner_id"
    )


def _money_lists(*, internal: bool) -> dict[str, RelatedList]:
    visible = "" if internal else " AND NOT {alias}.is_internal"
    return {
        "budgets": RelatedList(
            BudgetItem,
            {"id": "b.id", "budget_type": "b.budget_type", "status": "b.status", "period_start": "b.period_start",
             "period_end": "b.period_end", "value": "CAST(b.value AS TEXT)", "currency": "b.currency",
             "value_date": "b.value_date", "is_internal": "b.is_internal"},
            "finance_budget b WHERE b.project_id = {project}" + visible.format(alias="b"),
            ("b.period_start", "b.budget_type", "b.id"),
        ),
        "transactions": RelatedList(
            TransactionItem,
            {"id": "t.id", "transaction_type": "t.transaction_type", "date": "t.date",
             "value": "CAST(t.value AS TEXT)", "currency": "t.currency", "value_date": "t.value_date",
             "description": "t.description", **_organisation("provider", "t"), **_organisation("receiver", "t"),
             "is_internal": "t.is_internal"},
            "finance_transaction t" + _organisation_joins("t") + " WHERE t.project_id = {project}" + visible.format(alias="t"),
            ("t.date", "t.id"),
        ),
        "planned_disbursements": RelatedList(
            PlannedDisbursementItem,
            {"id": "d.id", "disbursement_type": "d.disbursement_type", "period_start": "d.period_start",
             "period_end": "d.period_end", "value": "CAST(d.value AS TEXT)", "currency": "d.currency",
             "value_date": "d.value_date", **_organisation("provider", "d"), **_organisation("receiver", "d"),
             "is_internal": "d.is_internal"},
            "finance_planneddisbursement d" + _organisation_joins("d")
            + " WHERE d.project_id = {project}" + visible.format(alias="d"),
            ("d.period_start", "d.disbursement_type", "d.id"),
        ),
    }


MONEY_LISTS_STAFF = _money_lists(internal=True)
MONEY_LISTS_PUBLIC = _money_lists(internal=False)


def money_lists(user) -> dict[str, RelatedList]:
    """The `budgets` and `transactions` lists `user` may see, for with_lists(extra=) and project_rows(extra=).

    The same rule as budgets_visible()/transactions_visible(): staff every row, anyone else
    the non-internal rows (of the published projects they are given).
    """
    return MONEY_LISTS_STAFF if sees_all_projects(user) else MONEY_LISTS_PUBLIC


def project_money_lists(project: Project) -> dict[str, list]:
    """The money lists (budgets, transactions, planned disbursements) of a project annotated by
    with_lists(extra=money_lists(user)), by name."""
    return {name: related.parse(getattr(project, f"{name}_json")) for name, related in MONEY_LISTS_PUBLIC.items()}
