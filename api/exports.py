"""The CSV export of a project list: one row per project, multi-valued fields joined with "; ".

Rows come from projects.selectors.project_rows(): one query, streamed.
"""
import csv
import re
from collections.abc import Iterable, Iterator

from projects.selectors import ProjectRow

CSV_COLUMNS = [
    "id", "slug", "title", "short_name", "status_code", "status", "scope", "region", "countries",
    "planned_start", "planned_end", "actual_start", "actual_end", "donors", "partners", "corridors", "objectives",
]
JOIN = "; "
# What a spreadsheet reads as a formula: =, +, - or @ after any whitespace or control characters.
FORMULA = re.compile(r"[\s\x00-\x1f\x7f]*[=+\-@]")


class _Echo:
    def write(self, value):
        return value


def csv_cell(value) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula (CSV injection): those get a leading apostrophe."""
    # One physical line per project: line breaks inside a field become spaces.
    text = " ".join(("" if value is None else str(value)).splitlines())
    return "'" + text if FORMULA.match(text) else text


def csv_row(project: ProjectRow) -> list[str]:
    status = project.status
    return [
        csv_cell(value)
        for value in (
            project.id, project.slug, project.title, project.short_name, status.value, status.label, project.scope,
            project.region_code or "global",
            JOIN.join(country.code for country in project.countries),
            project.planned_start, project.planned_end, project.actual_start or "", project.actual_end or "",
            JOIN.join(donor.acronym for donor in project.donors),
            JOIN.join(partner.acronym or partner.name for partner in project.partners),
            JOIN.join(corridor.code for corridor in project.corridors),
            JOIN.join(project.objectives),
        )
    ]


def projects_csv_stream(projects: Iterable[ProjectRow]) -> Iterator[str]:
    """Yield CSV lines: a header, then one line per project (rows from project_rows())."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for project in projects:
        yield writer.writerow(csv_row(project))
