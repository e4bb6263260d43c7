"""The French and Spanish catalogues are complete and compiled."""
import gettext
import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_catalogue_is_fully_translated_and_compiled(language):
    po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "(.+)"$', po, flags=re.M)
    assert entries
    assert "fuzzy" not in po and "#|" not in po
    empty = re.findall(r'^msgid "(.+)"\n(?:msgid_plural ".*"\n)?msgstr(?:\[0\])? ""$', po, flags=re.M)
    assert empty == []
    catalogue = gettext.GNUTranslations((LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb"))
    for msgid in ("Filters", "Projects by donor", "Reporting deadlines"):
        assert catalogue.gettext(msgid) != msgid


@override_settings(LANGUAGE_CODE="en")
def test_dates_on_the_dashboard_follow_the_language(client, annex):
    client.cookies["django_language"] = "fr"
    body = client.get("/", {"donor": "SDC"}).content.decode()
    assert "31/12/2014" in body  # French short date
    with translation.override("es"):
        client.cookies["django_language"] = "es"
        body = client.get("/", {"donor": "SDC"}).content.decode()
    assert "Proyectos por donante" in body


@pytest.mark.django_db
@pytest.mark.parametrize("language, expected", [("fr", "Indiquez une année"), ("es", "Indique un año")])
def test_filter_errors_are_in_the_viewers_language(client, annex, language, expected):
    client.cookies["django_language"] = language
    body = client.get("/", {"year_from": "twenty"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert expected in body and "Give a year" not in body
    body = client.get("/", {"year_from": "2016", "year_to": "2012"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "The range ends before it starts" not in body
