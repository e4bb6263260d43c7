"""Money on the dashboards (issue 13): headline amounts in a chosen currency with their rate notes,
donor contributions and spending per year, a project's budget use, a donor's contributions, and
internal money shown to staff only. Totals use the fixed rates of tests/finance/rates.csv."""
import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from finance.models import (
    Budget,
    BudgetStatus,
    BudgetType,
    Transaction,
    TransactionType,
)
from projects.models import Project

D = datetime.date
RATES_FILE = Path(__file__).resolve().parents[1] / "finance" / "rates.csv"
SDC_ONLY = "bangladesh-migration-policy"
# Internal amounts, distinctive enough to be found in a page if they leaked.
INTERNAL_BUDGET = "7777777.00"
INTERNAL_SPENT = "5555555.00"


@pytest.fixture(autouse=True)
def fixed_rates(settings):
    settings.PORTFOLIO_RATES_FILE = str(RATES_FILE)
    settings.PORTFOLIO_CURRENCY = "USD"


@pytest.fixture
def money(annex):
    """The hand-computed set of tests/finance/test_money.py on an SDC-only project, plus SDC's contribution
    and internal rows: budget 195,570.41 USD, committed 90,000, disbursed 29,000, spent 12,345.67."""
    project = Project.objects.get(slug=SDC_ONLY)
    sdc = project.fundings.get().donor

    def budget(value, currency, value_date, **fields):
        return Budget.objects.create(
            project=project, period_start=D(2024, 1, 1), period_end=D(2024, 12, 31), value=Decimal(value),
            currency=currency, value_date=value_date, status=BudgetStatus.COMMITTED, **fields,
        )

    def transaction(kind, value, day, currency="USD", **fields):
        return Transaction.objects.create(
            project=project, transaction_type=kind, date=day, value=Decimal(value), currency=currency, value_date=day,
            **fields,
        )

    budget("120000.00", "CHF", D(2024, 1, 6))
    budget("50000.00", "EUR", D(2024, 1, 8))
    budget(INTERNAL_BUDGET, "EUR", D(2024, 1, 8), is_internal=True)
    transaction(TransactionType.OUTGOING_COMMITMENT, "90000.00", D(2024, 1, 3))
    transaction(TransactionType.DISBURSEMENT, "30000.00", D(2024, 1, 3))
    transaction(TransactionType.DISBURSEMENT, "-1000.00", D(2024, 1, 8))
    transaction(TransactionType.EXPENDITURE, "12345.67", D(2024, 1, 9), description="Field office running costs")
    transaction(TransactionType.EXPENDITURE, INTERNAL_SPENT, D(2024, 1, 9), is_internal=True,
                description="ZZINTERNAL staff costs")
    transaction(TransactionType.INCOMING_COMMITMENT, "100000.00", D(2024, 1, 2), currency="CHF", provider_donor=sdc)
    transaction(TransactionType.INCOMING_FUNDS, "40000.00", D(2024, 1, 5), currency="CHF", provider_donor=sdc)
    return project


def amounts(response) -> dict[str, str]:
    """The headline amounts of a page as shown: {"budget": "195,570", ...}."""
    return dict(re.findall(r'data-money-figure="([\w-]+)">\s*<dt>[^<]*</dt>\s*<dd class="figure__amount"><span data-amount>([^<]*)<',
                           response.content.decode()))


def test_dashboard_cards_show_the_money_of_the_filtered_projects_with_the_rate_note(anonymous_client, money):
    response = anonymous_client.get("/", {"donor": "SDC"})
    assert amounts(response) == {"budget": "195,570", "committed": "90,000", "disbursed": "29,000", "spent": "12,346"}
    figures = response.context["money"].figures
    assert (figures.budget.total, figures.spent.total) == (Decimal("195570.41"), Decimal("12345.67"))
    body = response.content.decode()
    # The budget needed CHF and EUR rates: its note names the source and the days of the rates.
    assert ("Converted to USD at the European Central Bank euro foreign exchange reference rates of "
            "2024-01-05 to 2024-01-08") in body
    # Another donor's projects have none of this money.
    assert "data-no-money" in anonymous_client.get("/", {"donor": "EC"}).content.decode()


