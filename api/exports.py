"""The CSV and XLSX exports of a project list: one row per project, multi-valued fields joined with "; ".

Rows come from export_rows(), a chunk of projects at a time (api.selectors.project_chunks():
the rows stream from one query, each chunk reads its lists), with the chunk's money from
finance.selectors.money_by(by="id") (two queries per chunk): the money the caller may see,
converted to one currency named in the header. Memory follows the chunk, not the portfolio.
Both formats write the same `export_values()`: the XLSX has the CSV's columns and rows, with
numbers and dates as typed cells and text as string cells (which no spreadsheet runs).
"""
import csv
import datetime
import re
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO

import xlsxwriter
from django.db.models import QuerySet

from api.selectors import project_chunks
from finance.selectors import ProjectMoney, money_by
from projects.models import Project
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


def one_line(value) -> str:
    """A value as text on one line (line breaks inside a field become spaces); None is empty."""
    if value is None:
        return ""
    return " ".join((f"{value:.2f}" if isinstance(value, Decimal) else str(value)).splitlines())


def csv_cell(value) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula (CSV injection): those get a leading apostrophe."""
    text = one_line(value)
    return "'" + text if FORMULA.match(text) else text


def csv_columns(currency: str) -> list[str]:
    return [*CSV_COLUMNS, *(f"{name}_{currency.lower()}" for name in MONEY_COLUMNS), LEFT_OUT_COLUMN]


def money_values(money: ProjectMoney | None) -> list:
    """The converted figures, then the count of amounts left out; empty cells for a project without money."""
    if money is None:
        return [None] * (len(MONEY_COLUMNS) + 1)
    return [*(getattr(money, name).total for name in MONEY_COLUMNS), money.left_out]


def export_values(project: ProjectRow, money: ProjectMoney | None = None) -> list:
    """One project's cells, typed: ints, dates, Decimals (the money), text, None for an empty cell."""
    status = project.status
    return [
        project.id, project.slug, project.title, project.short_name, status.value, str(status.label), project.scope,
        project.region_code or "global",
        JOIN.join(country.code for country in project.countries),
        project.planned_start, project.planned_end, project.actual_start, project.actual_end,
        JOIN.join(donor.acronym for donor in project.donors),
        JOIN.join(partner.acronym or partner.name for partner in project.partners),
        JOIN.join(corridor.code for corridor in project.corridors),
        JOIN.join(project.objectives),
        *money_values(money),
    ]


def csv_row(project: ProjectRow, money: ProjectMoney | None = None) -> list[str]:
    return [csv_cell(value) for value in export_values(project, money)]


ExportRow = tuple[ProjectRow, ProjectMoney | None]


def export_rows(projects: QuerySet[Project], *, user, currency: str,
                chunk_size: int | None = None) -> Iterator[ExportRow]:
    """Each project of `projects` (in its order) with the money `user` may see of it, in `currency`.

    Read `chunk_size` projects (api.selectors.CHUNK_SIZE by default) at a time: their lists
    (one query per list) and their money (two queries), so nothing holds every project's figures at once.
    """
    for chunk in project_chunks(projects, chunk_size=chunk_size):
        money = money_by(Project.objects.filter(pk__in=[row.id for row in chunk]), user=user, by="id",
                         currency=currency)
        for row in chunk:
            yield row, money.get(row.id)


def projects_csv_stream(rows: Iterable[ExportRow], *, currency: str) -> Iterator[str]:
    """Yield CSV lines: a header, then one line per project (rows and money from export_rows(), in `currency`)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(csv_columns(currency))
    for project, money in rows:
        yield writer.writerow(csv_row(project, money))


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def projects_xlsx_file(rows: Iterable[ExportRow], *, currency: str) -> IO[bytes]:
    """The XLSX of the rows projects_csv_stream() writes, as an open temporary file at its start.

    XlsxWriter's constant-memory mode writes each row to disk as it comes (strings inline,
    no shared-string table), so memory stays flat whatever the number of projects; the
    file is unlinked when closed (the response closes it once sent).
    """
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (returned open: the response closes it)
    workbook = xlsxwriter.Workbook(file, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("Projects")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    header = csv_columns(currency)
    bold = workbook.add_format({"bold": True})
    for column, name in enumerate(header):
        sheet.write_string(0, column, name, bold)
    sheet.freeze_panes(1, 0)
    for row, (project, money) in enumerate(rows, start=1):
        for column, value in enumerate(export_values(project, money)):
            if value is None:
                continue
            if isinstance(value, Decimal):
                sheet.write_number(row, column, float(value), money_format)
            elif isinstance(value, int):
                sheet.write_number(row, column, value)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row, column, datetime.datetime.combine(value, datetime.time()), date_format)
            elif text := one_line(value):
                sheet.write_string(row, column, text)  # a string cell: never a formula, whatever it starts with
    workbook.close()
    file.seek(0)
    return file
