"""The physical limit of the exports on PostgreSQL: `COPY ... TO STDOUT` of what they read; prints one JSON line.

Run by benchmarks/run.py with DATABASE_URL set (issue 18). For each export, `tables_s` is the time
to copy every table it reads once, summed (the rows it needs cannot come faster); `query_s` copies the
export's own queries over every published project at once (the rows, then each to-many list grouped
by project, as api.selectors.lists_of() reads a chunk, and for the CSV its two money sums per project,
currency and value date as finance.selectors.money_by(by="id") reads a chunk; not the XML's
results and documents); `single_query_s` copies the former
export query (every list a correlated subquery in the project's row: with_lists()) for comparison.
"""
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from classifications.selectors import CLASSIFICATION_LISTS  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402

from finance.selectors import (  # noqa: E402
    MONEY_LISTS_PUBLIC, SPENDING_TYPES, budgets_counted, budgets_visible, transactions_visible,
)
from projects.selectors import RELATED_LISTS, ROW_SELECT, project_visible, with_lists  # noqa: E402

CSV_TABLES = [
    "projects_project", "regions_region", "projects_project_countries", "regions_country", "projects_funding",
    "donors_donor", "projects_projectpartner", "donors_partner", "projects_project_corridors", "regions_corridor",
    "projects_objective", "finance_budget", "finance_transaction",
]
XML_TABLES = [
    *CSV_TABLES, "finance_planneddisbursement", "classifications_projectsector", "classifications_projectpolicymarker",
    "documents_document", "results_result", "results_indicator", "results_dimension",
    "results_period", "results_dimensiontarget", "results_update",
]


# The projects' own columns (as api.selectors.COLUMNS): the lists are read by their own queries.
COLUMNS = {name: path for name, path in ROW_SELECT.items() if name not in RELATED_LISTS}
# The lists the XML adds to a public caller's rows (api.views.api_lists).
XML_LISTS = {**MONEY_LISTS_PUBLIC, **CLASSIFICATION_LISTS}


def copy_seconds(sql: str) -> float:
    """Time `COPY (sql) TO STDOUT`, every block read and dropped."""
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
        for _block in copy:
            pass
    return time.monotonic() - started


def inline(queryset) -> str:
    """The SQL of `queryset` with its parameters inlined (COPY takes none)."""
    sql, params = queryset.query.sql_with_params()
    return psycopg.ClientCursor(connection.connection).mogrify(sql, params)


def grouped_list_sql(related, projects_sql: str) -> str:
    """lists_of()'s PostgreSQL query for every project of `projects_sql` (a query of ids) at once."""
    value = related.values[0] if related.item is str else f"json_build_array({', '.join(related.values)})"
    source = f"projects_project p, {related.source.format(project='p.id')} AND p.id IN ({projects_sql})"
    return f"SELECT p.id, json_agg({value} ORDER BY {', '.join(related.order)})::text FROM {source} GROUP BY p.id"


def money_sums(projects) -> list:
    """The CSV's money queries (finance.selectors.money_grouped keyed by project) over every published project."""
    ids = projects.order_by().values("pk")
    sums = {"amount": Sum("value"), "rows": Count("id")}
    return [
        budgets_counted(budgets_visible(None).filter(project__in=ids)).order_by()
        .values_list("project__id", "currency", "value_date").annotate(**sums),
        transactions_visible(None).filter(project__in=ids, transaction_type__in=SPENDING_TYPES).order_by()
        .values_list("transaction_type", "project__id", "currency", "value_date").annotate(**sums),
    ]


def main() -> dict:
    connection.ensure_connection()
    projects = project_visible(user=None)
    ids = inline(projects.order_by().values("id"))
    rows = copy_seconds(inline(projects.values_list(*COLUMNS.values())))
    lists = {name: copy_seconds(grouped_list_sql(related, ids)) for name, related in RELATED_LISTS.items()}
    xml_lists = {name: copy_seconds(grouped_list_sql(related, ids)) for name, related in XML_LISTS.items()}
    single = {
        "csv": inline(with_lists(projects).values_list(*ROW_SELECT.values())),
        "xml": inline(with_lists(projects, XML_LISTS).values_list(*ROW_SELECT.values(), *(f"{n}_json" for n in XML_LISTS))),
    }
    money = sum(copy_seconds(inline(query)) for query in money_sums(projects))
    tables = {name: copy_seconds(f"SELECT * FROM {name}") for name in XML_TABLES}
    return {
        "tables": {name: round(seconds, 3) for name, seconds in tables.items()},
        "csv": {"tables_s": round(sum(tables[name] for name in CSV_TABLES), 3),
                "query_s": round(rows + sum(lists.values()) + money, 3), "money_s": round(money, 3),
                "single_query_s": round(copy_seconds(single["csv"]), 3)},
        "xml": {"tables_s": round(sum(tables.values()), 3),
                "query_s": round(rows + sum(lists.values()) + sum(xml_lists.values()), 3),
                "single_query_s": round(copy_seconds(single["xml"]), 3)},
    }


if __name__ == "__main__":
    print(json.dumps(main()))