def test_the_currency_picker_stays_in_the_url_and_in_the_links(anonymous_client, money):
    response = anonymous_client.get("/", {"donor": "SDC", "currency": "chf", "ordering": "short_name"})
    assert response.context["money"].currency == "CHF"
    assert response.context["money"].figures.budget.total == Decimal("166535.00")  # 120,000 + 50,000 × 0.9307
    body = response.content.decode()
    assert '<option value="CHF" selected>' in body and 'name="currency"' in body
    assert f'href="/projects/{SDC_ONLY}/?currency=CHF"' in body  # the table and the timeline
    assert 'href="/donors/SDC/?currency=CHF"' in body
    assert re.search(r'href="\?[^"]*currency=chf[^"]*ordering=-short_name', body)  # sorting keeps it
    project = anonymous_client.get(f"/projects/{SDC_ONLY}/", {"currency": "CHF"})
    assert project.context["finance"].money.budget.currency == "CHF"
    assert 'href="/projects/?currency=CHF"' in project.content.decode()
    # The CSV link carries the filters and the currency of the CSV's money columns.
    assert re.search(r'href="/api/v1/projects/\?donor=SDC&amp;ordering=short_name&amp;format=csv&amp;currency=CHF"', body)


@pytest.mark.parametrize("code", ["XYZ", "XOF"])  # not ISO 4217; ISO but not in the ECB's rates
def test_an_unknown_currency_is_a_named_error_and_totals_stay_in_the_default(anonymous_client, money, code):
    response = anonymous_client.get("/", {"donor": "SDC", "currency": code})
    body = response.content.decode()
    assert 'role="alert"' in body and "<strong>Currency of the totals</strong>" in body
    assert f"“{code}” is not a currency the totals can be shown in" in body
    assert response.context["money"].currency == "USD"
    project = anonymous_client.get(f"/projects/{SDC_ONLY}/", {"currency": code}).content.decode()
    assert 'role="alert"' in project and f"“{code}”" in project


@pytest.mark.parametrize("language, expected, english", [
    ("fr", "n’est pas une devise", "is not a currency"),
    ("es", "no es una moneda", "is not a currency"),
])
def test_the_currency_error_is_in_the_viewers_language(client, money, language, expected, english):
    client.cookies["django_language"] = language
    body = client.get("/", {"currency": "XYZ"}).content.decode()
    assert expected in body and english not in body


def test_an_amount_that_cannot_be_converted_is_counted_in_the_note(anonymous_client, money):
    Transaction.objects.create(project=money, transaction_type=TransactionType.EXPENDITURE, date=D(2024, 1, 9),
                               value=Decimal(1000000), currency="XOF", value_date=D(2024, 1, 9))
    response = anonymous_client.get("/", {"donor": "SDC"})
    spent = response.context["money"].figures.spent
    assert (spent.total, spent.left_out) == (Decimal("12345.67"), 1)
    assert "1 amount could not be converted and is not counted." in response.content.decode()


@pytest.mark.parametrize("language, phrases", [
    ("fr", ["Converti en USD aux taux de référence", "1 montant n’a pas pu être converti", "Dépensé", "Finances, en USD"]),
    ("es", ["Convertido a USD con los tipos de referencia", "1 importe no pudo convertirse", "Gastado", "Finanzas, en USD"]),
])
def test_money_and_its_note_are_translated(client, money, language, phrases):
    Transaction.objects.create(project=money, transaction_type=TransactionType.EXPENDITURE, date=D(2024, 1, 9),
                               value=Decimal(10), currency="XOF", value_date=D(2024, 1, 9))
    client.cookies["django_language"] = language
    for url in ("/", reverse("dashboards:donor", args=["SDC"]), reverse("dashboards:project", args=[SDC_ONLY])):
        body = client.get(url).content.decode()
        for phrase in phrases[:2]:
            assert phrase in body, (url, phrase)
        assert "Converted to" not in body and "could not be converted" not in body
    body = client.get("/").content.decode()
    assert all(phrase in body for phrase in phrases[2:])


def test_donor_chart_by_amount_and_spending_per_year(anonymous_client, money):
    Transaction.objects.create(project=money, transaction_type=TransactionType.EXPENDITURE, date=D(2023, 12, 20),
                               value=Decimal("10.00"), currency="USD", value_date=D(2024, 1, 3))
    response = anonymous_client.get("/")
    by_donor = response.context["money"].by_donor
    assert [bar.key for bar in by_donor] == ["SDC"]
    committed = Decimal("100000.00") / Decimal("0.9287") * Decimal("1.0956")  # CHF → USD on 2 January
    received = Decimal("40000.00") / Decimal("0.9305") * Decimal("1.0921")
    assert by_donor[0].values == (committed.quantize(Decimal("0.01")), received.quantize(Decimal("0.01")))
    per_year = {bar.key: bar.values[0] for bar in response.context["money"].per_year}
    assert per_year == {"2023": Decimal("10.00"), "2024": Decimal("12345.67")}
    body = response.content.decode()
    assert 'data-chart="chart-donor-money"' in body and 'data-chart="chart-spending"' in body
    assert f'data-values="{by_donor[0].values[0]} {by_donor[0].values[1]}"' in body  # what Chart.js draws
    # The count chart is still there.
    assert [(bar.key, bar.value) for bar in response.context["by_donor"]][:1] == [("EC", 9)]


