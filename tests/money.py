"""Money on two published projects of the annex, for the API, CSV and IATI XML tests (issue 13).

The annex itself has no money: these rows exist in the test database only. Use the `money`
fixture by importing it into a conftest (`from tests.money import money`).
"""
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from projects.models import Project

# A fixed extract of the ECB's rates.
RATES_FILE = Path(__file__).resolve().parent / "finance" / "rates.csv"
D = datetime.date
# Per 1 EUR, from rates.csv, on the days the amounts below convert at.
USD = {D(2024, 1, 5): Decimal("1.0921"), D(2024, 1, 8): Decimal("1.0946"), D(2024, 1, 4): Decimal("1.0953")}
CHF = {D(2024, 1, 5): Decimal("0.9305")}
GBP = {D(2024, 1, 5): Decimal("0.8610")}
# What only staff may see: an internal budget and an internal expenditure of the SDC project.
INTERNAL_VALUE = "777777.77"
INTERNAL_TEXT = "ZZINTERNAL staff costs"


@dataclass
class Money:
    sdc: Project  # bangladesh-migration-policy, funded by SDC: budgets in CHF and EUR, transactions in USD
    ec: Project  # decent-work-across-borders, funded by EC: a budget in GBP, an expenditure in EUR


@pytest.fixture
def money(annex, settings):
    """Budgets and transactions on two published projects, internal rows included, and fixed rates."""
    from donors.models import Donor, Partner
    from finance.models import Budget, BudgetStatus, BudgetType, PlannedDisbursement, Transaction, TransactionType

    settings.PORTFOLIO_RATES_FILE = str(RATES_FILE)
    settings.PORTFOLIO_CURRENCY = "USD"
    sdc = Project.objects.get(slug="bangladesh-migration-policy")
    ec = Project.objects.get(slug="decent-work-across-borders")

    def budget(project, value, currency, value_date, start, **fields):
        return Budget.objects.create(
            project=project, period_start=start, period_end=D(start.year, 12, 31), value=Decimal(value),
            currency=currency, value_date=value_date, status=BudgetStatus.COMMITTED, **fields,
        )

    def transaction(project, kind, value, day, currency="USD", **fields):
        return Transaction.objects.create(
            project=project, transaction_type=kind, date=day, value=Decimal(value), currency=currency, value_date=day,
            **fields,
        )

    budget(sdc, "120000.00", "CHF", D(2024, 1, 6), D(2024, 1, 1))  # a Saturday: Friday's rates
    budget(sdc, "50000.00", "EUR", D(2024, 1, 8), D(2025, 1, 1), budget_type=BudgetType.REVISED)
    budget(sdc, INTERNAL_VALUE, "EUR", D(2024, 1, 8), D(2026, 1, 1), is_internal=True)
    transaction(sdc, TransactionType.INCOMING_FUNDS, "150000.00", D(2024, 1, 3), currency="CHF",
                provider_donor=Donor.objects.get(acronym="SDC"))
    transaction(sdc, TransactionType.OUTGOING_COMMITMENT, "90000.00", D(2024, 1, 3),
                receiver_name="Fair Recruitment Initiative", receiver_ref="XM-EXAMPLE-1")
    transaction(sdc, TransactionType.DISBURSEMENT, "30000.00", D(2024, 1, 3),
                receiver_partner=Partner.objects.exclude(iati_ref="").order_by("name").first())
    transaction(sdc, TransactionType.EXPENDITURE, "12345.67", D(2024, 1, 9), description="Training of recruiters")
    transaction(sdc, TransactionType.EXPENDITURE, INTERNAL_VALUE, D(2024, 1, 9), description=INTERNAL_TEXT,
                is_internal=True)
    for value, internal in (("40000.00", False), (INTERNAL_VALUE, True)):  # what SDC plans to pay in the second half
        PlannedDisbursement.objects.create(
            project=sdc, period_start=D(2024, 7, 1), period_end=D(2024, 12, 31), value=Decimal(value), currency="CHF",
            value_date=D(2024, 1, 5), provider_donor=Donor.objects.get(acronym="SDC"),
            receiver_name="Fair Recruitment Initiative", receiver_ref="XM-EXAMPLE-1", is_internal=internal,
        )
    budget(ec, "1000.50", "GBP", D(2024, 1, 5), D(2024, 1, 1))
    transaction(ec, TransactionType.EXPENDITURE, "250.25", D(2024, 1, 4), currency="EUR")
    return Money(sdc=sdc, ec=ec)


CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


# The public figures of the SDC project in USD, by hand from the rates on the value dates.
SDC_BUDGET_USD = cents(
    Decimal("120000.00") / CHF[D(2024, 1, 5)] * USD[D(2024, 1, 5)] + Decimal("50000.00") * USD[D(2024, 1, 8)]
)
EC_BUDGET_USD = cents(Decimal("1000.50") / GBP[D(2024, 1, 5)] * USD[D(2024, 1, 5)])
EC_SPENT_USD = cents(Decimal("250.25") * USD[D(2024, 1, 4)])
