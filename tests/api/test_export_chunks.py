"""The exports read projects a chunk at a time (api.selectors.CHUNK_SIZE, XML_CHUNK_SIZE): the same bytes
whatever the chunk size, and a fixed number of queries per chunk."""
import io
import math
import re
import zipfile

import pytest

from api.selectors import project_chunks
from api.views import api_lists
from projects.models import Project
from projects.selectors import project_rows, project_visible

pytestmark = pytest.mark.django_db

EXPORTS = {
    "csv": "/api/v1/projects/?format=csv&currency=EUR",
    "csv_by_title": "/api/v1/projects/?format=csv&ordering=-title",
    "xlsx": "/api/v1/projects/?format=xlsx",
    "xml": "/api/v1/iati/activities.xml",
}
# Per chunk: countries, donors, partners, corridors, objectives (api.selectors.lists_of), and the
# CSV's money (finance.selectors.money_by: budgets, transactions) or the XML's budgets, transactions,
# planned disbursements, sectors and policy markers (api.views.api_lists). Once per export: the rows (one
# streamed query); for the XML, the results and the public documents of each batch of 500 projects (one
# query each when they have none).
PER_CHUNK = {"csv": 5 + 2, "xml": 5 + 5}
ONCE = {"csv": 1, "xml": 1 + 1 + 1}


def body(response) -> bytes:
    assert response.status_code == 200
    data = b"".join(c if isinstance(c, bytes) else c.encode() for c in response.streaming_content)
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")  # the rest holds a timestamp
    return re.sub(rb'generated-datetime="[^"]*"', b"", data)


@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_an_export_read_in_small_chunks_equals_the_one_chunk_export(api_client, officer_client, money,
                                                                    monkeypatch, who):
    client = officer_client if who == "officer" else api_client
    whole = {name: body(client.get(path)) for name, path in EXPORTS.items()}
    total = Project.objects.count() if who == "officer" else Project.objects.filter(is_published=True).count()
    assert total > 20
    for size in (1, 4, total - 1):
        monkeypatch.setattr("api.selectors.CHUNK_SIZE", size)
        monkeypatch.setattr("api.selectors.XML_CHUNK_SIZE", size)
        for name, path in EXPORTS.items():
            assert body(client.get(path)) == whole[name], (name, size)
    assert whole["csv"].count(b"\n") == total + 1 and b"12345.67" in whole["xml"]


@pytest.mark.parametrize("size", [3, 5, 2000])
@pytest.mark.parametrize("export", ["csv", "xml"])
def test_queries_are_fixed_per_chunk(api_client, money, monkeypatch, django_assert_num_queries, size, export):
    monkeypatch.setattr("api.selectors.CHUNK_SIZE", size)
    monkeypatch.setattr("api.selectors.XML_CHUNK_SIZE", size)
    chunks = math.ceil(Project.objects.filter(is_published=True).count() / size)
    with django_assert_num_queries(ONCE[export] + PER_CHUNK[export] * chunks):
        body(api_client.get(EXPORTS[export]))


@pytest.mark.parametrize("staff", [False, True])
def test_chunked_rows_are_the_rows_of_the_one_query_read(money, officer, staff):
    user = officer if staff else None
    projects = project_visible(user=user).order_by("-title", "id")
    extra = api_lists(user)
    whole = list(project_rows(projects, extra=extra))
    chunks = list(project_chunks(projects, chunk_size=4, extra=extra))
    assert [len(chunk) for chunk in chunks] == [4] * (len(whole) // 4) + ([len(whole) % 4] if len(whole) % 4 else [])
    assert [row for chunk in chunks for row in chunk] == whole
    assert any(row.extra["transactions"] for row in whole) and any(row.donors for row in whole)
