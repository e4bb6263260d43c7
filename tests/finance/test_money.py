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


def test_portfolio_money_per_donor_counts_a_cofunded_project_in_each_group(money, django_assert_num_queries):
    from finance.selectors import money_by, money_of
    from projects.models import Project

    donors = list(money.fundings.values_list("donor__acronym", flat=True))
    projects = Project.objects.filter(is_published=True)
    with django_assert_num_queries(2):
        per_donor = money_by(projects, user=AnonymousUser(), by="fundings__donor__acronym", currency="USD")
    alone = project_money(project=money, user=AnonymousUser(), currency="USD")
    assert donors and set(per_donor) == set(donors)
    for donor in donors:
        assert per_donor[donor] == alone
    assert money_of(projects, user=AnonymousUser(), currency="USD") == alone
    assert money_of(projects.none(), user=AnonymousUser(), currency="USD").budget.total == 0


def test_spending_per_year_and_donor_contributions(money):
    from finance.selectors import donor_contributions, spending_per_year
    from projects.models import Project

    donor = money.fundings.first().donor
    Transaction.objects.create(
        project=money, transaction_type=TransactionType.EXPENDITURE, date=D(2023, 12, 20), value=Decimal("10.00"),
        currency="USD", value_date=D(2024, 1, 3),
    )
    Transaction.objects.create(
        project=money, transaction_type=TransactionType.INCOMING_COMMITMENT, date=D(2024, 1, 2), value=Decimal("1000.00"),
        currency="EUR", value_date=D(2024, 1, 3), provider_donor=donor,
    )
    projects = Project.objects.all()
    years = spending_per_year(projects, user=AnonymousUser(), currency="USD")
    assert {year: total.total for year, total in years.items()} == {2023: Decimal("10.00"), 2024: Decimal("12345.67")}
    contributions = donor_contributions(projects, user=AnonymousUser(), currency="USD")
    assert contributions[donor.pk]["committed"].total == (Decimal("1000.00") * USD[D(2024, 1, 3)]).quantize(CENT)
    assert contributions[donor.pk]["received"].total == 0