def test_project_page_shows_budget_against_spending_and_its_rows(anonymous_client, money):
    response = anonymous_client.get(reverse("dashboards:project", args=[SDC_ONLY]))
    finance = response.context["finance"]
    assert finance.money.share_spent == pytest.approx(12345.67 / 195570.41)
    assert finance.percent_spent == 6
    body = response.content.decode()
    assert "6% used" in body and 'data-budget-use' in body
    assert amounts(response)["budget"] == "195,570"
    assert body.count("data-budget=") == 2 and body.count("data-transaction=") == 6
    assert "120,000.00 CHF" in body and "Field office running costs" in body
    assert "-1,000.00 USD" in body  # a correction shows as it was entered


def test_a_replaced_original_budget_is_listed_but_marked(anonymous_client, money):
    Budget.objects.create(project=money, period_start=D(2024, 1, 1), period_end=D(2024, 12, 31), value=Decimal(200000),
                          currency="USD", value_date=D(2024, 6, 1), budget_type=BudgetType.REVISED)
    response = anonymous_client.get(reverse("dashboards:project", args=[SDC_ONLY]))
    assert response.context["finance"].money.budget.total == Decimal("200000.00")
    assert response.content.decode().count('class="is-replaced"') == 2


def test_donor_page_shows_the_donors_contributions_and_the_money_of_its_projects(anonymous_client, money):
    response = anonymous_client.get(reverse("dashboards:donor", args=["SDC"]), {"currency": "CHF"})
    shown = amounts(response)
    assert shown["contribution-committed"] == "100,000" and shown["contribution-received"] == "40,000"
    assert shown["budget"] == "166,535"
    assert response.context["contributions"]["committed"].total == Decimal("100000.00")
    # The EC page: EC contributed nothing, and its projects have no money.
    ec = anonymous_client.get(reverse("dashboards:donor", args=["EC"])).content.decode()
    assert "data-no-money" in ec and "data-contributions" not in ec


def test_htmx_fragment_of_the_donor_page_keeps_its_contributions(anonymous_client, money):
    response = anonymous_client.get(reverse("dashboards:donor", args=["SDC"]), headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith('<section id="results"')
    assert "contribution-committed" in amounts(response)


@pytest.mark.parametrize("persona", ["anonymous_client", "sdc_client", "ec_client", "sdc_token_client"])
def test_no_page_shows_internal_money_to_donor_users_or_anonymous(request, money, persona):
    client = request.getfixturevalue(persona)
    for url in ("/", "/?donor=SDC&currency=EUR", reverse("dashboards:donor", args=["SDC"]),
                reverse("dashboards:project", args=[SDC_ONLY]), reverse("dashboards:project", args=[SDC_ONLY]) + "?currency=EUR"):
        response = client.get(url)
        body = response.content.decode()
        assert "7,777,777" not in body and "5,555,555" not in body and "ZZINTERNAL" not in body, url
        assert "Internal" not in body, url
        money_shown = response.context.get("money") or response.context["finance"].money
        figures = getattr(money_shown, "figures", money_shown)
        assert figures.spent.counted == 1, url


def test_staff_see_internal_money(officer_client, money):
    response = officer_client.get(reverse("dashboards:project", args=[SDC_ONLY]), {"currency": "EUR"})
    body = response.content.decode()
    assert "7,777,777.00 EUR" in body and "ZZINTERNAL staff costs" in body and "Internal" in body
    assert response.context["finance"].money.budget.total > Decimal(7777777)
    dashboard = officer_client.get("/", {"donor": "SDC"})
    assert dashboard.context["money"].figures.spent.counted == 2


def test_money_of_an_unpublished_project_is_not_counted_for_the_public(anonymous_client, money):
    Project.objects.filter(pk=money.pk).update(is_published=False)
    assert "data-no-money" in anonymous_client.get("/").content.decode()


def test_without_money_the_pages_say_so_calmly(anonymous_client, annex):
    """The annex has no money: no cards of zeros, no charts, one plain sentence."""
    body = anonymous_client.get("/").content.decode()
    assert "No money recorded for these projects." in body
    assert "data-money-figure" not in body and "chart-spending" not in body and "Converted to" not in body
    donor = anonymous_client.get(reverse("dashboards:donor", args=["SDC"])).content.decode()
    assert "No money recorded for these projects." in donor and "data-money-figure" not in donor
    project = anonymous_client.get(reverse("dashboards:project", args=[SDC_ONLY])).content.decode()
    assert "No money recorded for this project." in project and "data-budget-use" not in project
