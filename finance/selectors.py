"""Reads of money: who sees which rows, and totals converted to one currency.

Staff see every budget, transaction and planned disbursement; everyone else (anonymous callers, donor users,
tokens of non-staff users) sees the non-internal rows of published projects only, so
internal money never reaches a figure they see.
"""
import dataclasses
from collections import defaultdict
from collections.abc import Hashable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from finance.models import Budget, BudgetType, PlannedDisbursement, Transaction, TransactionType
from finance.rates import ConvertedTotal, RateTable, converted_total
from projects.models import Project
from projects.selectors import sees_all_projects


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
    """The budgets a total adds up: a revised budget replaces the original of the same project and period."""
    revised = budgets.filter(
        budget_type=BudgetType.REVISED, project=OuterRef("project"),
        period_start=OuterRef("period_start"), period_end=OuterRef("period_end"),
    )
    return budgets.exclude(Q(budget_type=BudgetType.ORIGINAL) & Exists(revised))


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
    sums = rows.order_by().values_list(*keys, "currency", "value_date").annotate(amount=Sum("value"), rows=Count("id"))
    groups = defaultdict(list)
    for *key, code, day, amount, n in sums:
        groups[tuple(key) if len(keys) > 1 else (key[0] if key else None)].append((amount, code, day, n))
    return {key: converted_total(amounts, currency=currency, rates=rates) for key, amounts in groups.items()}


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
    ids = projects.order_by().values("pk")
    key = (f"project__{by}",) if by else ()
    budgets = totals_by(
        budgets_counted(budgets_visible(user).filter(project__in=ids)), keys=key, currency=currency, rates=rates
    )
    spending = totals_by(
        transactions_visible(user).filter(project__in=ids, transaction_type__in=SPENDING_TYPES),
        keys=("transaction_type", *key), currency=currency, rates=rates,
    )
    by_group: dict[Hashable, dict[str, ConvertedTotal]] = defaultdict(dict)
    for group, total in budgets.items():
        by_group[group]["budget"] = total
    for group_key, total in spending.items():
        kind, group = (group_key[0], group_key[1]) if by else (group_key, None)
        by_group[group][SPENDING_TYPES[kind]] = total
    zero = converted_total((), currency=currency, rates=rates)
    return {
        group: ProjectMoney(**{name: totals.get(name, zero) for name in ProjectMoney.FIELDS})
        for group, totals in by_group.items()
    }


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
