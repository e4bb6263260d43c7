"""Bad query parameters are a 400 on every representation (README, "API"), found by the per-role schemathesis run."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.xfail(
    strict=True,
    reason="BUG (projects/views.py, not a leak): with ?format=csv ProjectListView streams before the paginator "
    "validates page/page_size, so ?format=csv&page_size=-3 is a 200 where JSON gives a 400 "
    "(schemathesis ST201 'schema-violating request accepted')",
)
@pytest.mark.parametrize("params", [{"page_size": "-3"}, {"page": "abc"}], ids=["page_size", "page"])
def test_csv_rejects_malformed_pagination_like_json(client, params):
    assert client.get("/api/v1/projects/", params).status_code == 400
    assert client.get("/api/v1/projects/", {**params, "format": "csv"}).status_code == 400
