import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from projects.models import Project
from tests.money import money  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def _fresh_throttle_buckets():
    """Throttle counters live in the cache; start every test with empty buckets."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def hidden_project(annex):
    """An unpublished draft in Nepal on the NP-AE corridor, funded by SDC."""
    from donors.models import Donor
    from projects.models import Funding
    from regions.models import Corridor, Country, Region

    project = Project.objects.create(
        title="Unpublished draft: Nepal recruitment pilot",
        short_name="Draft pilot",
        slug="draft-pilot",
        summary="Not yet approved.",
        scope="national",
        region=Region.objects.get(code="asia-pacific"),
        planned_start=datetime.date(2014, 1, 1),
        planned_end=datetime.date(2016, 12, 31),
        is_published=False,
    )
    project.countries.add(Country.objects.get(code="NP"))
    project.corridors.add(Corridor.objects.get_by_natural_key("NP", "AE"))
    Funding.objects.create(project=project, donor=Donor.objects.get(acronym="SDC"), amount=1000, currency="CHF")
    return project

