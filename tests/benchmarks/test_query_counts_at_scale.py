"""The list API, stats, dashboard and admin changelist run as many queries over 200 more projects as over the annex."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.synthetic import portfolio_generate

pytestmark = pytest.mark.django_db

N = 200
PAGES = [
    "/api/v1/projects/",
    "/api/v1/projects/?page_size=100",
    "/api/v1/projects/?country=NP",
    "/api/v1/projects/?donor=SDC&active_on=2015-06-30",
    "/api/v1/projects/?search=migrant",
    "/api/v1/stats/?group_by=donor",
    "/api/v1/stats/?group_by=country",
    "/",
    "/?page=2",
]


def query_counts(client, paths):
    counts = {}
    for path in paths:
        cache.clear()  # throttle buckets
        client.get(path)  # warm per-process caches (content types, permissions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(queries)
    return counts


def test_public_pages_query_count_does_not_grow_with_the_portfolio(client, annex):
    from tests.dashboards.test_queries import DASHBOARD_CACHED_QUERIES

    before = query_counts(client, PAGES)
    portfolio_generate(projects=N, seed=1)
    after = query_counts(client, PAGES)
    portfolio_generate(projects=N, seed=2)

    assert query_counts(client, PAGES) == after
    # Issue 18: the measured request repeats the warming one, so the dashboard's and stats/' figures come
    # from the facts' cache (money or not); the dashboard's uncached counts are pinned in tests/dashboards.
    assert after == before
    assert after["/"] == DASHBOARD_CACHED_QUERIES


def test_admin_changelist_query_count_does_not_grow_with_the_portfolio(officer_client, annex):
    paths = ["/admin/projects/project/", "/admin/projects/project/?p=2"]
    before = query_counts(officer_client, paths[:1])
    portfolio_generate(projects=N, seed=1)

    after = query_counts(officer_client, paths)
    assert after == {path: before[paths[0]] for path in paths}
