from pathlib import Path

import pytest

# A fixed extract of the ECB's eurofxref-hist (newest first, as the ECB writes it): a weekend
# (6-7 January) without rates, and no CHF rate on 9 January.
RATES_FILE = Path(__file__).with_name("rates.csv")


@pytest.fixture(autouse=True)
def fixed_rates(settings):
    settings.PORTFOLIO_RATES_FILE = str(RATES_FILE)
    settings.PORTFOLIO_CURRENCY = "USD"
    return RATES_FILE


@pytest.fixture
def project(annex):
    from projects.models import Project

    return Project.objects.filter(is_published=True).order_by("slug").first()
