"""Reads of the exports (CSV, XLSX, IATI XML of every matching project): a chunk of projects at a time.

projects.selectors.project_rows() reads a project's to-many lists in its own row (a correlated
subquery per list and project: one query, right for a page or a project). An export of a whole
portfolio instead streams the projects' columns through one query and reads the lists of each
chunk of CHUNK_SIZE projects together, one query per list, so memory follows the chunk and each
to-many table is read once, not once per project. The rows are the same ProjectRow values.
"""
from collections.abc import Iterator, Mapping
from itertools import batched, chain, groupby
from operator import itemgetter

from django.db import connection
from django.db.models import QuerySet

from projects.models import Project
from projects.selectors import RELATED_LISTS, ROW_SELECT, ProjectRow, RelatedList

CHUNK_SIZE = 2000
# An IATI row also carries its budgets, transactions and planned disbursements, parsed: smaller chunks
# keep its memory as low (the writer reads results and documents per 500 projects too).
XML_CHUNK_SIZE = 500
# The projects' own columns: ROW_SELECT without the lists, which lists_of() reads.
COLUMNS = {name: path for name, path in ROW_SELECT.items() if name not in RELATED_LISTS}


def lists_of(ids: list[int], lists: Mapping[str, RelatedList]) -> dict[str, dict[int, list]]:
    """{list name: {project id: items}} of the projects `ids`, one query per list: each to-many table is
    read once for them all, not by a subquery per project. Parsed from JSON as with_lists() gives it."""
    postgresql, found = connection.vendor == "postgresql", {}
    for name, related in lists.items():
        marks = ", ".join(["%s"] * len(ids))
        source = f"projects_project p, {related.source.format(project='p.id')} AND p.id IN ({marks})"
        values, order = ", ".join(related.values), ", ".join(related.order)
        if postgresql:
            value = values if related.item is str else f"json_build_array({values})"
            sql = f"SELECT p.id, json_agg({value} ORDER BY {order})::text FROM {source} GROUP BY p.id"
        else:  # each item as JSON, in order; joined below into the array json_group_array() would give
            value = f"json_quote({values})" if related.item is str else f"json_array({values})"
            sql = f"SELECT p.id, {value} FROM {source} ORDER BY p.id, {order}"
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            rows = cursor.fetchall()
        if not postgresql:
            rows = [(key, f"[{','.join(row[1] for row in group)}]") for key, group in groupby(rows, itemgetter(0))]
        found[name] = {project: related.parse(text) for project, text in rows}
    return found


def project_chunks(projects: QuerySet[Project], *, chunk_size: int | None = None,
                   extra: Mapping[str, RelatedList] | None = None) -> Iterator[list[ProjectRow]]:
    """The rows of projects.selectors.project_rows(), a chunk at a time: the projects' columns stream
    through one query (a server-side cursor on PostgreSQL), then each chunk reads its lists (lists_of()).

    `projects` come from project_list()/project_visible() (with `status_code`), in their order;
    `extra` lists (finance.selectors.money_lists(), ...) land in `ProjectRow.extra`.
    """
    extra, chunk_size = extra or {}, chunk_size or CHUNK_SIZE
    rows = projects.values_list(*COLUMNS.values()).iterator(chunk_size=chunk_size)
    for chunk in batched(rows, chunk_size):
        found = lists_of([row[0] for row in chunk], {**RELATED_LISTS, **extra})
        yield [
            ProjectRow(
                **dict(zip(COLUMNS, row, strict=True)),
                **{name: found[name].get(row[0], []) for name in RELATED_LISTS},
                extra={name: found[name].get(row[0], []) for name in extra},
            )
            for row in chunk
        ]


def export_project_rows(projects: QuerySet[Project], *, chunk_size: int | None = None,
                        extra: Mapping[str, RelatedList] | None = None) -> Iterator[ProjectRow]:
    """project_chunks() of XML_CHUNK_SIZE projects, one row after another (for iati.writer.activities_stream())."""
    return chain.from_iterable(project_chunks(projects, chunk_size=chunk_size or XML_CHUNK_SIZE, extra=extra))
