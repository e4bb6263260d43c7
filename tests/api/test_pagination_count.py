"""Issue 18: above API_EXACT_COUNT_LIMIT matches a list counts only that many and says so; next links stay right.

The annex's 21 published projects stand in for a large portfolio by lowering the limit.
Runs on SQLite and PostgreSQL (the capped count is one SQL subquery on both).
"""
import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db


def _ids_by_following_next(client, first_url):
    ids, url, pages = [], first_url, []
    while url:
        page = client.get(url).json()
        pages.append(page)
        ids += [row["id"] for row in page["results"]]
        url = page["next"]
    return ids, pages


def test_above_the_limit_the_count_is_a_lower_bound_and_says_so(api_client, annex, settings):
    settings.API_EXACT_COUNT_LIMIT = 5
    first = api_client.get("/api/v1/projects/", {"page_size": 4}).json()
    assert first["count_exact"] is False
    assert first["count"] == 5  # more than 5 match (21 do)
    assert len(first["results"]) == 4 and first["next"] and first["previous"] is None


def test_next_links_reach_every_project_and_the_last_page_knows_the_exact_count(api_client, annex, settings):
    settings.API_EXACT_COUNT_LIMIT = 5
    ids, pages = _ids_by_following_next(api_client, "/api/v1/projects/?page_size=4")
    assert len(ids) == len(set(ids)) == 21 == Project.objects.filter(is_published=True).count()
    assert [page["count_exact"] for page in pages] == [False] * 5 + [True]
    # A lower bound never exceeds the truth and never falls below what the pages already showed.
    assert [page["count"] for page in pages] == [5, 8, 12, 16, 20, 21]
    assert pages[-1]["next"] is None and pages[-1]["previous"]
    assert api_client.get("/api/v1/projects/", {"page_size": 4, "page": 7}).status_code == 404


def test_count_exact_on_request(api_client, annex, settings):
    settings.API_EXACT_COUNT_LIMIT = 5
    data = api_client.get("/api/v1/projects/", {"page_size": 4, "count": "exact"}).json()
    assert data["count"] == 21 and data["count_exact"] is True
    assert "count=exact" in data["next"]  # the next page keeps the caller's choice


@pytest.mark.parametrize(("limit", "exact"), [(0, True), (20, False), (21, True), (10_000, True)])
def test_the_count_is_exact_up_to_the_limit(api_client, annex, settings, limit, exact):
    settings.API_EXACT_COUNT_LIMIT = limit
    data = api_client.get("/api/v1/projects/", {"page_size": 4}).json()
    assert data["count_exact"] is exact
    assert data["count"] == (21 if exact else 20)


def test_a_filtered_list_counts_its_matches(api_client, annex, settings):
    settings.API_EXACT_COUNT_LIMIT = 3
    asia = Project.objects.filter(is_published=True, region__code="asia-pacific").count()
    assert asia > 4
    data = api_client.get("/api/v1/projects/", {"region": "asia-pacific", "page_size": 2}).json()
    assert (data["count"], data["count_exact"]) == (3, False)
    exact = api_client.get("/api/v1/projects/", {"region": "asia-pacific", "count": "exact"}).json()
    assert (exact["count"], exact["count_exact"]) == (asia, True)
    ids, _pages = _ids_by_following_next(api_client, "/api/v1/projects/?region=asia-pacific&page_size=2")
    assert len(set(ids)) == asia


@pytest.mark.parametrize("params", [{"donor": "XYZ"}, {"region": "nowhere"}])
def test_an_empty_list_counts_zero_exactly(api_client, annex, settings, params):
    settings.API_EXACT_COUNT_LIMIT = 5
    data = api_client.get("/api/v1/projects/", params).json()
    assert data == {"count": 0, "count_exact": True, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize("exact", [False, True])
def test_still_one_query_per_page(api_client, annex, settings, django_assert_num_queries, exact):
    settings.API_EXACT_COUNT_LIMIT = 5
    with django_assert_num_queries(1):
        response = api_client.get("/api/v1/projects/", {"page_size": 4, **({"count": "exact"} if exact else {})})
    assert response.json()["count_exact"] is exact


@pytest.mark.parametrize("value", ["", "EXACT", "estimate", "1"])
def test_a_count_other_than_exact_is_a_400(api_client, annex, value):
    response = api_client.get("/api/v1/projects/", {"count": value})
    assert response.status_code == 400 and "count" in response.json()


def test_count_given_twice_is_a_400(api_client, annex):
    assert api_client.get("/api/v1/projects/?count=exact&count=exact").status_code == 400
    assert api_client.get("/api/v1/projects/?format=csv&count=sometimes").status_code == 400


def test_reference_lists_share_the_envelope(api_client, annex, settings):
    settings.API_EXACT_COUNT_LIMIT = 100
    countries = api_client.get("/api/v1/countries/").json()
    assert countries["count_exact"] is False and countries["count"] == 100 and countries["next"]
    assert api_client.get("/api/v1/countries/", {"count": "exact"}).json()["count"] > 200


def test_the_schema_documents_the_flag_and_the_parameter(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    envelope = schema["components"]["schemas"]["PaginatedProjectList"]
    assert envelope["properties"]["count_exact"]["type"] == "boolean"
    assert "count_exact" in envelope["required"] and "lower bound" in envelope["properties"]["count"]["description"]
    parameters = schema["paths"]["/api/v1/projects/"]["get"]["parameters"]
    count = next(p for p in parameters if p["name"] == "count")
    assert count["schema"]["enum"] == ["exact"]
