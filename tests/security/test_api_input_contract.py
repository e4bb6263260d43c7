"""Bad query parameters are a 400 on every representation (README, "API"), found by the per-role schemathesis run."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", [{"page_size": "-3"}, {"page": "abc"}], ids=["page_size", "page"])
def test_csv_rejects_malformed_pagination_like_json(client, params):
    assert client.get("/api/v1/projects/", params).status_code == 400
    assert client.get("/api/v1/projects/", {**params, "format": "csv"}).status_code == 400
