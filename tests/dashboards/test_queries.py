"""The dashboard's query count does not grow with the number of projects it shows."""
import datetime

import pytest
from django.urls import reverse

from donors.models import Donor, Partner
from projects.models import Funding, Project, ProjectPartner
from regions.models import Corridor, Country, Region

# Figures 4, charts 1 + 1 + 1 (per year), timeline 2, table count + page + 2 prefetches,
# filter panel 7 (regions, global?, countries, donors, partners, corridors).
DASHBOARD_QUERIES = 19
CORRIDOR_QUERIES = 2
PROJECT_PAGE_QUERIES = 7  # the project and its lists 6, its results 1 (six once it has some)


def add_projects(n: int) -> None:
    """Add `n` published projects, each with two countries, a donor, a partner and a corridor."""
    region = Region.objects.get(code="asia-pacific")
    nepal, emirates, india = (Country.objects.get(code=c) for c in ("NP", "AE", "IN"))
    corridor = Corridor.objects.get(origin=nepal, destination=emirates)
    donor = Donor.objects.get(acronym="SDC")
    partner = Partner.objects.first()
    for i in range(n):
        project = Project.objects.create(
            title=f"Synthetic project {i}", short_name=f"Synthetic {i}", slug=f"synthetic-{i}",
            region=region, planned_start=datetime.date(2005 + i % 20, 1, 1),
            planned_end=datetime.date(2005 + i % 20 + 1 + i % 5, 12, 31), is_published=True,
        )
        project.countries.add(nepal, india if i % 2 else emirates)
        project.corridors.add(corridor)
        Funding.objects.create(project=project, donor=donor)
        ProjectPartner.objects.create(project=project, partner=partner)


@pytest.mark.parametrize("extra", [0, 30])
def test_dashboard_query_count_does_not_grow_with_projects(anonymous_client, annex, django_assert_num_queries, extra):
    add_projects(extra)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = anonymous_client.get("/", {"ordering": "title"})
    assert response.context["figures"]["projects"] == 21 + extra
    with django_assert_num_queries(DASHBOARD_QUERIES):
        anonymous_client.get("/", {"donor": "SDC", "page": "2"})


@pytest.mark.parametrize("extra", [0, 30])
def test_corridor_page_query_count_does_not_grow_with_projects(anonymous_client, annex, django_assert_num_queries, extra):
    add_projects(extra)
    with django_assert_num_queries(CORRIDOR_QUERIES):
        response = anonymous_client.get(reverse("dashboards:corridors"))
    np_ae = next(c for c in response.context["corridors"] if c.code == "NP-AE")
    assert np_ae.n == 1 + extra
    assert len(np_ae.visible_projects) == min(np_ae.n, 12)
    assert np_ae.more == np_ae.n - len(np_ae.visible_projects)


def test_project_page_query_count(anonymous_client, annex, django_assert_num_queries):
    with django_assert_num_queries(PROJECT_PAGE_QUERIES):
        anonymous_client.get(reverse("dashboards:project", args=["gap-migrant-domestic-workers"]))
