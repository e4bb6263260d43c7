"""The dashboards' facts (issue 18): the same figures as finance.selectors, and never stale.

Every write path (the admin, the services, an IATI import, COPY and raw SQL bulk loads) is
seen by the next dashboard and stats/ request, through the triggers of dashboards.triggers.
"""
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from benchmarks.synthetic import portfolio_generate
from dashboards import facts
from dashboards.facts import facts_fresh, facts_rebuild
from dashboards.models import DirtyProject, FactsState
from dashboards.triggers import trigger_names, triggers_present
from finance import selectors as live
from finance.models import Transaction, TransactionType
from finance.services import transactions_import
from iati.imports import iati_import
from projects.models import Project
from tests.admin_forms import admin_change_data

pytestmark = pytest.mark.django_db

RATES = Path(__file__).resolve().parents[1] / "finance" / "rates.csv"


@pytest.fixture(autouse=True)
def fixed_rates(settings):
    settings.PORTFOLIO_RATES_FILE = str(RATES)
    settings.PORTFOLIO_CURRENCY = "USD"


def spent_on_dashboard(client) -> Decimal:
    return client.get("/").context["money"].figures.spent.total


def spent_in_stats(client) -> str:
    response = client.get("/api/v1/stats/", {"group_by": "donor"})
    assert response.status_code == 200, response.content
    return response.json()["total"]["money"]["spent"]["amount"]


def published_project() -> Project:
    return Project.objects.filter(is_published=True).order_by("slug").first()


def spend(project, value: str, *, currency: str = "USD", internal: bool = False) -> Transaction:
    return Transaction.objects.create(
        project=project, transaction_type=TransactionType.EXPENDITURE, date=datetime.date(2024, 1, 3),
        value=Decimal(value), currency=currency, value_date=datetime.date(2024, 1, 3), is_internal=internal,
    )


def test_every_trigger_is_installed():
    assert triggers_present(connection) == set(trigger_names())


def test_a_write_through_the_orm_is_in_the_next_dashboard_and_stats_request(annex, anonymous_client):
    assert spent_on_dashboard(anonymous_client) == Decimal("0.00")
    transaction = spend(published_project(), "125.50")
    assert spent_on_dashboard(anonymous_client) == Decimal("125.50")
    assert spent_in_stats(anonymous_client) == "125.50"
    transaction.value = Decimal(100)
    transaction.save()
    assert spent_in_stats(anonymous_client) == "100.00"
    transaction.delete()
    assert spent_on_dashboard(anonymous_client) == Decimal("0.00")


def test_an_admin_save_of_a_project_is_in_the_next_request(annex, officer_client):
    anonymous_client = Client()  # officer_client is pytest-django's `client`, logged in
    project = published_project()
    spend(project, "40")
    assert spent_on_dashboard(anonymous_client) == Decimal("40.00")
    url = f"/admin/projects/project/{project.pk}/change/"
    data = admin_change_data(officer_client.get(url))
    data.pop("is_published")  # unpublished: its money leaves the public figures
    assert officer_client.post(url, data).status_code == 302
    assert spent_on_dashboard(anonymous_client) == Decimal("0.00")
    assert spent_in_stats(anonymous_client) == "0.00"
    assert spent_on_dashboard(officer_client) == Decimal("40.00")  # staff still see it


def test_an_admin_budget_added_on_the_project_page_is_in_the_next_request(annex, officer_client):
    anonymous_client = Client()
    project = published_project()
    facts_fresh()
    url = f"/admin/projects/project/{project.pk}/change/"
    data = admin_change_data(officer_client.get(url))
    data.update({
        "budgets-TOTAL_FORMS": "1", "budgets-0-period_start": "2024-01-01", "budgets-0-period_end": "2024-12-31",
        "budgets-0-budget_type": "1", "budgets-0-status": "2", "budgets-0-value": "1500",
        "budgets-0-currency": "usd", "budgets-0-value_date": "2024-01-01",
    })
    assert officer_client.post(url, data).status_code == 302
    assert anonymous_client.get("/").context["money"].figures.budget.total == Decimal("1500.00")


def test_the_transactions_import_service_is_in_the_next_request(annex, anonymous_client, officer):
    project = published_project()
    facts_fresh()
    text = "project,type,date,value,currency,value_date,provider,receiver,description\n"
    text += f"{project.slug},4,2024-01-03,30.25,usd,,,ILO,Printing\n"
    report = transactions_import(file=io.BytesIO(text.encode()), dry_run=False, user=officer)
    assert report.ok and report.saved, report.errors
    assert spent_on_dashboard(anonymous_client) == Decimal("30.25")
    assert spent_in_stats(anonymous_client) == "30.25"


def test_an_iati_import_is_in_the_next_request(annex, officer_client, tmp_path):
    facts_fresh()
    path = tmp_path / "one.xml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03"><iati-activity xml:lang="en" default-currency="USD" last-updated-datetime="2024-01-01T00:00:00">
  <iati-identifier>XX-1-FACTS</iati-identifier>
  <reporting-org ref="XX-1" type="10"><narrative>Example</narrative></reporting-org>
  <title><narrative>Imported</narrative></title>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2024-01-01"/><activity-date type="3" iso-date="2025-12-31"/>
  <transaction><transaction-type code="4"/><transaction-date iso-date="2024-02-01"/>
    <value value-date="2024-01-04">77.00</value></transaction>
