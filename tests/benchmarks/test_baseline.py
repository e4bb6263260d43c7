"""The raw-SQL baselines answer with the same projects as the product (PostgreSQL only, as the benchmark)."""
import pytest
from django.core.cache import cache
from django.test import RequestFactory

from benchmarks import baseline
from benchmarks.synthetic import portfolio_generate

# The baselines are PostgreSQL SQL, as is the benchmark: tests/conftest.py runs
# these in the PostgreSQL pass of the test command and leaves them out of the SQLite one.
pytestmark = [pytest.mark.django_db, pytest.mark.postgresql_only]

QUERIES = [{}, {"donor": "SDC"}, {"country": "NP"}, {"active_on": "2015-06-30"}, {"search": "domestic"}, {"page": "3"}]


@pytest.mark.parametrize("query", QUERIES)
def test_list_baseline_returns_the_api_page(client, annex, query):
    portfolio_generate(projects=200, seed=1)
    cache.clear()
    api = client.get("/api/v1/projects/", query).json()
    raw = baseline._json_loads(baseline.project_list(RequestFactory().get("/", query)).content)

    assert raw["count"] == api["count"]
    assert [p["id"] for p in raw["results"]] == [p["id"] for p in api["results"]]


@pytest.mark.parametrize("group_by", ["donor", "country"])
def test_stats_baseline_returns_the_api_counts(client, annex, group_by):
    portfolio_generate(projects=200, seed=1)
    cache.clear()
    api = client.get("/api/v1/stats/", {"group_by": group_by}).json()
    raw = baseline._json_loads(baseline.stats(RequestFactory().get("/", {"group_by": group_by})).content)

    # The baseline answers the counts and funding; the money (issue 13) is the product's alone so far.
    assert raw["total"] == {name: api["total"][name] for name in ("projects", "funding")}
    assert [(g["key"], g["projects"], g["funding"]) for g in raw["groups"]] == [
        (g["key"], g["projects"], g["funding"]) for g in api["groups"]
    ]
