"""The XLSX export (`/api/v1/projects/?format=xlsx`) holds the CSV's columns and rows, cell for cell."""
import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from api.exports import csv_cell
from tests.api.test_csv_export import hostile_project  # noqa: F401 (a fixture)
from tests.money import INTERNAL_VALUE

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NS = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
DATE_COLUMNS = {"planned_start", "planned_end", "actual_start", "actual_end"}
INTEGER_COLUMNS = {"id", "status_code", "amounts_not_converted"}
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def column_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group()
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def xlsx_rows(data: bytes) -> list[list]:
    """The first sheet's cells (numbers as Decimal, strings as text, blanks as None), read with the standard library."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
        names = archive.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            for item in ElementTree.fromstring(archive.read("xl/sharedStrings.xml")).findall("s:si", NS):
                shared.append("".join(t.text or "" for t in item.iter(f"{{{NS['s']}}}t")))
    rows = []
    for row in sheet.find("s:sheetData", NS).findall("s:row", NS):
        cells: dict[int, object] = {}
        for cell in row.findall("s:c", NS):
            kind = cell.get("t")
            assert kind != "str" and cell.find("s:f", NS) is None, "a formula cell"
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in cell.iter(f"{{{NS['s']}}}t"))
            elif kind == "s":
                value = shared[int(cell.find("s:v", NS).text)]
            else:
                value = Decimal(cell.find("s:v", NS).text)
            cells[column_index(cell.get("r"))] = value
        rows.append([cells.get(i) for i in range(max(cells) + 1)] if cells else [])
    return rows


def as_csv_text(name: str, value) -> str:
    """What the CSV writes for a cell the XLSX holds typed: the rule the export documents."""
    if value is None:
        return ""
    if name in DATE_COLUMNS:
        return (EXCEL_EPOCH + datetime.timedelta(days=int(value))).isoformat()
    if isinstance(value, Decimal):  # a number cell: an integer column, else an amount in the export's currency
        return str(int(value)) if name in INTEGER_COLUMNS else f"{value:.2f}"
    return csv_cell(value)


def assert_same_cells(client, params: dict) -> list[dict]:
    csv_response = client.get("/api/v1/projects/", {**params, "format": "csv"})
    xlsx_response = client.get("/api/v1/projects/", {**params, "format": "xlsx"})
    assert xlsx_response.status_code == 200
    assert xlsx_response["Content-Type"] == XLSX
    assert 'attachment; filename="projects.xlsx"' == xlsx_response["Content-Disposition"]
    csv_rows = list(csv.reader(io.StringIO(body(csv_response).decode())))
    xlsx = xlsx_rows(body(xlsx_response))
    header = csv_rows[0]
    assert xlsx[0] == header
    assert len(xlsx) == len(csv_rows)
    for csv_line, xlsx_line in zip(csv_rows[1:], xlsx[1:], strict=True):
        xlsx_line = xlsx_line + [None] * (len(header) - len(xlsx_line))
        assert [as_csv_text(name, value) for name, value in zip(header, xlsx_line, strict=True)] == csv_line
    return [dict(zip(header, line, strict=True)) for line in csv_rows[1:]]


def test_xlsx_equals_the_csv_cell_for_cell_for_a_filtered_list(api_client, annex):
    rows = assert_same_cells(api_client, {"region": "asia-pacific", "ordering": "title"})
    assert len(rows) == api_client.get("/api/v1/projects/", {"region": "asia-pacific"}).json()["count"] > 3


@pytest.mark.parametrize("persona, sees_internal", [
    ("anonymous_client", False), ("sdc_client", False), ("sdc_token_client", False), ("officer_client", True),
])
def test_xlsx_has_the_money_each_persona_may_see_and_no_more(request, money, persona, sees_internal):
    client = request.getfixturevalue(persona)
    for params in ({}, {"donor": "SDC", "currency": "CHF"}):
        rows = assert_same_cells(client, params)
        sdc = next(row for row in rows if row["slug"] == money.sdc.slug)
        spent = Decimal(sdc["spent_chf" if params else "spent_usd"])
        assert spent > 0
    internal = Decimal(INTERNAL_VALUE)
    usd = assert_same_cells(client, {})
    sdc_spent = Decimal(next(row for row in usd if row["slug"] == money.sdc.slug)["spent_usd"])
    assert (sdc_spent == Decimal("12345.67") + internal) == sees_internal
    assert (sdc_spent == Decimal("12345.67")) == (not sees_internal)


def test_a_hostile_text_is_a_string_cell_never_a_formula(api_client, hostile_project):  # noqa: F811
    response = api_client.get("/api/v1/projects/", {"format": "xlsx", "search": "cmd"})
    header, row = xlsx_rows(body(response))
    cells = dict(zip(header, row, strict=False))
    # The text is kept as it is (a string cell runs nothing); the CSV adds its apostrophe.
    assert cells["title"] == "  =1+1"
    assert cells["short_name"].lstrip().startswith("=cmd")
    assert_same_cells(api_client, {"search": "cmd"})


def test_bad_parameters_are_json_errors_as_for_the_csv(api_client, annex):
    response = api_client.get("/api/v1/projects/", {"format": "xlsx", "country": "Nepal"})
    assert response.status_code == 400 and "country" in response.json()
    assert api_client.get("/api/v1/projects/", {"format": "xlsx", "page": "x"}).status_code in (400, 404)
    assert api_client.get("/api/v1/projects/", {"format": "xlsx", "currency": "XYZ"}).status_code == 400
    # A format of the API that an endpoint does not serve is a 406 there.
    assert api_client.get("/api/v1/stats/", {"format": "xlsx"}).status_code == 406


def test_accept_header_asks_for_xlsx(api_client, annex):
    response = api_client.get("/api/v1/projects/", {"donor": "SDC"}, HTTP_ACCEPT=XLSX)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert len(xlsx_rows(body(response))) == 1 + 5


def test_openapi_describes_the_xlsx_format(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    responses = schema["paths"]["/api/v1/projects/"]["get"]["responses"]["200"]["content"]
    assert XLSX in responses
    assert "xlsx" in responses[XLSX]["schema"].get("description", "") or "xlsx" in str(
        schema["paths"]["/api/v1/projects/"]["get"]
    )
