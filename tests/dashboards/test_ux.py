"""Issue 17 without a browser: filters that never mislead, names and dates in the viewer's language."""
import gettext
import html
import re

import pycountry
import pytest
from django.utils import translation

from dashboards import names
from regions.models import Country, Region

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "es"]


def get(client, path, language="en", **params):
    client.cookies["django_language"] = language
    return client.get(path, params, HTTP_ACCEPT_LANGUAGE=language)


def selected(body: str, name: str) -> tuple[str, str]:
    """The (value, label) of the chosen option of the panel's select `name`."""
    select = re.search(rf'<select id="f-{name}"[^>]*>(.*?)</select>', body, flags=re.DOTALL).group(1)
    value, label = re.search(r'<option value="([^"]*)" selected>([^<]*)</option>', select).groups()
    return value, html.unescape(label)


# --- State that never misleads ---


def test_a_value_that_matches_nothing_is_shown_as_chosen_with_a_notice(client, annex):
    body = get(client, "/projects/", donor="XYZ").content.decode()
    assert selected(body, "donor") == ("XYZ", "XYZ (matches nothing)")
    assert 'data-matches-nothing="donor"' in body
    assert "Donor “XYZ” matches no project" in body
    assert 'data-active-filter="donor"' in body


def test_a_known_value_in_another_case_selects_its_option(client, annex):
    body = get(client, "/", donor="sdc", region="ARAB-STATES").content.decode()
    assert selected(body, "donor")[0] == "SDC"
    assert selected(body, "region") == ("arab-states", "Arab States")
    assert "data-matches-nothing" not in body


def test_a_partner_given_by_acronym_selects_its_option(client, annex):
    from donors.models import Partner

    iom = Partner.objects.get(acronym="IOM")
    body = get(client, "/", partner="iom").content.decode()
    assert selected(body, "partner")[0] == str(iom.pk)
    assert "data-matches-nothing" not in body


def test_an_impossible_year_range_is_a_form_error_naming_the_field(client, annex):
    response = get(client, "/projects/", year_from="2016", year_to="2012")
    body = response.content.decode()
    assert response.context["figures"]["projects"] == 0
    assert 'data-filter-errors="year_to"' in body
    assert "<strong>To year</strong>: The range ends before it starts: 2012 is before 2016." in body
    assert re.search(r'<input id="f-year-to" aria-invalid="true" aria-describedby="filter-errors"', body)
    assert 'value="2016"' in body and 'value="2012"' in body  # the inputs keep what was asked


def test_the_api_refuses_an_impossible_range_naming_the_field(anonymous_client, annex):
    response = anonymous_client.get("/api/v1/projects/", {"year_from": 2016, "year_to": 2012})
    assert response.status_code == 400
    assert list(response.json()) == ["year_to"]


def test_active_filters_link_to_the_page_without_each(client, annex):
    body = html.unescape(get(client, "/", donor="SDC", region="africa").content.decode())
    chips = re.findall(r'data-active-filter="(\w+)">\s*<span><span class="chip__label">([^<]*)</span> ([^<]*)</span>\s*<a href="([^"]*)"', body)
    assert [(name, label, text) for name, label, text, _ in chips] == [
        ("region", "Region:", "Africa"), ("donor", "Donor:", "SDC — Swiss Agency for Development and Cooperation"),
    ]
    assert chips[0][3] == "/?donor=SDC" and chips[1][3] == "/?region=africa"


def test_corridors_page_has_the_filter_panel_and_shows_active_filters(client, annex):
    response = get(client, "/corridors/", region="africa")
    body = response.content.decode()
    assert '<form id="filter-form"' in body and 'hx-get="/corridors/"' in body
    assert selected(body, "region") == ("africa", "Africa")
    assert 'data-active-filter="region"' in body
    assert 'id="f-currency"' not in body  # the corridors page shows no money
    codes = {c.code for c in response.context["corridors"]}
    all_codes = {c.code for c in get(client, "/corridors/").context["corridors"]}
    assert codes < all_codes


# --- Names and dates in the viewer's language ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_country_and_region_has_its_name_in_the_language(language):
    """Walks every ISO 3166 country of the database and every region: none stays English where a translation exists."""
    iso = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    english_left = []
    with translation.override(language):
        for country in Country.objects.all():
            record = pycountry.countries.get(alpha_2=country.code)
            local = names.country_name(country)
            if local == country.name and iso.gettext(record.name) != record.name:
                english_left.append(country.code)
        regions = {r.name: names.region_name(r) for r in Region.objects.all()}
        assert names.region_name(None) != "Global" or language == "en"
    assert Country.objects.count() >= 249 and english_left == []
    assert len(regions) >= 5 and all(local != english for english, local in regions.items())


@pytest.mark.parametrize("language, ethiopia, region", [("fr", "Éthiopie", "Asie et Pacifique"), ("es", "Etiopía", "Asia y el Pacífico")])
def test_pages_show_places_in_the_language(client, annex, language, ethiopia, region):
    english = {c.name for c in Country.objects.filter(projects__isnull=False)} | set(Region.objects.values_list("name", flat=True))
    with translation.override(language):
        local = {names.country_name(c) for c in Country.objects.filter(projects__isnull=False)}
    english -= local  # names spelt the same in both languages (Nepal, Oman)
    body = html.unescape(get(client, "/", language).content.decode())
    options = re.findall(r"<option [^>]*>([^<]*)</option>", body)
    assert ethiopia in options and region in options
    shown = options + re.findall(r'data-label="([^"]*)"', body) + re.findall(r'<abbr title="([^"]*)"', body)
    shown += re.findall(r'<td data-label="[^"]*">([^<]*)</td>', body)
    assert not english & set(shown)
    corridors = html.unescape(get(client, "/corridors/", language).content.decode())
    labels = re.findall(r'class="flows__label"[^>]*>([^<]*)<', corridors) + re.findall(r'<th scope="row">([^<]*)</th>', corridors)
    labels += re.findall(r"<td>([^<]*)</td>", corridors) + re.findall(r'<span title="([^"]*)"', corridors)
    assert labels and not english & set(labels)
    project = html.unescape(get(client, "/projects/gap-migrant-domestic-workers/", language).content.decode())
    where = project[project.index('id="where-heading"'):project.index('id="who-heading"')]
    assert not any(re.search(rf">{re.escape(name)}<", where) for name in english)


@pytest.mark.parametrize("language, short, long", [
    ("fr", "31/12/2016", "1 janvier 2013 – 31 décembre 2016"),
    ("es", "31/12/2016", "1 de enero de 2013 – 31 de diciembre de 2016"),
])
def test_dates_follow_the_language_on_table_project_page_and_timeline(client, annex, language, short, long):
    body = get(client, "/", language, search="domestic workers families").content.decode()
    assert short in body and "12/31/2016" not in body
    assert long in body  # the timeline's bar dates
    project = get(client, "/projects/gap-migrant-domestic-workers/", language).content.decode()
    assert long in project and "Dec. 31, 2016" not in project


@pytest.mark.parametrize("language", LANGUAGES)
def test_csv_stays_iso_in_every_language(client, annex, language):
    response = get(client, "/api/v1/projects/", language, format="csv", search="domestic workers families")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "2013-01-01" in body and "2016-12-31" in body and "31/12/2016" not in body
