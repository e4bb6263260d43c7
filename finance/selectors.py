"""Reads of money: who sees which rows, and totals converted to one currency.

Staff see every budget and transaction; everyone else (anonymous callers, donor users,
tokens of non-staff users) sees the non-internal rows of published projects only, so
internal money never reaches a figure they see.
"""
import dataclasses

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from finance.models import Budget, BudgetType, Transaction, TransactionType
from finance.rates import ConvertedTotal, RateTable, converted_total
from projects.selectors import sees_all_projects


def budgets_visible(user) -> QuerySet[Budget]:
    budgets = Budget.objects.all()
    return budgets if sees_all_projects(user) else budgets.filter(is_internal=False, project__is_published=True)


def transactions_visible(user) -> QuerySet[Transaction]:
    transactions = Transaction.objects.all()
    return transactions if sees_all_projects(user) else transactions.filter(is_internal=False, project__is_published=True)


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


@dataclasses.dataclass(frozen=True)
class ProjectMoney:
    """A project's money in one currency: budgeted, committed, disbursed and spent."""

    budget: ConvertedTotal
    committed: ConvertedTotal
    disbursed: ConvertedTotal
    spent: ConvertedTotal


def project_money(*, project, user, currency: str | None = None, rates: RateTable | None = None) -> ProjectMoney:
    """What `user` may see of `project`'s money, converted to `currency` (four queries).

    The budget counts each period once (`budgets_counted`); committed, disbursed and
    spent are the outgoing commitments, disbursements and expenditure.
    """
    transactions = transactions_visible(user).filter(project=project)

    def of_type(kind):
        return money_total(transactions.filter(transaction_type=kind), currency=currency, rates=rates)

    return ProjectMoney(
        budget=money_total(budgets_counted(budgets_visible(user).filter(project=project)), currency=currency, rates=rates),
        committed=of_type(TransactionType.OUTGOING_COMMITMENT),
        disbursed=of_type(TransactionType.DISBURSEMENT),
        spent=of_type(TransactionType.EXPENDITURE),
    )
