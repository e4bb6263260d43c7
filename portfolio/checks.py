"""System checks of settings that parse but do not fit together.

Values that do not parse at all stop start-up in settings.py (portfolio.env names the
variable); what the check framework can say better is here, with ids, so
`manage.py check --deploy` and `migrate` name the problem before traffic arrives.
"""
import re
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# "<number>/<second|minute|hour|day>", as DRF's SimpleRateThrottle reads it.
THROTTLE_RATE_RE = re.compile(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)")
# An IATI organisation identifier: a registration-agency prefix and an id, no spaces (e.g. XM-DAC-41302).
ORGANISATION_REF_RE = re.compile(r"[A-Z]{2}-[A-Za-z0-9]+-\S+")


@register(Tags.compatibility)
def check_api_settings(app_configs, **kwargs):
    errors = []
    if settings.API_PAGE_SIZE > settings.API_MAX_PAGE_SIZE:
        errors.append(Error(
            f"API_PAGE_SIZE ({settings.API_PAGE_SIZE}) is larger than API_MAX_PAGE_SIZE ({settings.API_MAX_PAGE_SIZE}).",
            hint="Lower API_PAGE_SIZE or raise API_MAX_PAGE_SIZE.", id="portfolio.E001",
        ))
    for scope, rate in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].items():
        if rate is not None and not THROTTLE_RATE_RE.fullmatch(rate):
            variable = {"anon": "API_THROTTLE_ANON", "token": "API_THROTTLE_TOKEN", "user": "API_THROTTLE_USER"}.get(scope, scope)
            errors.append(Error(
                f"{variable} is {rate!r}; give a rate as <number>/<second|minute|hour|day>, e.g. 120/minute.",
                id="portfolio.E002",
            ))
    return errors


@register(Tags.compatibility)
def check_site_url(app_configs, **kwargs):
    url = urlparse(settings.SITE_URL)
    if url.scheme not in {"http", "https"} or not url.hostname or url.path not in {"", "/"}:
        return [Error(
            f"SITE_URL is {settings.SITE_URL!r}; e-mails and calendar feeds link to it.",
            hint="Give the site's address with scheme and host and no path, e.g. https://portfolio.example.org.",
            id="portfolio.E003",
        )]
    return []


@register(Tags.compatibility)
def check_reminder_settings(app_configs, **kwargs):
    errors = []
    if settings.REMINDER_CLAIM_TIMEOUT <= settings.MAIL_TIMEOUT:
        errors.append(Error(
            f"REMINDER_CLAIM_TIMEOUT ({settings.REMINDER_CLAIM_TIMEOUT} s) must be longer than EMAIL_TIMEOUT "
            f"({settings.MAIL_TIMEOUT} s): a digest still being sent would be claimed again and sent twice.",
            id="portfolio.E004",
        ))
    if not settings.REMINDER_OFFSETS:
        errors.append(Warning(
            "REMINDER_OFFSETS is empty: no reminder will ever be sent.",
            hint="Set days relative to the due date, e.g. -30,-7,-1,1,7.", id="portfolio.W001",
        ))
    return errors


@register(Tags.compatibility)
def check_iati_publisher(app_configs, **kwargs):
    if not ORGANISATION_REF_RE.fullmatch(settings.IATI_REPORTING_ORG_REF or ""):
        return [Error(
            f"IATI_REPORTING_ORG_REF is {settings.IATI_REPORTING_ORG_REF!r}, not an IATI organisation identifier.",
            hint="Give the publisher's identifier as registration agency and id, e.g. XM-DAC-41302.",
            id="portfolio.E005",
        )]
    return []


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs, **kwargs):
    if not settings.DEBUG and "*" in settings.ALLOWED_HOSTS:
        return [Warning(
            "ALLOWED_HOSTS contains '*' with DJANGO_DEBUG=0: any Host header is accepted, and links built from it "
            "(calendar feeds) can point elsewhere.",
            hint="List the site's host names.", id="portfolio.W002",
        )]
    return []
