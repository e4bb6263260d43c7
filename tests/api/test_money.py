"""Money in the API (issue 13): a project's budgets and transactions, stats/ sums in ?currency=, CSV columns.

Amounts are those of tests/money.py; the expected sums are computed by hand there from the
fixed rates on the value dates.
"""
import csv
import io
from decimal import Decimal

import pytest

from finance.rates import SOURCE
from tests.money import (
    CHF,
    EC_BUDGET_USD,
    EC_SPENT_USD,
    INTERNAL_TEXT,
    INTERNAL_VALUE,
    SDC_BUDGET_USD,
    USD,
    D,
    cents,
)

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def csv_rows(response_or_text) -> dict[str, dict]:
    text = response_or_text if isinstance(response_or_text, str) else body(response_or_text)
    return {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}


def test_a_project_carries_its_budgets_and_transactions_as_iati_publishes_them(api_client, money):
    project = api_client.get(f"/api/v1/projects/{money.sdc.pk}/").json()

    budgets = project["budgets"]
    assert [(b["period_start"], b["value"], b["currency"]) for b in budgets] == [
        ("2024-01-01", "120000.00", "CHF"), ("2025-01-01", "50000.00", "EUR"),
    ]
    assert budgets[0] | {"id": None} == {
        "id": None, "type": {"code": 1, "label": "Original"}, "status": {"code": 2, "label": "Committed"},
        "period_start": "2024-01-01", "period_end": "2024-12-31", "value": "120000.00", "currency": "CHF",
        "value_date": "2024-01-06", "internal": False,
    }
    assert budgets[1]["type"] == {"code": 2, "label": "Revised"}

    transactions = project["transactions"]
    assert [(t["type"]["code"], t["date"], t["value"], t["currency"]) for t in transactions] == [
        (1, "2024-01-03", "150000.00", "CHF"), (2, "2024-01-03", "90000.00", "USD"),
        (3, "2024-01-03", "30000.00", "USD"), (4, "2024-01-09", "12345.67", "USD"),
    ]
    incoming, commitment, disbursement, expenditure = transactions
    assert incoming["type"] == {"code": 1, "label": "Incoming Funds"}
    assert incoming["provider"] == {"name": "Swiss Agency for Development and Cooperation", "ref": "CH-4"}
    assert commitment["receiver"] == {"name": "Fair Recruitment Initiative", "ref": "XM-EXAMPLE-1"}
    assert commitment["provider"] == {"name": "", "ref": ""}
    assert disbursement["receiver"]["ref"] and disbursement["receiver"]["name"]
    assert (expenditure["description"], expenditure["value_date"], expenditure["internal"]) == (
        "Training of recruiters", "2024-01-09", False,
    )


def test_the_list_carries_the_same_money_as_the_detail(api_client, money):
    listed = {p["id"]: p for p in api_client.get("/api/v1/projects/", {"page_size": 200}).json()["results"]}
    for project in (money.sdc, money.ec):
        detail = api_client.get(f"/api/v1/projects/{project.pk}/").json()
        assert listed[project.pk]["budgets"] == detail["budgets"] and detail["budgets"]
        assert listed[project.pk]["transactions"] == detail["transactions"] and detail["transactions"]
    assert sum(1 for p in listed.values() if p["budgets"] or p["transactions"]) == 2


def test_a_project_carries_its_planned_disbursements(api_client, officer_client, money):
    listed = {p["id"]: p for p in api_client.get("/api/v1/projects/", {"page_size": 200}).json()["results"]}
    planned = api_client.get(f"/api/v1/projects/{money.sdc.pk}/").json()["planned_disbursements"]
    assert listed[money.sdc.pk]["planned_disbursements"] == planned
    assert planned[0] | {"id": None} == {
        "id": None, "type": {"code": 1, "label": "Original"}, "period_start": "2024-07-01", "period_end": "2024-12-31",
        "value": "40000.00", "currency": "CHF", "value_date": "2024-01-05",
        "provider": {"name": "Swiss Agency for Development and Cooperation", "ref": "CH-4"},
        "receiver": {"name": "Fair Recruitment Initiative", "ref": "XM-EXAMPLE-1"}, "internal": False,
    }
    assert len(planned) == 1
    staff = officer_client.get(f"/api/v1/projects/{money.sdc.pk}/").json()["planned_disbursements"]
    assert [(p["value"], p["internal"]) for p in staff] == [("40000.00", False), (INTERNAL_VALUE, True)]


