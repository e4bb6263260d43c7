"""The dashboard's query count does not grow with the number of projects it shows, nor with their money."""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from dashboards.facts import facts_fresh
from donors.models import Donor, Partner
from finance.models import Budget, Transaction, TransactionType
from projects.models import Funding, Project, ProjectPartner
from regions.models import Corridor, Country, Region

# Figures 4, charts 1 + 1 + 1 (per year), timeline 2, table count + page + 2 prefetches,
# filter panel 6 (regions with global, countries, donors, partners, corridors, sectors),
# money 4 (budgets, spending transactions, donor contributions, spending per year),
# the map's projects per country 1,
# and, when a donor contributed, 1 for the contributing donors' names; when the page shows money,
# 2 for the map's budget and disbursed per country.
# Issue 18: the table's count is the figures' count (1 fewer). In the default currency the money comes from
# dashboards.facts: 1 to see that they are fresh, then 3 (totals, contributions, spending per year) instead
# of 4, and 1 for the map instead of 2. Once computed, the figures and the panel's options are cached
# under the facts' version: the options for every later page (PANEL_QUERIES fewer), the figures for
# the same filters, so a request that changes nothing reads the state, the table's page and its 2
# prefetches only (DASHBOARD_CACHED_QUERIES).
DASHBOARD_QUERIES = 23
DASHBOARD_MONEY_QUERIES = 26  # in another currency (?currency=EUR): every row, as before
DASHBOARD_FACTS_MONEY_QUERIES = 25
DASHBOARD_CACHED_QUERIES = 4
PANEL_QUERIES = 6
# The first request after writes refreshes the marked projects' facts (the same number of queries
# however many were marked, up to dashboards.facts.BATCH): its savepoint 2, the state again, counting the marks 1, the marks 2
# (the second finds none left), 4 deletes, the projects 1 and their write 1, 6 money reads (3 per audience),
# 3 writes, deleting the marks 1, the new version 1 and reading it back 1. On PostgreSQL the 4 writes are
# COPY, which Django does not count, and the advisory lock is 1 more.
def facts_refresh_queries() -> int:
    return 24 - 4 + 1 if connection.vendor == "postgresql" else 24
# The corridor table 2 and the filter panel 6 (as the dashboard's).
CORRIDOR_QUERIES = 8
# The project and its 7 prefetches (countries, fundings, partners, corridors, objectives, sectors, policy
# markers), its money 4 (two totals, the budgets and the transactions listed), its results 1 (six once it has
# some), its documents 1.
PROJECT_PAGE_QUERIES = 14
# The donor, then the dashboard of its projects (with money).
DONOR_PAGE_MONEY_QUERIES = 1 + DASHBOARD_MONEY_QUERIES
# Logged in: the session and the user, then the donor's deadlines (and, for a donor user, its donor link).
# The deadlines are two queries since issue 14: the next (upcoming) ones and, listed apart, the overdue ones.
LOGGED_IN_DONOR_PAGE_QUERIES = {"anonymous_client": 0, "sdc_client": 6, "officer_client": 5}


def add_projects(n: int) -> None:
    """Add `n` published projects, each with two countries, a donor, a partner and a corridor."""
    region = Region.objects.get(code="asia-pacific")
    nepal, emirates, india = (Country.objects.get(code=c) for c in ("NP", "AE", "IN"))
    corridor = Corridor.objects.get(origin=nepal, destination=emirates)
    donor = Donor.objects.get(acronym="SDC")
    partner = Partner.objects.first()
    for i in range(n):
        project = Project.objects.create(
            title=f"Synthetic project {i}", short_name=f"Synthetic {i}", slug=f"synthetic-{i}",
            region=region, planned_start=datetime.date(2005 + i % 20, 1, 1),
            planned_end=datetime.date(2005 + i % 20 + 1 + i % 5, 12, 31), is_published=True,
        )
        project.countries.add(nepal, india if i % 2 else emirates)
        project.corridors.add(corridor)
        Funding.objects.create(project=project, donor=donor)
        ProjectPartner.objects.create(project=project, partner=partner)


def add_money(projects, *, rows: int) -> None:
    """Give each project `rows` budgets and `rows` of each money transaction, in several currencies and
    value dates, some internal (the rates are the fixed extract of tests/finance/rates.csv)."""
    sdc = Donor.objects.get(acronym="SDC")
    days = [datetime.date(2024, 1, d) for d in (2, 3, 5, 6, 8, 9)]
    for project in projects:
        for i in range(rows):
            day, currency = days[i % len(days)], ("USD", "CHF", "EUR", "GBP", "XOF")[i % 5]
            Budget.objects.create(project=project, period_start=datetime.date(2000 + i, 1, 1),
                                  period_end=datetime.date(2000 + i, 12, 31), value=Decimal(1000 + i), currency=currency,
                                  value_date=day, is_internal=i % 4 == 3)
            for kind in (TransactionType.INCOMING_COMMITMENT, TransactionType.INCOMING_FUNDS,
                         TransactionType.OUTGOING_COMMITMENT, TransactionType.DISBURSEMENT, TransactionType.EXPENDITURE):
                Transaction.objects.create(
                    project=project, transaction_type=kind, date=datetime.date(2020 + i % 5, 1, 1), value=Decimal(100 + i),
                    currency=currency, value_date=day, is_internal=i % 4 == 3,
                    provider_donor=sdc if kind in (TransactionType.INCOMING_COMMITMENT, TransactionType.INCOMING_FUNDS) else None,
                )


