"""Exports of a project list (CSV here, IATI XML in projects.iati), streamed from one query.

`export_rows()` reads every matching project in a single query: the project's
columns plus its to-many lists (countries, donors, partners, corridors,
objectives), each aggregated in the database into a JSON array by a correlated
subquery. On PostgreSQL the rows come from a server-side cursor in chunks, so
100,000 projects stream in one query, with no model instances and flat memory.

CSV: one row per project, multi-valued fields joined with "; ".
"""
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import orjson
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields import TextField

from projects.models import ActivityStatus

CSV_COLUMNS = [
    "id", "slug", "title", "short_name", "status_code", "status", "scope", "region", "countries",
    "planned_start", "planned_end", "actual_start", "actual_end", "donors", "partners", "corridors", "objectives",
]
JOIN = "; "
CHUNK_SIZE = 2000

# Each to-many list: (values, FROM ... WHERE <link>.project_id = <project>.id, ORDER BY) as the API's
# prefetches order them (Country and Corridor Meta ordering, fundings by donor acronym,
# ProjectPartner Meta ordering, objectives by order).
RELATED = {
    "countries_json": (
        ["c.code", "c.name"],
        "projects_project_countries pc JOIN regions_country c ON c.id = pc.country_id WHERE pc.project_id = {project}",
        ["c.name"],
    ),
    "donors_json": (
        ["d.acronym", "d.name", "d.iati_ref", "d.kind", "d.id", "CAST(f.amount AS TEXT)", "f.currency"],
        "projects_funding f JOIN donors_donor d ON d.id = f.donor_id WHERE f.project_id = {project}",
        ["d.acronym"],
    ),
    "partners_json": (
        ["pa.acronym", "pa.name", "pa.iati_ref", "pa.kind", "pp.role", "pa.id"],
        "projects_projectpartner pp JOIN donors_partner pa ON pa.id = pp.partner_id WHERE pp.project_id = {project}",
        ["pp.role", "pa.name"],
    ),
    "corridors_json": (
        ["o.code", "de.code", "o.name", "de.name"],
        "projects_project_corridors pco JOIN regions_corridor co ON co.id = pco.corridor_id"
        " JOIN regions_country o ON o.id = co.origin_id JOIN regions_country de ON de.id = co.destination_id"
        " WHERE pco.project_id = {project}",
        ["o.name", "de.name"],
    ),
    "objectives_json": (["ob.text"], 'projects_objective ob WHERE ob.project_id = {project}', ['ob."order"']),
}


def _json_list_sql(values: list[str], source: str, order: list[str], vendor: str) -> str:
    """A correlated subquery giving the rows of `source` as a JSON array (text) of arrays, in `order`."""
    project = '"projects_project"."id"'
    source = source.format(project=project)
    if vendor == "postgresql":
        return (
            f"COALESCE((SELECT json_agg(json_build_array({', '.join(values)}) ORDER BY {', '.join(order)})"
            f" FROM {source})::text, '[]')"
        )
    # SQLite (and others): aggregate over an ordered subquery (no ORDER BY inside aggregates before SQLite 3.44).
    names = [f"v{i}" for i in range(len(values))]
    selected = ", ".join(f"{value} AS {name}" for value, name in zip(values, names, strict=True))
    return (
        f"(SELECT json_group_array(json_array({', '.join(names)}))"
        f" FROM (SELECT {selected} FROM {source} ORDER BY {', '.join(order)}))"
    )


FIELDS = (
    "id", "slug", "title", "short_name", "summary", "scope", "status_code", "updated_at",
    "planned_start", "planned_end", "actual_start", "actual_end",
    "region__code", "region__name", "region__iati_code",
)


@dataclass(slots=True)
class ExportRow:
    """A project as the exports read it: its columns and its to-many lists, in the API's order."""

    id: int
    slug: str
    title: str
    short_name: str
    summary: str
    scope: str
    status_code: int
    updated_at: object
    planned_start: object
    planned_end: object
    actual_start: object
    actual_end: object
    region_code: str | None
    region_name: str | None
    region_iati_code: str | None
    countries: list  # [code, name]
    donors: list  # [acronym, name, iati_ref, kind, id, amount as text or None, currency]
    partners: list  # [acronym, name, iati_ref, kind, role, id]
    corridors: list  # [origin code, destination code, origin name, destination name]
    objectives: list  # [text]

    @property
    def status(self) -> ActivityStatus:
        return ActivityStatus(self.status_code)


def with_lists(projects: QuerySet) -> QuerySet:
    """`projects` annotated with their to-many lists as JSON text (`countries_json`, `donors_json`, ...).

    The API's pages and the exports read related rows this way rather than by prefetching:
    no model instance per country, funding or partner, and no extra query.
    """
    vendor = connection.vendor
    return projects.annotate(**{
        name: RawSQL(_json_list_sql(values, source, order, vendor), (), output_field=TextField())
        for name, (values, source, order) in RELATED.items()
    })


def _parsed(values) -> tuple[list, ...]:
    loads = orjson.loads
    return tuple(loads(value) if value else [] for value in values)


def related_lists(project) -> tuple[list, ...]:
    """The parsed lists of a project from with_lists(), in RELATED's order."""
    return _parsed(getattr(project, name) for name in RELATED)


def export_rows(projects: QuerySet, chunk_size: int = CHUNK_SIZE) -> Iterator[ExportRow]:
    """Every project of `projects` (from project_list()/project_visible(): annotated with `status_code`), in its order.

    One query whatever the number of projects; streamed through a server-side cursor on PostgreSQL.
    """
    rows = with_lists(projects).values_list(*FIELDS, *RELATED).iterator(chunk_size=chunk_size)
    for row in rows:
        yield ExportRow(*row[:len(FIELDS)], *_parsed(row[len(FIELDS):]))


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    # One physical line per project: line breaks inside a field become spaces.
    text = " ".join(("" if value is None else str(value)).splitlines())
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def project_row(project: ExportRow) -> list[str]:
    status = project.status
    return [
        _safe(v)
        for v in (
            project.id, project.slug, project.title, project.short_name, status.value, status.label, project.scope,
            project.region_code or "global",
            JOIN.join(c[0] for c in project.countries),
            project.planned_start, project.planned_end, project.actual_start or "", project.actual_end or "",
            JOIN.join(d[0] for d in project.donors),
            JOIN.join(p[0] or p[1] for p in project.partners),
            JOIN.join(f"{c[0]}-{c[1]}" for c in project.corridors),
            JOIN.join(o[0] for o in project.objectives),
        )
    ]


def projects_csv_stream(projects: Iterable[ExportRow]) -> Iterator[str]:
    """Yield CSV lines: a header, then one line per project (rows from export_rows())."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for project in projects:
        yield writer.writerow(project_row(project))
