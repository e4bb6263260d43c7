import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db


def test_project_json_has_the_documented_fields(api_client, annex):
    gap = Project.objects.get(slug="gap-migrant-domestic-workers")
    data = api_client.get(f"/api/v1/projects/{gap.pk}/").json()
    assert set(data) == {
        "id", "slug", "title", "short_name", "summary", "status", "scope", "region", "countries",
        "planned_start", "planned_end", "actual_start", "actual_end", "donors", "partners", "corridors",
        "objectives", "sectors", "policy_markers", "budgets", "transactions", "planned_disbursements", "links",
    }
    assert data["budgets"] == data["transactions"] == data["planned_disbursements"] == []  # the annex has no money
    assert data["status"] == {"code": 4, "label": "Closed"}
    assert data["region"] is None and data["scope"] == "global"
    assert {"code": "NP", "name": "Nepal"} in data["countries"]
    assert {"id", "name", "acronym", "iati_ref"} <= set(data["donors"][0])
    corridor = next(c for c in data["corridors"] if c["code"] == "NP-AE")
    assert corridor["origin"]["code"] == "NP" and corridor["destination"]["code"] == "AE"
    assert data["objectives"] == list(gap.objectives.order_by("order").values_list("text", flat=True))
    assert data["links"]["self"] == f"http://testserver/api/v1/projects/{gap.pk}/"
    assert data["links"]["dashboard"] == "http://testserver/projects/gap-migrant-domestic-workers/"
    assert data["links"]["iati"] == f"http://testserver/api/v1/projects/{gap.pk}/iati.xml"


def test_partners_carry_their_iati_role(api_client, annex):
    from projects.models import ProjectPartner

    link = ProjectPartner.objects.select_related("partner", "project").first()
    data = api_client.get(f"/api/v1/projects/{link.project_id}/").json()
    partner = next(p for p in data["partners"] if p["id"] == link.partner_id)
    assert partner["role"] == {"code": link.role, "label": link.get_role_display()}


def test_pagination_envelope_caps_page_size_and_keeps_a_stable_order(api_client, annex, settings):
    first = api_client.get("/api/v1/projects/", {"page_size": 5}).json()
    # count_exact (issue 18): the count is exact below API_EXACT_COUNT_LIMIT, tests/api/test_pagination_count.py
    assert set(first) == {"count", "count_exact", "next", "previous", "results"} and first["count_exact"] is True
    assert first["count"] == 21 and len(first["results"]) == 5 and first["previous"] is None
    second = api_client.get(first["next"]).json()
    ids = [p["id"] for p in first["results"]] + [p["id"] for p in second["results"]]
    assert len(set(ids)) == 10
    everything = api_client.get("/api/v1/projects/", {"page_size": 10_000}).json()
    assert len(everything["results"]) == 21  # capped at API_MAX_PAGE_SIZE (200), not rejected


def test_page_size_is_capped_at_the_documented_maximum(api_client, annex):
    from api.pagination import ApiPagination

    assert ApiPagination.max_page_size == 200
    countries = api_client.get("/api/v1/countries/", {"page_size": 1000}).json()
    assert len(countries["results"]) == 200 and countries["next"]


def test_page_past_the_end_is_404(api_client, annex):
    assert api_client.get("/api/v1/projects/", {"page": 99}).status_code == 404


def test_reference_lists_are_served(api_client, annex):
    donors = api_client.get("/api/v1/donors/").json()["results"]
    assert {"SDC", "EC"} <= {d["acronym"] for d in donors}
    assert "contact_emails" not in donors[0]
    assert api_client.get("/api/v1/partners/").json()["count"] == 14
    assert api_client.get("/api/v1/regions/").json()["count"] == 5
    corridors = api_client.get("/api/v1/corridors/").json()["results"]
    assert "NP-AE" in {c["code"] for c in corridors}
    assert api_client.get("/api/v1/donors/", {"bogus": 1}).status_code == 400


def test_stats_by_region_counts_in_the_database(api_client, annex):
    stats = api_client.get("/api/v1/stats/", {"group_by": "region"}).json()
    assert stats["total"]["projects"] == 21
    groups = {g["key"]: g["projects"] for g in stats["groups"]}
    assert groups["arab-states"] == 5 and groups["global"] == 1
    assert sum(groups.values()) == 21


def test_stats_count_a_multi_country_project_once_per_country_and_once_in_total(api_client, annex):
    stats = api_client.get("/api/v1/stats/", {"group_by": "country", "corridor": "NP-AE"}).json()
    assert stats["total"]["projects"] == 1
    groups = {g["key"]: g["projects"] for g in stats["groups"]}
    assert len(groups) == 10 and set(groups.values()) == {1}


def test_stats_follow_the_filters(api_client, annex):
    stats = api_client.get("/api/v1/stats/", {"group_by": "donor", "donor": "SDC"}).json()
    assert stats["total"]["projects"] == 5
    assert {g["key"]: g["projects"] for g in stats["groups"]}["SDC"] == 5


def test_stats_by_year_count_projects_running_that_year(api_client, annex):
    stats = api_client.get("/api/v1/stats/", {"group_by": "year"}).json()
    years = {g["key"]: g["projects"] for g in stats["groups"]}
    assert years["2008"] == 1 and years["2018"] == 1
    assert years["2013"] == Project.objects.filter(planned_start__year__lte=2013, planned_end__year__gte=2013).count()


def test_stats_by_status_and_funding_per_currency(api_client, annex):
    from projects.models import Funding

    gap = Project.objects.get(slug="gap-migrant-domestic-workers")
    Funding.objects.filter(project=gap).update(amount=100, currency="EUR")
    stats = api_client.get("/api/v1/stats/", {"group_by": "status"}).json()
    assert stats["groups"][0]["key"] == "4" and stats["groups"][0]["label"] == "Closed"
    eur = [m for m in stats["total"]["funding"] if m["currency"] == "EUR"]
    assert eur and float(eur[0]["amount"]) >= 100
    by_country = api_client.get("/api/v1/stats/", {"group_by": "country", "country": "NP"}).json()
    nepal = next(g for g in by_country["groups"] if g["key"] == "NP")
    assert any(m["currency"] == "EUR" for m in nepal["funding"])


def test_stats_reject_an_unknown_grouping(api_client, annex):
    response = api_client.get("/api/v1/stats/", {"group_by": "colour"})
    assert response.status_code == 400
    assert "region" in response.json()["group_by"][0]
