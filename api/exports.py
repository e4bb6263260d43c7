"""The CSV export of a project list: one row per project, multi-valued fields joined with "; ".

Rows come from projects.selectors.project_rows(): one query, streamed. The money columns
come from finance.selectors.money_by(by="id"): two more queries, whatever the number of
projects, with the money the caller may see, converted to one currency named in the header.
"""
import csv
import re
from collections.abc import Iterable, Iterator, Mapping

from finance.selectors import ProjectMoney
from projects.selectors import ProjectRow

CSV_COLUMNS = [
    "id", "slug", "title", "short_name", "status_code", "status", "scope", "region", "countries",
    "planned_start", "planned_end", "actual_start", "actual_end", "donors", "partners", "corridors", "objectives",
]
# Converted to the export's currency: budget_usd, committed_usd, ...; then how many amounts could not be.
MONEY_COLUMNS = ProjectMoney.FIELDS
LEFT_OUT_COLUMN = "amounts_not_converted"
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


def csv_columns(currency: str) -> list[str]:
    return [*CSV_COLUMNS, *(f"{name}_{currency.lower()}" for name in MONEY_COLUMNS), LEFT_OUT_COLUMN]


def money_cells(money: ProjectMoney | None) -> list[str]:
    """The converted figures, then the count of amounts left out; empty cells for a project without money."""
    if money is None:
        return [""] * (len(MONEY_COLUMNS) + 1)
    return [*(f"{getattr(money, name).total:.2f}" for name in MONEY_COLUMNS), str(money.left_out)]


def csv_row(project: ProjectRow, money: ProjectMoney | None = None) -> list[str]:
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
    ] + money_cells(money)


def projects_csv_stream(projects: Iterable[ProjectRow], *, money: Mapping[int, ProjectMoney],
                        currency: str) -> Iterator[str]:
    """Yield CSV lines: a header, then one line per project (rows from project_rows(); `money` by project id
    from money_by(by="id"), in `currency`)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(csv_columns(currency))
    for project in projects:
        yield writer.writerow(csv_row(project, money.get(project.id)))
