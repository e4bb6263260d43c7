"""stats/ counts indicators on and off track per group, with the /results/ summary's rule and approved figures only."""
import pytest

from benchmarks.synthetic import portfolio_generate, synthetic_projects
from projects.models import Project
from results.models import Update, UpdateState
from results.selectors import track_summary

pytestmark = pytest.mark.django_db


def counts(c):
    return {"on": c.on, "off": c.off, "no_data": c.no_data}


@pytest.mark.parametrize("group_by", ["region", "donor"])
def test_stats_count_what_the_results_summary_counts(annex, api_client, group_by):
    portfolio_generate(projects=80, seed=41)
    data = api_client.get("/api/v1/stats/", {"group_by": group_by}).json()
    summary = track_summary(Project.objects.filter(is_published=True))
    assert data["total"]["indicators"] == counts(summary["total"])
    assert data["total"]["indicators"]["on"] > 0 and data["total"]["indicators"]["off"] > 0
    expected = {c.key: counts(c) for c in summary[f"by_{group_by}"]}
    shown = {g["key"]: g["indicators"] for g in data["groups"] if any(g["indicators"].values())}
    assert shown == expected


@pytest.mark.parametrize("group_by", ["country", "year", "status"])
def test_every_group_has_its_indicator_counts(annex, api_client, group_by):
    portfolio_generate(projects=40, seed=42)
    data = api_client.get("/api/v1/stats/", {"group_by": group_by}).json()
    assert all(set(g["indicators"]) == {"on", "off", "no_data"} for g in data["groups"])
    assert sum(sum(g["indicators"].values()) for g in data["groups"]) >= sum(data["total"]["indicators"].values()) > 0


def test_a_submitted_figure_counts_nowhere_until_approved(annex, api_client):
    portfolio_generate(projects=40, seed=43)
    before = api_client.get("/api/v1/stats/").json()["total"]["indicators"]
    # Every approved figure back to submitted: no indicator has a verdict any more.
    Update.objects.filter(period__indicator__result__project__in=synthetic_projects(43)).update(
        state=UpdateState.SUBMITTED)
    after = api_client.get("/api/v1/stats/").json()["total"]["indicators"]
    assert before["on"] + before["off"] > 0
    assert after == {"on": 0, "off": 0, "no_data": sum(before.values())}
