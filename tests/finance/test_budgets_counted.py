"""budgets_counted() as NOT EXISTS (issue 18) counts the same budgets as the former `exclude(original AND EXISTS)`."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from finance.models import Budget, BudgetType
from finance.selectors import budgets_counted, budgets_visible
from projects.models import Project

pytestmark = pytest.mark.django_db
D = datetime.date


def former_budgets_counted(budgets):
    revised = budgets.filter(
        budget_type=BudgetType.REVISED, project=OuterRef("project"),
        period_start=OuterRef("period_start"), period_end=OuterRef("period_end"),
    )
    return budgets.exclude(Q(budget_type=BudgetType.ORIGINAL) & Exists(revised))


@pytest.fixture
def budgets(annex):
    first, second = Project.objects.filter(is_published=True).order_by("slug")[:2]
    unpublished = Project.objects.filter(is_published=False).first() or first

    def budget(project, kind, start, end, value, **fields):
        return Budget.objects.create(project=project, budget_type=kind, period_start=start, period_end=end,
                                     value=Decimal(value), currency="EUR", value_date=start, **fields)

    year, half = (D(2024, 1, 1), D(2024, 12, 31)), (D(2024, 1, 1), D(2024, 6, 30))
    budget(first, BudgetType.ORIGINAL, *year, "100.00")  # replaced by the revised one below
    budget(first, BudgetType.REVISED, *year, "150.00")
    budget(first, BudgetType.ORIGINAL, *half, "40.00")  # same start, another end: not replaced
    budget(second, BudgetType.ORIGINAL, *year, "70.00")  # its revision is internal: replaced for staff only
    budget(second, BudgetType.REVISED, *year, "75.00", is_internal=True)
    budget(second, BudgetType.ORIGINAL, D(2025, 1, 1), D(2025, 12, 31), "80.00")
    budget(second, BudgetType.REVISED, D(2025, 1, 1), D(2025, 12, 31), "85.00")
    budget(second, BudgetType.REVISED, D(2025, 1, 1), D(2025, 12, 31), "86.00")  # two revisions: both count
    budget(unpublished, BudgetType.ORIGINAL, D(2026, 1, 1), D(2026, 12, 31), "10.00")
    budget(unpublished, BudgetType.REVISED, D(2026, 1, 1), D(2026, 12, 31), "11.00")
    return first, second


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_the_same_budgets_as_the_former_query(budgets, officer, who):
    user = officer if who == "staff" else AnonymousUser()
    first, second = budgets
    for visible in (budgets_visible(user), budgets_visible(user).filter(project__in=[first.pk]),
                    budgets_visible(user).filter(value__gt=Decimal(60))):
        found = set(budgets_counted(visible).values_list("id", flat=True))
        assert found == set(former_budgets_counted(visible).values_list("id", flat=True))
    counted = {(b.project_id, b.value) for b in budgets_counted(budgets_visible(user))}
    assert (first.pk, Decimal("100.00")) not in counted and (first.pk, Decimal("40.00")) in counted
    assert ((second.pk, Decimal("70.00")) in counted) == (who == "anonymous")
    assert {(second.pk, Decimal("85.00")), (second.pk, Decimal("86.00"))} <= counted


@pytest.mark.postgresql_only
def test_postgresql_plans_it_as_an_anti_join_not_a_subplan_per_row(budgets):
    sql, params = budgets_counted(budgets_visible(AnonymousUser())).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Anti Join" in plan and "SubPlan" not in plan, plan