@pytest.fixture(autouse=True)
def fixed_rates(settings):
    settings.PORTFOLIO_RATES_FILE = str(Path(__file__).resolve().parents[1] / "finance" / "rates.csv")


@pytest.mark.parametrize("extra", [0, 30])
def test_dashboard_query_count_does_not_grow_with_projects(anonymous_client, annex, django_assert_num_queries, extra):
    add_projects(extra)
    facts_fresh()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = anonymous_client.get("/", {"ordering": "title"})
    assert response.context["figures"]["projects"] == 21 + extra
    with django_assert_num_queries(DASHBOARD_QUERIES - PANEL_QUERIES):
        anonymous_client.get("/", {"donor": "SDC", "page": "2"})


@pytest.mark.parametrize("extra", [0, 30])
def test_corridor_page_query_count_does_not_grow_with_projects(anonymous_client, annex, django_assert_num_queries, extra):
    add_projects(extra)
    with django_assert_num_queries(CORRIDOR_QUERIES):
        response = anonymous_client.get(reverse("dashboards:corridors"))
    np_ae = next(c for c in response.context["corridors"] if c.code == "NP-AE")
    assert np_ae.n == 1 + extra
    assert len(np_ae.visible_projects) == min(np_ae.n, 12)
    assert np_ae.more == np_ae.n - len(np_ae.visible_projects)


def test_project_page_query_count(anonymous_client, annex, django_assert_num_queries):
    with django_assert_num_queries(PROJECT_PAGE_QUERIES):
        anonymous_client.get(reverse("dashboards:project", args=["gap-migrant-domestic-workers"]))


@pytest.mark.parametrize("extra, rows", [(0, 1), (30, 6)])
def test_dashboard_with_money_query_count_does_not_grow_with_projects_or_money(
    anonymous_client, annex, django_assert_num_queries, extra, rows
):
    add_projects(extra)
    add_money(Project.objects.filter(fundings__donor__acronym="SDC"), rows=rows)
    with django_assert_num_queries(DASHBOARD_MONEY_QUERIES):
        response = anonymous_client.get("/", {"ordering": "title", "currency": "EUR"})
    assert response.context["money"].figures.budget.counted > 0
    with django_assert_num_queries(DASHBOARD_MONEY_QUERIES):
        anonymous_client.get("/", {"donor": "SDC", "page": "2", "currency": "CHF"})
    facts_fresh()
    with django_assert_num_queries(DASHBOARD_FACTS_MONEY_QUERIES):
        response = anonymous_client.get("/", {"ordering": "title"})
    assert response.context["money"].figures.budget.counted > 0
    with django_assert_num_queries(DASHBOARD_FACTS_MONEY_QUERIES - PANEL_QUERIES):
        anonymous_client.get("/", {"donor": "SDC", "page": "2"})
    with django_assert_num_queries(DASHBOARD_CACHED_QUERIES):  # nothing changed: the figures come from the cache
        again = anonymous_client.get("/", {"ordering": "title"})
    assert again.context["money"] == response.context["money"]
    assert again.context["figures"] == response.context["figures"]


@pytest.mark.parametrize("extra", [1, 30])
def test_refreshing_the_facts_of_written_projects_takes_the_same_queries_however_many(
    anonymous_client, annex, django_assert_num_queries, extra
):
    facts_fresh()
    add_projects(extra)
    add_money(Project.objects.filter(fundings__donor__acronym="SDC"), rows=2)
    with django_assert_num_queries(DASHBOARD_FACTS_MONEY_QUERIES + facts_refresh_queries()):
        response = anonymous_client.get("/")
    assert response.context["figures"]["projects"] == 21 + extra


@pytest.mark.parametrize("persona", ["anonymous_client", "sdc_client", "officer_client"])
@pytest.mark.parametrize("extra, rows", [(0, 1), (30, 6)])
def test_donor_page_with_money_query_count_does_not_grow(request, annex, django_assert_num_queries, persona, extra, rows):
    client = request.getfixturevalue(persona)
    add_projects(extra)
    add_money(Project.objects.filter(fundings__donor__acronym="SDC"), rows=rows)
    with django_assert_num_queries(DONOR_PAGE_MONEY_QUERIES + LOGGED_IN_DONOR_PAGE_QUERIES[persona]):
        response = client.get(reverse("dashboards:donor", args=["SDC"]), {"currency": "EUR"})
    assert response.context["contributions"]["committed"].counted > 0


@pytest.mark.parametrize("rows", [1, 12])
def test_project_page_with_money_query_count_does_not_grow_with_its_rows(
    anonymous_client, annex, django_assert_num_queries, rows
):
    project = Project.objects.get(slug="gap-migrant-domestic-workers")
    add_money([project], rows=rows)
    with django_assert_num_queries(PROJECT_PAGE_QUERIES):
        response = anonymous_client.get(reverse("dashboards:project", args=[project.slug]), {"currency": "CHF"})
    assert len(response.context["finance"].transactions) == 5 * (rows - rows // 4)
