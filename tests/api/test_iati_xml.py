"""The IATI XML endpoints (the writer itself: tests/iati/)."""
import pytest
from lxml import etree

from projects.models import Project

pytestmark = pytest.mark.django_db


def xml_of(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(b"".join(response.streaming_content))


def test_activities_xml_has_every_visible_project(api_client, annex):
    document = xml_of(api_client.get("/api/v1/iati/activities.xml"))
    assert document.get("version") == "2.03"
    assert len(document.findall("iati-activity")) == 21


def test_filtered_activities_xml_has_only_matching_projects(api_client, annex):
    document = xml_of(api_client.get("/api/v1/iati/activities.xml", {"donor": "SDC"}))
    assert len(document.findall("iati-activity")) == 5


def test_project_xml_is_one_activity_named_by_its_identifier(api_client, annex):
    gap = Project.objects.get(slug="gap-migrant-domestic-workers")
    response = api_client.get(f"/api/v1/projects/{gap.pk}/iati.xml")
    assert response["Content-Disposition"] == 'inline; filename="XM-DAC-41302-gap-migrant-domestic-workers.xml"'
    activities = xml_of(response).findall("iati-activity")
    assert [a.findtext("iati-identifier") for a in activities] == ["XM-DAC-41302-gap-migrant-domestic-workers"]


def test_bad_filter_on_xml_is_a_json_400(api_client, annex):
    response = api_client.get("/api/v1/iati/activities.xml", {"country": "Nepal"})
    assert response.status_code == 400
    assert "country" in response.json()
