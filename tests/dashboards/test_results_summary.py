"""The portfolio summary: indicators on and off track by region and donor, approved figures only."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from donors.models import Donor
from projects.models import Funding
from regions.models import Region
from results.models import Period
from results.selectors import track_summary
from results.services import update_approve, update_create
from tests.results.builders import build_framework, synthetic_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(annex, officer, second_officer):
    """Two synthetic projects: one SDC-funded in Africa, on track; one EC-funded draft, off track."""
    africa = Region.objects.get(code="africa")
    on = synthetic_project("zz-on", region=africa)
    off = synthetic_project("zz-off", published=False)
    Funding.objects.create(project=on, donor=Donor.objects.get(acronym="SDC"))
    Funding.objects.create(project=off, donor=Donor.objects.get(acronym="EC"))
    for project, value in ((on, 12), (off, 3)):
        build_framework(project, results=1, indicators=1, periods=1)
        period = Period.objects.get(indicator__result__project=project)
        update_approve(update=update_create(period=period, user=officer, value=Decimal(value), submit=True),
                       user=second_officer)
        update_create(period=period, user=officer, value=Decimal(99), submit=True)  # never counted
    return on, off


def test_the_summary_counts_each_indicator_by_its_latest_verdict(portfolio):
    from projects.models import Project

    summary = track_summary(Project.objects.all(), today=datetime.date(2021, 1, 1))
    assert (summary["total"].on, summary["total"].off, summary["total"].no_data) == (1, 1, 0)
    assert [(c.key, c.on, c.off) for c in summary["by_region"]] == [("africa", 1, 0), ("global", 0, 1)]
    assert [(c.key, c.on, c.off) for c in summary["by_donor"]] == [("EC", 0, 1), ("SDC", 1, 0)]


def test_the_public_page_counts_published_projects_only(anonymous_client, portfolio):
    response = anonymous_client.get(reverse("dashboards:results"))
    assert response.status_code == 200
    assert (response.context["total"].on, response.context["total"].off) == (1, 0)
    assert [c.key for c in response.context["by_donor"]] == ["SDC"]
    assert "has_results=true" in response.content.decode()


def test_officers_see_every_project_and_filters_apply(officer_client, portfolio):
    assert officer_client.get(reverse("dashboards:results")).context["total"].total == 2
    response = officer_client.get(reverse("dashboards:results"), {"donor": "EC"})
    assert (response.context["total"].on, response.context["total"].off) == (0, 1)
    assert officer_client.get(reverse("dashboards:results"), {"country": "Nowhere"}).context["errors"]


def test_the_summary_takes_a_constant_number_of_queries(anonymous_client, portfolio, django_assert_num_queries):
    for i in range(3):
        build_framework(synthetic_project(f"zz-more-{i}"), results=2, indicators=2, periods=2)
    with django_assert_num_queries(5):
        anonymous_client.get(reverse("dashboards:results"))
