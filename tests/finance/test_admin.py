"""Budgets and transactions on the project page, and their own history-enabled pages."""
import datetime
from decimal import Decimal

import pytest

from finance.models import Budget, Transaction, TransactionType
from tests.admin_forms import admin_change_data

pytestmark = pytest.mark.django_db


def test_an_officer_adds_a_budget_on_the_project_page(officer_client, project):
    url = f"/admin/projects/project/{project.pk}/change/"
    page = officer_client.get(url)
    prefixes = [inline.formset.prefix for inline in page.context["inline_admin_formsets"]]
    assert {"budgets", "transactions"} <= set(prefixes)
    data = admin_change_data(page)
    data.update({
        "budgets-TOTAL_FORMS": "1", "budgets-0-period_start": "2024-01-01", "budgets-0-period_end": "2024-12-31",
        "budgets-0-budget_type": "1", "budgets-0-status": "2", "budgets-0-value": "1500000",
        "budgets-0-currency": "chf", "budgets-0-value_date": "2024-01-01",
    })
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][3].formset.errors
    assert Budget.objects.get(project=project).currency == "CHF"


def test_transaction_pages_list_and_keep_history(officer_client, project):
    transaction = Transaction.objects.create(
        project=project, transaction_type=TransactionType.DISBURSEMENT, date=datetime.date(2024, 1, 3),
        value=Decimal("10.00"), currency="USD", value_date=datetime.date(2024, 1, 3), provider_name="Bank",
    )
    assert officer_client.get("/admin/finance/transaction/").status_code == 200
    assert officer_client.get(f"/admin/finance/transaction/{transaction.pk}/history/").status_code == 200
    assert officer_client.get("/admin/finance/budget/").status_code == 200
