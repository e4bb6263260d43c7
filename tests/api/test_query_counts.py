"""A request's query count does not grow with the page size or the number of projects.

Every count is taken with money (tests/money.py): budgets and transactions ride in the list
query; stats/ and the CSV add a fixed number of money queries.
"""
import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db

# the page with its count (one query: ids first, count as a scalar subquery), each project's
# countries, donors, partners, corridors, objectives, budgets and transactions aggregated in that
# query (with_lists)
LIST_QUERIES = 1
DETAIL_QUERIES = 1
# the money of the total and of the groups: budgets and transactions, two queries each (finance.selectors.money_grouped)
MONEY_QUERIES = 4
# stats/ also counts indicators on and off track: their verdicts (3) and the projects' groups (1).
TRACK_QUERIES = 4
STATS_QUERIES = {"region": 4 + MONEY_QUERIES + TRACK_QUERIES, "donor": 4 + MONEY_QUERIES + TRACK_QUERIES,
                 "country": 4 + MONEY_QUERIES + TRACK_QUERIES, "status": 4 + MONEY_QUERIES + TRACK_QUERIES,
                 "year": 5 + MONEY_QUERIES + TRACK_QUERIES}
# One chunk of projects (api.selectors.CHUNK_SIZE, XML_CHUNK_SIZE): the rows (one streamed query), then per chunk
# its countries, donors, partners, corridors and objectives (one query each), and the CSV's money of the
# chunk (two) or the XML's budgets, transactions, planned disbursements, sectors and policy markers (five).
# The IATI XML also reads the results of each batch of 500 projects (one query when they have none)
# and their public documents (one query). tests/api/test_export_chunks.py pins the queries per chunk.
EXPORT_QUERIES = {"/api/v1/projects/?format=csv": 1 + 5 + 2, "/api/v1/iati/activities.xml": 1 + 5 + 5 + 1 + 1}


@pytest.mark.parametrize("page_size", [2, 15, 200])
def test_project_list_query_count_is_fixed(api_client, money, django_assert_num_queries, page_size):
    with django_assert_num_queries(LIST_QUERIES):
        response = api_client.get("/api/v1/projects/", {"page_size": page_size, "status": "4"})
    data = response.json()
    assert len(data["results"]) == min(page_size, data["count"]) and data["count"] > 2
    assert any(project["budgets"] and project["transactions"] for project in data["results"]) == (page_size > 2)


@pytest.mark.parametrize("slug", ["sri-lanka-labour-migration-policy-2", "gap-migrant-domestic-workers",
                                  "bangladesh-migration-policy"])
def test_project_detail_query_count_is_fixed(api_client, money, django_assert_num_queries, slug):
    pk = Project.objects.get(slug=slug).pk
    with django_assert_num_queries(DETAIL_QUERIES):
        response = api_client.get(f"/api/v1/projects/{pk}/")
    assert response.status_code == 200
    assert bool(response.json()["transactions"]) == (slug == "bangladesh-migration-policy")


@pytest.mark.parametrize("group_by", sorted(STATS_QUERIES))
@pytest.mark.parametrize("region", ["arab-states", "arab-states,asia-pacific,africa,global"])
def test_stats_query_count_is_fixed(api_client, money, django_assert_num_queries, group_by, region):
    with django_assert_num_queries(STATS_QUERIES[group_by]):
        response = api_client.get("/api/v1/stats/", {"group_by": group_by, "region": region, "currency": "EUR"})
    assert response.status_code == 200
    assert (response.json()["total"]["money"]["budget"]["amount"] != "0.00") == (region != "arab-states")


@pytest.mark.parametrize("page_size", [2, 15])
def test_token_caller_adds_only_the_token_lookup(sdc_token_client, django_assert_num_queries, page_size):
    sdc_token_client.get("/api/v1/regions/")  # records last use once
    with django_assert_num_queries(LIST_QUERIES + 1):
        sdc_token_client.get("/api/v1/projects/", {"page_size": page_size})


@pytest.mark.parametrize("path", sorted(EXPORT_QUERIES))
def test_exports_query_count_is_fixed(api_client, money, django_assert_num_queries, path):
    with django_assert_num_queries(EXPORT_QUERIES[path]):
        response = api_client.get(path)
        text = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in response.streaming_content)
    assert b"12345.67" in text  # an expenditure (XML) and its project's spending (CSV)