def test_staff_see_internal_rows_marked_internal(officer_client, money):
    project = officer_client.get(f"/api/v1/projects/{money.sdc.pk}/").json()
    internal = [row for row in project["budgets"] + project["transactions"] if row["internal"]]
    assert [(row["value"], row.get("description")) for row in internal] == [
        (INTERNAL_VALUE, None), (INTERNAL_VALUE, INTERNAL_TEXT),
    ]


@pytest.mark.parametrize(
    "persona, sees_internal",
    [("anonymous_client", False), ("sdc_client", False), ("sdc_token_client", False), ("ec_token_client", False),
     ("officer_client", True), ("officer_token_client", True)],
)
def test_internal_money_reaches_staff_only_in_every_api_response(request, money, persona, sees_internal):
    """Acceptance: a donor user, a donor token and an anonymous caller never see internal money
    in the list, the detail, a stats sum, the CSV or the XML; staff do."""
    client = request.getfixturevalue(persona)
    pk = money.sdc.pk
    for url in ("/api/v1/projects/?page_size=200", f"/api/v1/projects/{pk}/", f"/api/v1/projects/{pk}/iati.xml",
                "/api/v1/iati/activities.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response)
        assert (INTERNAL_VALUE in text) == sees_internal, url
        assert (INTERNAL_TEXT in text) == sees_internal, url
    # The sums: the internal expenditure counts for staff only, in the total, in its group and in the CSV.
    internal = Decimal(INTERNAL_VALUE) if sees_internal else 0
    stats = client.get("/api/v1/stats/", {"group_by": "donor", "currency": "USD"}).json()
    assert Decimal(stats["total"]["money"]["spent"]["amount"]) == Decimal("12345.67") + EC_SPENT_USD + internal
    sdc = next(group for group in stats["groups"] if group["key"] == "SDC")
    assert Decimal(sdc["money"]["spent"]["amount"]) == Decimal("12345.67") + internal
    row = csv_rows(client.get("/api/v1/projects/", {"format": "csv"}))[money.sdc.slug]
    assert Decimal(row["spent_usd"]) == Decimal("12345.67") + internal


def test_stats_sum_budget_committed_disbursed_and_spent_per_group_in_the_default_currency(api_client, money):
    stats = api_client.get("/api/v1/stats/", {"group_by": "donor"}).json()

    assert stats["currency"] == "USD"
    groups = {group["key"]: group for group in stats["groups"]}
    sdc, ec = groups["SDC"]["money"], groups["EC"]["money"]
    assert {name: sdc[name]["amount"] for name in sdc} == {
        "budget": str(SDC_BUDGET_USD), "committed": "90000.00", "disbursed": "30000.00", "spent": "12345.67",
    }
    assert SDC_BUDGET_USD == Decimal("195570.41")
    assert (ec["budget"]["amount"], ec["spent"]["amount"]) == (str(EC_BUDGET_USD), str(EC_SPENT_USD))
    assert sdc["budget"] == {
        "amount": "195570.41", "counted": 2, "left_out": 0, "rates_from": "2024-01-05", "rates_to": "2024-01-08",
        "source": SOURCE, "note": sdc["budget"]["note"],
    }
    assert SOURCE in sdc["budget"]["note"] and "2024-01-05 to 2024-01-08" in sdc["budget"]["note"]
    assert sdc["spent"]["rates_from"] is None and sdc["spent"]["note"] == ""  # already in USD
    # Groups without money say zero, counting nothing; the count output is unchanged.
    others = [group for key, group in groups.items() if key not in {"SDC", "EC"}]
    assert others and all(group["money"]["budget"]["amount"] == "0.00" for group in others)
    assert all(group["money"]["budget"]["counted"] == 0 for group in others)
    assert stats["total"]["projects"] == 21 and groups["SDC"]["projects"] == 5
    total = stats["total"]["money"]
    assert Decimal(total["budget"]["amount"]) == cents(
        Decimal("120000.00") / CHF[D(2024, 1, 5)] * USD[D(2024, 1, 5)] + Decimal("50000.00") * USD[D(2024, 1, 8)]
        + Decimal("1000.50") / Decimal("0.8610") * USD[D(2024, 1, 5)]
    )


def test_stats_convert_to_the_currency_asked_in_any_case(api_client, money):
    stats = api_client.get("/api/v1/stats/", {"group_by": "region", "currency": "eur"}).json()
    assert stats["currency"] == "EUR"
    budget = stats["total"]["money"]["budget"]
    expected = cents(Decimal("120000.00") / CHF[D(2024, 1, 5)] + Decimal("50000.00")
                     + Decimal("1000.50") / Decimal("0.8610"))
    assert Decimal(budget["amount"]) == expected
    assert budget["note"].startswith("Converted to EUR")


@pytest.mark.parametrize("value", ["XYZ", "US", "dollars", "12"])
def test_an_unknown_currency_is_a_400_naming_currency(api_client, money, value):
    for url in ("/api/v1/stats/", "/api/v1/projects/", "/api/v1/projects/?format=csv"):
        response = api_client.get(url, {"currency": value})
        assert response.status_code == 400, url
        assert list(response.json()) == ["currency"]


def test_an_amount_that_cannot_be_converted_is_left_out_and_counted_in_the_note(api_client, money):
    from finance.models import Budget

    Budget.objects.create(project=money.ec, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31), value=5,
                          currency="XOF", value_date=D(2024, 1, 5))  # the rates file has no XOF
    budget = api_client.get("/api/v1/stats/", {"group_by": "donor"}).json()["total"]["money"]["budget"]
    assert budget["left_out"] == 1 and budget["counted"] == 3
    assert "1 amount could not be converted and is not counted." in budget["note"]
    row = csv_rows(api_client.get("/api/v1/projects/", {"format": "csv"}))[money.ec.slug]
    assert row["amounts_not_converted"] == "1"


