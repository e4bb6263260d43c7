"""The CSV export (`/api/v1/projects/?format=csv`) is safe to open in a spreadsheet."""
import csv
import datetime
import io
import string

import pytest

from donors.models import Donor, OrganisationKind, Partner
from projects.models import Funding, Objective, Project, ProjectPartner

pytestmark = pytest.mark.django_db

FORMULA_STARTS = ("=", "+", "-", "@")
# What may precede a formula in a cell and still be skipped by a spreadsheet: spaces, tabs,
# line breaks, other Unicode whitespace and control characters.
LEADING = string.whitespace + "\u00a0\u2003\u3000" + "".join(map(chr, range(0x20)))


def reads_as_formula(cell: str) -> bool:
    return cell.lstrip(LEADING).startswith(FORMULA_STARTS)


@pytest.fixture
def hostile_project(annex):
    """A published project whose every free-text field would run as a formula if written as is."""
    project = Project.objects.create(
        title="  =1+1",
        short_name="\n=cmd|' /C calc'!A0",
        slug="hostile",
        summary="=HYPERLINK(\"http://evil.example\")",
        scope="national",
        planned_start=datetime.date(2020, 1, 1),
        planned_end=datetime.date(2021, 12, 31),
        is_published=True,
    )
    Objective.objects.create(project=project, order=1, text="\t@SUM(A1:A9)")
    Objective.objects.create(project=project, order=2, text="=2")
    donor = Donor.objects.create(name="Hostile donor", acronym="\u00a0+SUM(1)", kind=OrganisationKind.OTHER)
    Funding.objects.create(project=project, donor=donor, amount=1, currency="EUR")
    partner = Partner.objects.create(name="\r\n-2+3", acronym="")
    ProjectPartner.objects.create(project=project, partner=partner, role=4)
    return project


def test_no_csv_cell_reads_as_a_formula_whatever_precedes_it(api_client, hostile_project):
    response = api_client.get("/api/v1/projects/", {"format": "csv", "search": "cmd"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["id"] for row in rows] == [str(hostile_project.pk)]
    row = rows[0]

    assert [(name, cell) for name, cell in row.items() if reads_as_formula(cell)] == []
    # Neutralised, not dropped: the text is still there after the quote.
    assert row["title"] == "'  =1+1"
    assert row["short_name"].startswith("'") and "=cmd" in row["short_name"]
    assert row["objectives"].startswith("'") and "@SUM(A1:A9)" in row["objectives"]
    assert row["donors"].startswith("'") and "+SUM(1)" in row["donors"]
    assert row["partners"].startswith("'") and "-2+3" in row["partners"]


def test_csv_keeps_one_physical_line_per_project(api_client, hostile_project):
    text = b"".join(api_client.get("/api/v1/projects/", {"format": "csv"}).streaming_content).decode()
    assert len(text.splitlines()) == 1 + 22
