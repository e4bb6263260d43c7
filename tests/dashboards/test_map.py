"""The map of projects by country, and the charts whose bars link to the filtered page (issue 17)."""
import itertools
import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboards.geo import count_classes, equal_earth, world_map
from projects.models import Project
from tests.dashboards.test_money import SDC_ONLY, fixed_rates, money  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

COUNTRY_LINK = re.compile(r'<a href="([^"]+)" data-country="([A-Z]{2})" data-count="(\d+)"><title>([^<]*)</title>')
TABLE_ROW = re.compile(
    r'<tr data-country-row="([A-Z]{2})">\s*<th scope="row"><a href="([^"]+)">([^<]+)</a>.*?<td class="num" data-count>(\d+)</td>',
    re.DOTALL,
)


def map_links(body: str) -> dict[str, tuple[str, int, str]]:
    """{code: (href, count, title)} of the countries the map draws as links."""
    return {code: (unescape(href), int(n), unescape(title)) for href, code, n, title in COUNTRY_LINK.findall(body)}


def table_rows(body: str) -> dict[str, tuple[str, int]]:
    return {code: (unescape(href), int(n)) for code, href, _name, n in TABLE_ROW.findall(body)}


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_projection_and_geometry_are_sane():
    assert equal_earth(0, 0) == (0.0, 0.0)
    x, y = equal_earth(180, 0)
    assert 2.70 < x < 2.71 and y == 0
    world = world_map()
    assert world is world_map()  # decoded once per process
    assert {"NP", "AE", "ET", "FR", "GL"} <= set(world.shapes) and "AQ" not in world.shapes
    assert {"BH", "WS", "KI", "TV", "SG"} <= set(world.dots)  # too small for 1:110m: drawn as dots
    assert all(0 <= x <= world.width and 0 <= y <= world.height for x, y in world.dots.values())
    # No edge runs across the map: Fiji's and Russia's rings are cut at the antimeridian.
    for code, path in world.shapes.items():
        for ring in re.findall(r"l([-\d ]+)z", path):
            steps = [int(n) for n in re.findall(r"-?\d+", ring)]
            assert max(abs(dx) for dx in steps[::2]) < world.width / 4, code
    # Nepal lies east and north of Ethiopia on the drawing (y grows downwards).
    nepal, ethiopia = (re.match(r"M(\d+) (\d+)", world.shapes[code]).groups() for code in ("NP", "ET"))
    assert int(nepal[0]) > int(ethiopia[0]) and int(nepal[1]) < int(ethiopia[1])


def test_count_classes_cover_one_to_the_largest_without_gaps():
    for top in (1, 2, 3, 5, 21, 1000):
        classes = count_classes(top)
        assert classes[0][0] == 1 and classes[-1][1] == top
        assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(classes))
        assert len(classes) <= 4
    assert count_classes(0) == []


def test_map_links_carry_the_filters_and_counts_equal_the_table_and_the_list(anonymous_client, annex):
    response = anonymous_client.get("/", {"region": "arab-states", "ordering": "title", "page": "1"})
    body = response.content.decode()
    assert "<svg" in body and "data-map-svg" in body
    links, rows = map_links(body), table_rows(body)
    # Every country with projects is in the table; those the map can draw are links with the same figures.
    assert set(links) <= set(rows) and len(rows) == len(response.context["country_map"].countries)
    assert {"JO", "LB", "KW"} <= set(links)
    for code, (href, n, title) in links.items():
        assert rows[code] == (href, n)
        assert query_of(href) == {"region": ["arab-states"], "ordering": ["title"], "country": [code]}
        assert title.endswith(f": {n} project" + ("s" if n != 1 else ""))
    # The count a country shows is what its link lists.
    for code, (href, n) in rows.items():
        followed = anonymous_client.get("/" + href)
        assert followed.context["figures"]["projects"] == n, code
        assert followed.context["page"].paginator.count == n