def test_stats_by_year_count_budgets_by_period_and_transactions_by_date(api_client, money):
    stats = api_client.get("/api/v1/stats/", {"group_by": "year"}).json()
    years = {group["key"]: group for group in stats["groups"]}
    # The annex's projects ended long before: these years hold money and no running project.
    assert (years["2024"]["projects"], years["2025"]["projects"]) == (0, 0)
    assert Decimal(years["2025"]["money"]["budget"]["amount"]) == cents(Decimal("50000.00") * USD[D(2024, 1, 8)])
    assert years["2024"]["money"]["committed"]["amount"] == "90000.00"
    assert [group["key"] for group in stats["groups"]] == sorted((g["key"] for g in stats["groups"]), key=int)


def test_stats_by_status_and_region_hold_the_money_of_their_projects(api_client, money):
    by_status = api_client.get("/api/v1/stats/", {"group_by": "status"}).json()
    closed = next(group for group in by_status["groups"] if group["key"] == "4")
    assert Decimal(closed["money"]["budget"]["amount"]) == Decimal(by_status["total"]["money"]["budget"]["amount"]) > 0
    by_region = api_client.get("/api/v1/stats/", {"group_by": "region"}).json()
    region = money.sdc.region.code if money.sdc.region else "global"
    group = next(group for group in by_region["groups"] if group["key"] == region)
    assert group["money"]["committed"]["amount"] == "90000.00"


def test_the_csv_has_money_columns_named_with_their_currency(api_client, money):
    text = body(api_client.get("/api/v1/projects/", {"format": "csv"}))
    rows = csv_rows(text)
    header = text.splitlines()[0].split(",")
    assert header[-5:] == ["budget_usd", "committed_usd", "disbursed_usd", "spent_usd", "amounts_not_converted"]
    sdc = rows[money.sdc.slug]
    assert (sdc["budget_usd"], sdc["committed_usd"], sdc["disbursed_usd"], sdc["spent_usd"]) == (
        str(SDC_BUDGET_USD), "90000.00", "30000.00", "12345.67",
    )
    assert (rows[money.ec.slug]["budget_usd"], rows[money.ec.slug]["committed_usd"]) == (str(EC_BUDGET_USD), "0.00")
    without = [row for slug, row in rows.items() if slug not in {money.sdc.slug, money.ec.slug}]
    assert len(without) == 19 and all(row["budget_usd"] == row["amounts_not_converted"] == "" for row in without)

    chf = body(api_client.get("/api/v1/projects/", {"format": "csv", "currency": "CHF"}))
    assert "budget_chf" in chf.splitlines()[0]
    chf_of_8_january = Decimal("0.9307")
    budget = cents(Decimal("120000.00") + Decimal("50000.00") * chf_of_8_january)
    assert csv_rows(chf)[money.sdc.slug]["budget_chf"] == str(budget)
