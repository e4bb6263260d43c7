"""Names of places in the viewer's language.

Countries come from the ISO 3166 translations that pycountry ships (gettext
domain iso3166-1); regions are the annex's ILO regions, translated through the
project's own .po catalogues (their English names are marked below so that
makemessages collects them).
"""
import functools
import gettext as gettext_module

import pycountry
from django.utils.translation import get_language, gettext, gettext_noop

# The ILO regions of regions/fixtures (the annex): their names as the database holds them.
REGION_NAMES = (
    gettext_noop("Africa"),
    gettext_noop("Americas"),
    gettext_noop("Arab States"),
    gettext_noop("Asia and the Pacific"),
    gettext_noop("Europe and Central Asia"),
)


def _language() -> str:
    return (get_language() or "en").split("-")[0]


@functools.cache
def _iso3166(language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


@functools.cache
def _country_name(code: str, name: str, language: str) -> str:
    if language == "en":
        return name
    record = pycountry.countries.get(alpha_2=code)
    if record is None:
        return name
    translations = _iso3166(language)
    # The database holds pycountry's name, its common name or its official one ("Republic of Moldova"):
    # translate the one it holds; another name of the country only when it holds none of them.
    candidates = [c for c in (getattr(record, attr, None) for attr in ("name", "common_name", "official_name")) if c]
    if name in candidates:
        return translations.gettext(name)
    return translations.gettext(candidates[0])


def country_name(country) -> str:
    """A Country's name in the active language (its stored English name when pycountry has none)."""
    return _country_name(country.code, country.name, _language())


def region_name(region) -> str:
    """A Region's name in the active language; None (no region) is "Global"."""
    return gettext(region.name) if region is not None else gettext("Global")


def corridor_name(corridor) -> str:
    return f"{country_name(corridor.origin)} → {country_name(corridor.destination)}"