def test_projects_without_a_country_are_stated_not_drawn(anonymous_client, annex):
    response = anonymous_client.get("/")
    no_country = Project.objects.filter(is_published=True, countries__isnull=True).count()
    assert no_country > 0  # the annex's global and regional projects
    assert response.context["country_map"].no_country == no_country
    body = response.content.decode()
    assert f'data-no-country="{no_country}"' in body
    assert f"{no_country} projects have no country (global or regional): they are not on the map." in body


def test_the_map_table_works_without_javascript(anonymous_client, annex):
    body = anonymous_client.get("/").content.decode()
    table = body[body.index("data-map-table"):]
    assert table.index("<summary>") < table.index("<table")  # a <details>: opens without a script
    assert "<script" not in body[body.index("data-map"):body.index("data-map-table")]
    rows = table_rows(body)
    assert sum(n for _href, n in rows.values()) >= 21 - anonymous_client.get("/").context["country_map"].no_country
    assert rows["NP"][0].endswith("country=NP")


def test_small_countries_are_dots_and_a_filter_keeps_the_map_to_its_projects(anonymous_client, annex):
    body = anonymous_client.get("/", {"country": "BH"}).content.decode()
    links = map_links(body)
    assert "BH" in links
    assert re.search(r'data-country="BH" data-count="\d+"><title>[^<]*</title><circle', body)


def test_the_donor_page_has_the_map_of_its_projects(anonymous_client, annex):
    response = anonymous_client.get("/donors/SDC/")
    countries = response.context["country_map"].countries
    funded = Project.objects.filter(fundings__donor__acronym="SDC", is_published=True)
    assert {c.code for c in countries} == set(funded.values_list("countries__code", flat=True)) - {None}
    for href, _n, _title in map_links(response.content.decode()).values():
        assert href.startswith("?country=")  # stays on the donor's page, whose donor is fixed


def test_the_map_shows_money_in_the_pages_currency_when_there_is_some(anonymous_client, money):  # noqa: F811
    response = anonymous_client.get("/", {"donor": "SDC", "currency": "CHF"})
    body = response.content.decode()
    bangladesh = next(c for c in response.context["country_map"].countries if c.code == "BD")
    assert bangladesh.budget.currency == "CHF" and bangladesh.budget.total == Decimal("166535.00")
    assert "Budget (CHF)" in body and "Disbursed (CHF)" in body
    assert "budget 166,535 CHF, disbursed " in map_links(body)["BD"][2]
    assert "Budget (" not in anonymous_client.get("/", {"donor": "EC"}).content.decode()


def test_chart_bars_link_to_the_page_with_their_filter(anonymous_client, annex):
    response = anonymous_client.get("/", {"status": "4", "page": "2"})
    region = {bar.key: bar.href for bar in response.context["by_region"]}
    assert query_of(region["africa"]) == {"status": ["4"], "region": ["africa"]}
    assert query_of(region[""]) == {"status": ["4"], "region": ["global"]}
    donor = {bar.key: bar.href for bar in response.context["by_donor"]}
    assert query_of(donor["SDC"]) == {"status": ["4"], "donor": ["SDC"]}
    year = next(bar for bar in response.context["per_year"] if bar.value)
    assert query_of(year.href) == {"status": ["4"], "year_from": [year.key], "year_to": [year.key]}
    # The link is in the bar table (no JavaScript), and the count it shows is what it lists.
    body = response.content.decode()
    assert f'data-href="{region["africa"].replace("&", "&amp;")}"' in body
    assert f'<a href="{region["africa"].replace("&", "&amp;")}">' in body
    followed = anonymous_client.get("/" + year.href)
    assert followed.context["figures"]["projects"] == year.value
    africa = next(bar for bar in response.context["by_region"] if bar.key == "africa")
    assert anonymous_client.get("/" + africa.href).context["figures"]["projects"] == africa.value


def test_on_a_donor_page_another_donors_bar_opens_that_donors_page(anonymous_client, annex):
    response = anonymous_client.get("/donors/SDC/", {"region": "asia-pacific"})
    for bar in response.context["by_donor"]:
        assert bar.href == f"/donors/{bar.key}/?region=asia-pacific"
