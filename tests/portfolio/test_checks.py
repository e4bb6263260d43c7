"""Settings that parse but do not fit together are named by system checks with ids."""
import pytest
from django.core.checks import run_checks

pytestmark = pytest.mark.database_independent


def _ids(include_deployment_checks=False):
    return {message.id for message in run_checks(include_deployment_checks=include_deployment_checks)}


def test_the_default_settings_pass_every_check():
    assert not {i for i in _ids() if i.startswith("portfolio.")}


def test_a_page_size_above_the_cap_is_e001(settings):
    settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE = 300, 200
    assert "portfolio.E001" in _ids()


@pytest.mark.parametrize("rate", ["120/minutes", "fast", "0/minute", "120 / minute"])
def test_a_throttle_rate_drf_cannot_read_is_e002(settings, rate):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": rate, "token": "10/day"}}
    messages = [m for m in run_checks() if m.id == "portfolio.E002"]
    assert len(messages) == 1 and "API_THROTTLE_ANON" in messages[0].msg


@pytest.mark.parametrize("url", ["portfolio.example.org", "ftp://example.org", "https://example.org/portfolio"])
def test_a_site_url_links_cannot_use_is_e003(settings, url):
    settings.SITE_URL = url
    assert "portfolio.E003" in _ids()


def test_a_claim_timeout_shorter_than_a_send_is_e004(settings):
    settings.REMINDER_CLAIM_TIMEOUT, settings.MAIL_TIMEOUT = 30, 30
    assert "portfolio.E004" in _ids()
    settings.REMINDER_CLAIM_TIMEOUT = 31
    assert "portfolio.E004" not in _ids()


def test_no_reminder_offsets_is_a_warning(settings):
    settings.REMINDER_OFFSETS = []
    assert "portfolio.W001" in _ids()


@pytest.mark.parametrize("ref", ["", "ILO", "XM DAC 41302", "xm-dac-41302"])
def test_a_publisher_that_is_not_an_organisation_identifier_is_e005(settings, ref):
    settings.IATI_REPORTING_ORG_REF = ref
    assert "portfolio.E005" in _ids()


def test_any_host_in_production_is_a_deploy_warning(settings):
    settings.DEBUG, settings.ALLOWED_HOSTS = False, ["*"]
    assert "portfolio.W002" in _ids(include_deployment_checks=True)
    assert "portfolio.W002" not in _ids()
