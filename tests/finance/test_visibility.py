"""Internal money and money of unpublished projects are for staff only."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from finance.models import Budget, Transaction, TransactionType
from finance.selectors import budgets_visible, transactions_visible
from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(project):
    draft = Project.objects.create(
        title="Draft", short_name="Draft", slug="zz-draft", planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2025, 12, 31), is_published=False,
    )
    made = {}
    for name, owner, internal in [("public", project, False), ("internal", project, True), ("draft", draft, False)]:
        made[name] = (
            Budget.objects.create(
                project=owner, period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31),
                value=Decimal("10.00"), currency="EUR", value_date=datetime.date(2024, 1, 2), is_internal=internal,
            ),
            Transaction.objects.create(
                project=owner, transaction_type=TransactionType.EXPENDITURE, date=datetime.date(2024, 1, 2),
                value=Decimal("5.00"), currency="EUR", value_date=datetime.date(2024, 1, 2), is_internal=internal,
            ),
        )
    return made


def test_officers_see_all_money(rows, officer):
    assert set(budgets_visible(officer)) == {budget for budget, _ in rows.values()}
    assert set(transactions_visible(officer)) == {transaction for _, transaction in rows.values()}


@pytest.mark.parametrize("persona", ["donor_user_sdc", "donor_user_ec", "anonymous"])
def test_non_staff_never_see_internal_or_unpublished_money(rows, persona, request):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    assert list(budgets_visible(user)) == [rows["public"][0]]
    assert list(transactions_visible(user)) == [rows["public"][1]]


def test_a_former_officer_sees_what_the_public_sees(rows, officer):
    officer.is_active = False
    assert list(transactions_visible(officer)) == [rows["public"][1]]
