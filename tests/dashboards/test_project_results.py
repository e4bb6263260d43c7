"""A project's page shows its results: baselines, targets and approved actuals by period, on or off track."""
import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from results.models import Period
from results.selectors import for_page
from results.services import update_approve, update_create
from tests.results.builders import build_framework, synthetic_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(annex, officer, second_officer):
    project = synthetic_project("zz-results-page")
    build_framework(project, results=1, indicators=1, periods=2)
    period = Period.objects.filter(indicator__result__project=project).order_by("start").first()
    update_approve(update=update_create(period=period, user=officer, value=Decimal("7.5"), submit=True),
                   user=second_officer)
    update_create(period=period, user=officer, value=Decimal(919), submit=True)  # awaiting review
    return project


def _page(client, project):
    return client.get(reverse("dashboards:project", args=[project.slug]))


@pytest.mark.parametrize("caller", ["anonymous_client", "sdc_client"])
def test_donors_and_the_public_see_approved_figures_only(request, project, caller):
    body = _page(request.getfixturevalue(caller), project).content.decode()
    assert "data-project-results" in body
    assert "Result 1 indicator 1" in body and "Baseline 2019: 2" in body and "(SDG 8.8)" in body
    assert "7.5 / 10" in body and "919" not in body and "data-pending" not in body
    assert 'style="width: 75%"' in body
    assert "Off track" in body  # January 2020 ended at 7.5 of 10


def test_officers_also_see_how_many_updates_await_review(officer, project):
    client = Client()
    client.force_login(officer)
    body = _page(client, project).content.decode()
    assert "1 update awaiting review" in body and "919" not in body  # counted, never added to a figure


def test_an_annex_project_shows_no_results(anonymous_client, annex):
    body = anonymous_client.get(reverse("dashboards:project", args=["gap-migrant-domestic-workers"])).content.decode()
    assert "data-project-results" not in body


def test_the_pace_mark_and_track_follow_the_date(project):
    row = for_page(project, staff=False, today=datetime.date(2020, 1, 16))[0].indicators[0].periods[0]
    assert (row.progress, row.pace, row.track) == (75, 51, "on")
    assert [(d.value, t, a.value) for d, t, a in row.dimension_lines] == [("female", Decimal(5), None)]


def test_results_are_translated(anonymous_client, project):
    with translation.override("fr"):
        body = anonymous_client.get(reverse("dashboards:project", args=[project.slug]),
                                    headers={"Accept-Language": "fr"}).content.decode()
    assert "Résultats" in body and "En retard" in body


def test_the_page_of_the_10_by_5_by_12_project_takes_a_constant_number_of_queries(
    anonymous_client, annex, django_assert_num_queries
):
    from tests.dashboards.test_queries import PROJECT_PAGE_QUERIES

    large = synthetic_project("zz-results-large")
    build_framework(large)
    with django_assert_num_queries(PROJECT_PAGE_QUERIES + 5):
        response = _page(anonymous_client, large)
    assert response.content.decode().count("data-period=") == 600
