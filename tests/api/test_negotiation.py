"""A representation an endpoint cannot serve is a 406 in JSON, never a 500 (README, "API")."""
import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db

XML_ENDPOINTS = ["/api/v1/iati/activities.xml", "/api/v1/projects/{pk}/iati.xml"]
NOT_XML = [
    ({"HTTP_ACCEPT": "application/json"}, {}),
    ({"HTTP_ACCEPT": "text/csv"}, {}),
    ({"HTTP_ACCEPT": "text/html"}, {}),
    ({}, {"format": "json"}),
    ({}, {"format": "csv"}),
]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _url(template):
    return template.format(pk=Project.objects.get(slug="gap-migrant-domestic-workers").pk)


@pytest.mark.parametrize("headers,params", NOT_XML, ids=["json", "csv", "html", "format=json", "format=csv"])
@pytest.mark.parametrize("endpoint", XML_ENDPOINTS, ids=["activities", "project"])
def test_xml_endpoints_answer_406_in_json_to_a_format_they_cannot_serve(api_client, annex, endpoint, headers, params):
    response = api_client.get(_url(endpoint), params, **headers)

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert "application/xml" in response.json()["detail"]


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "*/*", "application/xml", None])
@pytest.mark.parametrize("endpoint", XML_ENDPOINTS, ids=["activities", "project"])
def test_xml_endpoints_serve_xml_to_clients_that_accept_it(api_client, annex, endpoint, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api_client.get(_url(endpoint), **headers)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert b"<iati-activity " in b"".join(response.streaming_content)


def test_errors_of_an_xml_endpoint_are_json(api_client, annex):
    response = api_client.get("/api/v1/iati/activities.xml", {"country": "Nepal"}, HTTP_ACCEPT="application/xml")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "country" in response.json()


@pytest.mark.parametrize(
    "endpoint", ["/api/v1/projects/", "/api/v1/stats/", "/api/v1/donors/", "/api/v1/projects/{pk}/"]
)
def test_json_endpoints_answer_406_to_a_format_they_cannot_serve(api_client, annex, endpoint):
    for headers, params in [({"HTTP_ACCEPT": "application/xml"}, {}), ({}, {"format": "xml"})]:
        response = api_client.get(_url(endpoint), params, **headers)
        assert response.status_code == 406
        assert "application/json" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", [*XML_ENDPOINTS, "/api/v1/projects/"])
def test_a_format_the_api_does_not_know_is_a_400_naming_the_parameter(api_client, annex, endpoint):
    response = api_client.get(_url(endpoint), {"format": "pdf"})
    assert response.status_code == 400
    assert list(response.json()) == ["format"]
