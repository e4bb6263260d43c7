"""Currencies are ISO 4217 codes, stored upper case, on budgets, transactions and funding alike."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from donors.models import Donor
from finance.models import Budget, Transaction, TransactionType
from projects.models import Funding

pytestmark = pytest.mark.django_db


def _budget(project, **fields):
    values = {"project": project, "period_start": datetime.date(2024, 1, 1), "period_end": datetime.date(2024, 12, 31),
              "value": Decimal("100.00"), "currency": "CHF", "value_date": datetime.date(2024, 1, 1)}
    return Budget(**{**values, **fields})


def test_a_lowercase_currency_is_stored_upper_case(project):
    budget = _budget(project, currency="chf")
    budget.full_clean()
    budget.save()
    assert Budget.objects.get().currency == "CHF"
    transaction = Transaction.objects.create(
        project=project, transaction_type=TransactionType.DISBURSEMENT, date=datetime.date(2024, 1, 3),
        value=Decimal("1"), currency="usd", value_date=datetime.date(2024, 1, 3),
    )
    assert transaction.currency == "USD"
    assert Transaction.objects.filter(currency="USD").count() == 1


def test_an_unknown_currency_is_a_field_error_naming_the_value(project):
    with pytest.raises(ValidationError) as error:
        _budget(project, currency="xyz").full_clean()
    assert error.value.message_dict == {"currency": ["xyz is not an ISO 4217 currency code."]}


def test_the_form_field_normalises_and_refuses(project):
    form_class = modelform_factory(Funding, fields=["project", "donor", "amount", "currency"])
    donor = Donor.objects.exclude(fundings__project=project).first()
    form = form_class({"project": project.pk, "donor": donor.pk, "amount": "1500000", "currency": "chf"})
    assert form.is_valid(), form.errors
    assert form.save().currency == "CHF"
    form = form_class({"project": project.pk, "donor": donor.pk, "amount": "1", "currency": "chx"})
    assert not form.is_valid()
    assert form.errors["currency"][0] == "chx is not an ISO 4217 currency code."


def test_a_budget_period_is_at_most_a_year_and_never_ends_before_it_starts(project):
    _budget(project, period_start=datetime.date(2024, 3, 1), period_end=datetime.date(2025, 2, 28)).full_clean()
    with pytest.raises(ValidationError, match="at most a year"):
        _budget(project, period_start=datetime.date(2024, 3, 1), period_end=datetime.date(2025, 3, 1)).full_clean()
    with pytest.raises(ValidationError, match="not be before"):
        _budget(project, period_end=datetime.date(2023, 12, 31)).full_clean()


def test_the_database_refuses_a_budget_ending_before_it_starts(project):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        _budget(project, period_end=datetime.date(2023, 1, 1)).save()
