"""A request's query count does not grow with the page size or the number of projects."""
import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db

# the page with its count (one query: ids first, count as a scalar subquery), each project's
# countries, donors, partners, corridors and objectives aggregated in that query (with_lists)
LIST_QUERIES = 1
DETAIL_QUERIES = 1
STATS_QUERIES = {"region": 4, "donor": 4, "country": 4, "status": 4, "year": 5}


@pytest.mark.parametrize("page_size", [2, 15, 200])
def test_project_list_query_count_is_fixed(api_client, annex, django_assert_num_queries, page_size):
    with django_assert_num_queries(LIST_QUERIES):
        response = api_client.get("/api/v1/projects/", {"page_size": page_size, "status": "4"})
    data = response.json()
    assert len(data["results"]) == min(page_size, data["count"]) and data["count"] > 2


@pytest.mark.parametrize("slug", ["sri-lanka-labour-migration-policy-2", "gap-migrant-domestic-workers"])
def test_project_detail_query_count_is_fixed(api_client, annex, django_assert_num_queries, slug):
    pk = Project.objects.get(slug=slug).pk
    with django_assert_num_queries(DETAIL_QUERIES):
        assert api_client.get(f"/api/v1/projects/{pk}/").status_code == 200


@pytest.mark.parametrize("group_by", sorted(STATS_QUERIES))
@pytest.mark.parametrize("region", ["arab-states", "arab-states,asia-pacific,africa,global"])
def test_stats_query_count_is_fixed(api_client, annex, django_assert_num_queries, group_by, region):
    with django_assert_num_queries(STATS_QUERIES[group_by]):
        assert api_client.get("/api/v1/stats/", {"group_by": group_by, "region": region}).status_code == 200


@pytest.mark.parametrize("page_size", [2, 15])
def test_token_caller_adds_only_the_token_lookup(sdc_token_client, django_assert_num_queries, page_size):
    sdc_token_client.get("/api/v1/regions/")  # records last use once
    with django_assert_num_queries(LIST_QUERIES + 1):
        sdc_token_client.get("/api/v1/projects/", {"page_size": page_size})


# The IATI XML also reads the results of each batch of 500 projects (one query when they have none).
@pytest.mark.parametrize(("path", "queries"), [("/api/v1/projects/?format=csv", 1), ("/api/v1/iati/activities.xml", 2)])
def test_exports_are_one_query(api_client, annex, django_assert_num_queries, path, queries):
    with django_assert_num_queries(queries):
        response = api_client.get(path)
        b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in response.streaming_content)