</iati-activity></iati-activities>""", encoding="utf-8")
    report = iati_import([path])
    assert not report.refused, report.refused
    assert spent_on_dashboard(officer_client) == Decimal("77.00")  # imported projects are drafts: staff see them
    assert spent_in_stats(officer_client) == "77.00"


def test_a_raw_sql_bulk_insert_is_in_the_next_request(annex, anonymous_client):
    project = published_project()
    facts_fresh()
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO finance_transaction (project_id, transaction_type, date, value, currency, value_date, is_internal,"
            " description, provider_name, provider_ref, receiver_name, receiver_ref)"
            " VALUES (%s, 4, '2024-01-03', %s, 'USD', '2024-01-03', %s, '', '', '', '', '')",
            [(project.pk, value, internal) for value, internal in (("10", False), ("5", True))],
        )
    assert spent_on_dashboard(anonymous_client) == Decimal("10.00")  # the internal row is staff's
    assert spent_in_stats(anonymous_client) == "10.00"


def test_a_generated_bulk_load_is_in_the_next_request(annex, anonymous_client):
    facts_fresh()
    before = anonymous_client.get("/").context["money"].figures.spent
    portfolio_generate(projects=15, seed=3)
    after = anonymous_client.get("/").context["money"].figures.spent
    assert after.counted > before.counted
    expected = live.money_of(Project.objects.filter(is_published=True), user=None).spent
    assert after == expected
    assert spent_in_stats(anonymous_client) == f"{expected.total:.2f}"


def test_a_new_rate_table_rebuilds_the_facts(annex, anonymous_client, settings, tmp_path):
    spend(published_project(), "100", currency="GBP")
    first = anonymous_client.get("/").context["money"].figures.spent
    changed = tmp_path / "rates.csv"
    changed.write_text(RATES.read_text().replace("0.8625", "0.9000"))  # GBP per EUR on 3 January
    settings.PORTFOLIO_RATES_FILE = str(changed)
    second = anonymous_client.get("/").context["money"].figures.spent
    assert second.total != first.total
    assert second == live.money_of(Project.objects.filter(is_published=True), user=None).spent
    assert FactsState.objects.get().rates == facts._rates_fingerprint()


def test_a_refresh_clears_the_marks(annex):
    facts_fresh()
    spend(published_project(), "1")
    assert DirtyProject.objects.exists()
    facts_fresh()
    assert not DirtyProject.objects.exists()


@pytest.mark.parametrize("staff", [False, True])
def test_facts_give_the_selectors_figures_on_generated_money(annex, officer, staff):
    portfolio_generate(projects=25, seed=11)
    # Some amounts that need the gap rule, some that cannot convert (no XOF rate), some internal.
    project = published_project()
    for value, currency, internal in (("10.10", "CHF", False), ("3.33", "XOF", False), ("7", "GBP", True)):
        spend(project, value, currency=currency, internal=internal)
    facts_rebuild()
    spend(project, "1.01", currency="JPY")  # and one more, refreshed rather than rebuilt
    facts_fresh()
    user = officer if staff else None
    projects = Project.objects.all() if staff else Project.objects.filter(is_published=True)
    assert facts.money_of(projects, user=user) == live.money_of(projects, user=user)
    for group_by in ("region", "donor", "country", "year", "status"):
        assert facts.money_by_stats_group(projects, user=user, group_by=group_by) == live.money_by_stats_group(
            projects, user=user, group_by=group_by
        ), group_by
    assert facts.spending_per_year(projects, user=user) == live.spending_per_year(projects, user=user)
    assert facts.donor_contributions(projects, user=user) == live.donor_contributions(projects, user=user)
    by_country = facts.money_by(projects, user=user, by="country")
    assert by_country == live.money_by(projects, user=user, by="countries__code")
    one_donor = projects.filter(fundings__donor__acronym="SDC")
    assert facts.money_of(one_donor, user=user) == live.money_of(one_donor, user=user)



def test_too_many_marks_for_a_request_read_every_row_until_the_command_runs(annex, anonymous_client, monkeypatch):
    facts_fresh()
    monkeypatch.setattr(facts, "IN_REQUEST", 1)
    for project in Project.objects.filter(is_published=True).order_by("slug")[:2]:
        spend(project, "2.50")
    assert spent_on_dashboard(anonymous_client) == Decimal("5.00")  # from finance.selectors
    assert spent_in_stats(anonymous_client) == "5.00"
    assert DirtyProject.objects.count() == 2  # left for the command
    call_command("dashboards_facts_rebuild", stdout=io.StringIO())
    assert not DirtyProject.objects.exists()
    assert facts.money_of(Project.objects.filter(is_published=True), user=None).spent.total == Decimal("5.00")
