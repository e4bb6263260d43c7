"""Acceptance (issue 13): budgets in CHF and EUR and transactions in USD give totals equal to a
hand computation from the rates of tests/finance/rates.csv on the value dates."""
import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from finance.models import Budget, BudgetStatus, BudgetType, Transaction, TransactionType
from finance.selectors import project_money

pytestmark = pytest.mark.django_db
D = datetime.date
CENT = Decimal("0.01")
# Per 1 EUR, from rates.csv.
USD = {D(2024, 1, 3): Decimal("1.0919"), D(2024, 1, 5): Decimal("1.0921"), D(2024, 1, 8): Decimal("1.0946"),
       D(2024, 1, 9): Decimal("1.0940")}
CHF = {D(2024, 1, 3): Decimal("0.9291"), D(2024, 1, 5): Decimal("0.9305"), D(2024, 1, 8): Decimal("0.9307")}


@pytest.fixture
def money(project):
    def budget(value, currency, value_date, **fields):
        return Budget.objects.create(
            project=project, period_start=D(2024, 1, 1), period_end=D(2024, 12, 31), value=Decimal(value),
            currency=currency, value_date=value_date, status=BudgetStatus.COMMITTED, **fields,
        )

    def transaction(kind, value, day, **fields):
        return Transaction.objects.create(
            project=project, transaction_type=kind, date=day, value=Decimal(value), currency="USD", value_date=day, **fields
        )

    budget("120000.00", "CHF", D(2024, 1, 6))  # a Saturday: Friday's rates
    budget("50000.00", "EUR", D(2024, 1, 8))
    budget("1.00", "EUR", D(2024, 1, 8), is_internal=True)  # staff only
    transaction(TransactionType.OUTGOING_COMMITMENT, "90000.00", D(2024, 1, 3))
    transaction(TransactionType.DISBURSEMENT, "30000.00", D(2024, 1, 3))
    transaction(TransactionType.DISBURSEMENT, "-1000.00", D(2024, 1, 8))  # a correction
    transaction(TransactionType.EXPENDITURE, "12345.67", D(2024, 1, 9))  # no CHF rate that day: the 8th's
    transaction(TransactionType.EXPENDITURE, "500.00", D(2024, 1, 9), is_internal=True)
    return project


def test_totals_in_usd_equal_the_hand_computation(money):
    result = project_money(project=money, user=AnonymousUser(), currency="USD")
    budget = Decimal("120000.00") / CHF[D(2024, 1, 5)] * USD[D(2024, 1, 5)] + Decimal("50000.00") * USD[D(2024, 1, 8)]
    assert result.budget.total == budget.quantize(CENT, ROUND_HALF_UP)
    assert result.budget.total == Decimal("195570.41")
    assert (result.budget.rates_from, result.budget.rates_to) == (D(2024, 1, 5), D(2024, 1, 8))
    assert result.committed.total == Decimal("90000.00")
    assert result.disbursed.total == Decimal("29000.00")
    assert result.spent.total == Decimal("12345.67")
    assert result.spent.rates_from is None  # nothing needed converting


def test_totals_in_chf_equal_the_hand_computation(money):
    result = project_money(project=money, user=AnonymousUser(), currency="chf")
    assert result.budget.currency == "CHF"
    budget = Decimal("120000.00") + Decimal("50000.00") * CHF[D(2024, 1, 8)]
    assert result.budget.total == budget.quantize(CENT, ROUND_HALF_UP)
    disbursed = (Decimal("30000.00") / USD[D(2024, 1, 3)] * CHF[D(2024, 1, 3)]
                 + Decimal("-1000.00") / USD[D(2024, 1, 8)] * CHF[D(2024, 1, 8)])
    assert result.disbursed.total == disbursed.quantize(CENT, ROUND_HALF_UP)
    spent = Decimal("12345.67") / USD[D(2024, 1, 9)] * CHF[D(2024, 1, 8)]
    assert result.spent.total == spent.quantize(CENT, ROUND_HALF_UP)
    assert (result.spent.rates_from, result.spent.rates_to) == (D(2024, 1, 8), D(2024, 1, 9))


def test_staff_totals_count_internal_money(money, officer):
    result = project_money(project=money, user=officer, currency="EUR")
    public = project_money(project=money, user=AnonymousUser(), currency="EUR")
    assert result.budget.total - public.budget.total == Decimal("1.00")
    assert result.spent.counted == public.spent.counted + 1


def test_a_revised_budget_replaces_the_original_of_its_period(money):
    Budget.objects.create(
        project=money, period_start=D(2024, 1, 1), period_end=D(2024, 12, 31), value=Decimal("200000.00"),
        currency="USD", value_date=D(2024, 6, 1), budget_type=BudgetType.REVISED,
    )
    assert project_money(project=money, user=AnonymousUser(), currency="USD").budget.total == Decimal("200000.00")
