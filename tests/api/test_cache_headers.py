"""A shared cache never hands one caller's API response to another (README, "API")."""
import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/projects/",
    "/api/v1/projects/?format=csv",
    "/api/v1/projects/{pk}/",
    "/api/v1/projects/{pk}/iati.xml",
    "/api/v1/iati/activities.xml",
    "/api/v1/stats/",
    "/api/v1/donors/",
    "/api/v1/projects/?page=99",  # errors too
]


def _get(client, template):
    pk = Project.objects.get(slug="gap-migrant-domestic-workers").pk
    return client.get(template.format(pk=pk))


def vary(response) -> set[str]:
    return {value.strip().lower() for value in response.get("Vary", "").split(",")}


def cache_control(response) -> set[str]:
    return {value.strip().lower() for value in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_token_callers_responses_are_private_and_vary_on_authorization(sdc_token_client, endpoint):
    response = _get(sdc_token_client, endpoint)
    assert "private" in cache_control(response)
    assert "authorization" in vary(response)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_session_users_responses_are_private_and_vary_on_the_cookie(officer_client, annex, endpoint):
    response = _get(officer_client, endpoint)
    assert "private" in cache_control(response)
    assert "cookie" in vary(response)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_responses_vary_on_the_credentials_they_were_made_without(api_client, annex, endpoint):
    response = _get(api_client, endpoint)
    assert {"authorization", "cookie"} <= vary(response)
    assert "private" not in cache_control(response)


def test_a_rejected_token_gets_a_private_answer_too(api_client, annex):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer pft_not-a-real-token")
    response = api_client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert "private" in cache_control(response)
    assert "authorization" in vary(response)
