"""The exports read projects a chunk at a time (projects.selectors.CHUNK_SIZE): the same bytes whatever
the chunk size, and a fixed number of queries per chunk."""
import io
import math
import re
import zipfile

import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db

EXPORTS = {
    "csv": "/api/v1/projects/?format=csv&currency=EUR",
    "csv_by_title": "/api/v1/projects/?format=csv&ordering=-title",
    "xlsx": "/api/v1/projects/?format=xlsx",
    "xml": "/api/v1/iati/activities.xml",
}
# Per chunk: countries, donors, partners, corridors, objectives (projects.selectors.lists_of), and the
# CSV's money (finance.selectors.money_by: budgets, transactions) or the XML's budgets, transactions and
# planned disbursements. Once per export: the rows (one streamed query); for the XML, the results and the
# public documents of each batch of 500 projects (one query each when they have none).
PER_CHUNK = {"csv": 5 + 2, "xml": 5 + 3}
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
        monkeypatch.setattr("projects.selectors.CHUNK_SIZE", size)
        for name, path in EXPORTS.items():
            assert body(client.get(path)) == whole[name], (name, size)
    assert whole["csv"].count(b"\n") == total + 1 and b"12345.67" in whole["xml"]


@pytest.mark.parametrize("size", [3, 5, 2000])
@pytest.mark.parametrize("export", ["csv", "xml"])
def test_queries_are_fixed_per_chunk(api_client, money, monkeypatch, django_assert_num_queries, size, export):
    monkeypatch.setattr("projects.selectors.CHUNK_SIZE", size)
    chunks = math.ceil(Project.objects.filter(is_published=True).count() / size)
    with django_assert_num_queries(ONCE[export] + PER_CHUNK[export] * chunks):
        body(api_client.get(EXPORTS[export]))
