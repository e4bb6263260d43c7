"""Who sees what on the dashboards: published projects for everyone, a donor's deadlines for that donor only."""
import datetime

import pytest
from django.urls import reverse

from deadlines.models import Deadline, DeadlineKind, DeadlineState
from projects.models import Project

SDC_ONLY = "bangladesh-migration-policy"
EC_ONLY = "gap-migrant-domestic-workers"


@pytest.fixture
def deadlines(annex):
    """A progress report of an SDC-only project and one of an EC-only project."""
    sdc = Deadline.objects.create(
        project=Project.objects.get(slug=SDC_ONLY), kind=DeadlineKind.PROGRESS_REPORT,
        title="SDC annual progress report 2013", due_on=datetime.date(2014, 3, 31),
    )
    ec = Deadline.objects.create(
        project=Project.objects.get(slug=EC_ONLY), kind=DeadlineKind.FINAL_REPORT,
        title="EC final narrative report", due_on=datetime.date(2017, 6, 30), state=DeadlineState.APPROVED,
    )
    return {"SDC": sdc, "EC": ec}


def test_anonymous_sees_published_projects_only(anonymous_client, annex):
    Project.objects.filter(slug=SDC_ONLY).update(is_published=False)
    response = anonymous_client.get("/", {"donor": "SDC"})
    assert SDC_ONLY not in {p.slug for p in response.context["page"].object_list}
    assert response.context["figures"]["projects"] == 4
    assert anonymous_client.get(reverse("dashboards:project", args=[SDC_ONLY])).status_code == 404
    assert SDC_ONLY not in anonymous_client.get(reverse("dashboards:corridors")).content.decode()


def test_officer_sees_unpublished_projects(officer_client, annex):
    Project.objects.filter(slug=SDC_ONLY).update(is_published=False)
    response = officer_client.get(reverse("dashboards:project", args=[SDC_ONLY]))
    assert response.status_code == 200
    assert "Not published" in response.content.decode()


def test_donor_user_sees_own_deadlines_on_project_and_reporting_pages(client, donor_user_sdc, deadlines):
    client.force_login(donor_user_sdc)
    body = client.get(reverse("dashboards:project", args=[SDC_ONLY])).content.decode()
    assert "SDC annual progress report 2013" in body
    assert "Overdue" in body
    reporting = client.get(reverse("dashboards:donor-reporting", args=["SDC"]))
    assert reporting.status_code == 200
    assert "SDC annual progress report 2013" in reporting.content.decode()
    assert "EC final narrative report" not in reporting.content.decode()


def test_donor_user_of_ec_cannot_reach_sdc_private_data_by_url(client, donor_user_ec, deadlines):
    client.force_login(donor_user_ec)
    assert client.get(reverse("dashboards:donor-reporting", args=["SDC"])).status_code == 404
    assert client.get(reverse("dashboards:donor-reporting", args=["sdc"])).status_code == 404
    project_page = client.get(reverse("dashboards:project", args=[SDC_ONLY]))
    assert project_page.status_code == 200  # the public part of a published project
    assert "SDC annual progress report 2013" not in project_page.content.decode()
    assert project_page.context["deadlines"] is None
    donor_page = client.get(reverse("dashboards:donor", args=["SDC"])).content.decode()
    assert "SDC annual progress report 2013" not in donor_page
    assert reverse("dashboards:donor-reporting", args=["SDC"]) not in donor_page
    # Its own reporting page shows EC's deadlines and nothing of SDC's.
    own = client.get(reverse("dashboards:donor-reporting", args=["EC"])).content.decode()
    assert "EC final narrative report" in own
    assert "SDC annual progress report 2013" not in own


def test_donor_user_of_ec_cannot_see_unpublished_sdc_project(client, donor_user_ec, deadlines):
    Project.objects.filter(slug=SDC_ONLY).update(is_published=False)
    client.force_login(donor_user_ec)
    assert client.get(reverse("dashboards:project", args=[SDC_ONLY])).status_code == 404
    pk = Project.objects.get(slug=SDC_ONLY).pk
    assert client.get(reverse("dashboards:project", args=[str(pk)])).status_code == 404


def test_anonymous_gets_404_for_any_reporting_page(anonymous_client, deadlines):
    for acronym in ("SDC", "EC", "NOPE"):
        assert anonymous_client.get(reverse("dashboards:donor-reporting", args=[acronym])).status_code == 404


def test_officer_reads_any_donors_reporting(officer_client, deadlines):
    response = officer_client.get(reverse("dashboards:donor-reporting", args=["SDC"]))
    assert response.status_code == 200
    assert "SDC annual progress report 2013" in response.content.decode()
