"""Issue 18: the list's date filters walk the published index without reading project rows (PostgreSQL only)."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from projects.selectors import project_list

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql_only]


def test_published_index_carries_the_effective_dates_columns():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'project_published_idx'")
        (definition,) = cursor.fetchone()
    assert "(planned_start, id) INCLUDE (actual_start, actual_end, planned_end, status_override)" in definition
    assert "WHERE is_published" in definition


def test_active_on_page_ids_are_an_index_only_scan(annex):
    _filterset, projects = project_list(user=AnonymousUser(), params={"active_on": "2015-06-30"})
    sql, params = projects.values("pk")[:51].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # The annex is too small for the planner to prefer an index on its own: only whether it can read the
        # page's ids from this index alone (plain index scans, which other indexes offer and the statistics left
        # by earlier tests may favour, are off too).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using project_published_idx" in plan, plan
