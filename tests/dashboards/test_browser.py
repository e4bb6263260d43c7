"""The dashboards in headless Chromium (Debian's package), driven by Playwright against a live server.

Every test fails on a JavaScript error or a console error, and saves a
screenshot under artifacts/screenshots/.
"""
import contextlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.dashboards.test_money import RATES_FILE as MONEY_RATES
from tests.dashboards.test_money import SDC_ONLY, money  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
@contextlib.contextmanager
def open_page(browser, live_server, *, bypass_csp=False):
    """A fresh browser page; fails the test on any console error or uncaught exception."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, base_url=live_server.url, bypass_csp=bypass_csp
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    yield page
    context.close()
    assert errors == [], f"JavaScript console errors: {errors}"


@pytest.fixture
def page(browser, live_server, annex):
    """A page under the site's content security policy."""
    with open_page(browser, live_server) as page:
        yield page


@pytest.fixture
def axe_page(browser, live_server, annex):
    """A page that may inject axe-core despite the content security policy."""
    with open_page(browser, live_server, bypass_csp=True) as page:
        yield page


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def figure(page, name: str):
    return page.locator(f'[data-figure="{name}"] dd')


def chart_data(page, chart_id: str) -> list[int]:
    return page.evaluate(
        "id => window.Chart.getChart(document.getElementById(id)).data.datasets[0].data", chart_id
    )


def test_choosing_donor_sdc_shows_five_projects_and_updates_figures_and_charts(page):
    page.goto("/")
    expect(figure(page, "projects")).to_have_text("21")
    assert sum(chart_data(page, "chart-region")) == 21
    screenshot(page, "dashboard-all")

    page.get_by_label("Donor", exact=True).select_option("SDC")

    expect(figure(page, "projects")).to_have_text("5")
    expect(page).to_have_url(re.compile(r"[?&]donor=SDC"))
    expect(page.locator("tr[data-project]")).to_have_count(5)
    expect(figure(page, "donors")).to_have_text("1")
    assert chart_data(page, "chart-donor") == [5]
    assert sum(chart_data(page, "chart-region")) == 5
    assert max(chart_data(page, "chart-year")) == 5
    csv = page.get_by_role("link", name="Download CSV")
    assert csv.get_attribute("href").endswith("?donor=SDC&format=csv")
    screenshot(page, "dashboard-donor-sdc")


def test_timeline_draws_one_bar_per_filtered_project_over_their_span(page):
    page.goto("/?region=arab-states")
    count = int(figure(page, "projects").inner_text())
    assert count == 5
    expect(page.locator("[data-timeline-bar]")).to_have_count(count)
    expect(page.locator(".timeline__today")).to_have_count(0)  # the annex ended before today
    page.get_by_label("Region", exact=True).select_option("africa")
    expect(figure(page, "projects")).to_have_text("4")
    expect(page.locator("[data-timeline-bar]")).to_have_count(4)
    page.locator(".timeline-card").screenshot(path=str(SCREENSHOTS / "timeline-africa.png"))
    screenshot(page, "dashboard-africa")


def test_text_search_and_sorting_update_without_a_reload(page):
    page.goto("/")
    page.evaluate("window.__marker = 'still here'")
    page.get_by_label("Text", exact=True).fill("domestic workers")
    expect(page).to_have_url(re.compile(r"search=domestic"))
    expect(page.locator("tr[data-project]").first).to_be_visible()
    page.get_by_role("link", name="Project", exact=True).click()
    expect(page).to_have_url(re.compile(r"ordering=short_name"))
    expect(page.locator('th[aria-sort="ascending"]')).to_have_count(1)
    titles = page.locator("tr[data-project] td:first-child a").all_inner_texts()
    assert titles and titles == sorted(titles, key=str.casefold)
    assert page.evaluate("window.__marker") == "still here"  # htmx swapped, no full reload
    # A project link leaves the dashboard for the project's own page.
    first = page.locator("tr[data-project] td:first-child a").first
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/projects/[-a-z0-9]+/$"))
    expect(page.locator("nav.breadcrumbs")).to_contain_text(title)


def test_pagination_swaps_the_results_in_place(page):
    page.goto("/")
    page.evaluate("window.__marker = 'still here'")
    expect(page.locator("tr[data-project]")).to_have_count(20)
    page.get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("tr[data-project]")).to_have_count(1)
    assert page.evaluate("window.__marker") == "still here"


def test_corridor_page_lists_np_ae(page):
    page.goto("/corridors/")
    row = page.locator('tr[data-corridor="NP-AE"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("Nepal")
    expect(row).to_contain_text("United Arab Emirates")
    expect(page.get_by_role("link", name=re.compile(r"NP-AE: \d+ project"))).to_be_visible()
    screenshot(page, "corridors")


def test_project_page_links_to_api_and_iati(page):
    page.goto("/projects/gap-migrant-domestic-workers/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Global action programme")
    expect(page.get_by_role("link", name="API (JSON)")).to_have_attribute("href", re.compile(r"^/api/v1/projects/\d+/$"))
    expect(page.get_by_role("link", name="IATI activity (XML)")).to_have_attribute("href", re.compile(r"iati\.xml$"))
    screenshot(page, "project-gap")


def test_switching_to_french_translates_the_page(page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Filters")).to_be_visible()
    with page.expect_navigation():
        page.get_by_label("Language", exact=True).select_option("fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Filtres")).to_be_visible()
    expect(page.get_by_label("Bailleur", exact=True)).to_be_visible()
    page.get_by_label("Bailleur", exact=True).select_option("SDC")
    expect(figure(page, "projects")).to_have_text("5")
    screenshot(page, "dashboard-fr")
    # Switching again keeps the filters chosen since the page loaded.
    with page.expect_navigation():
        page.get_by_label("Langue", exact=True).select_option("es")
    expect(page.get_by_role("heading", name="Filtros")).to_be_visible()
    expect(page).to_have_url(re.compile(r"donor=SDC"))
    expect(figure(page, "projects")).to_have_text("5")


def test_keyboard_user_can_skip_to_content_and_filter(page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_label("Status", exact=True).focus()
    page.keyboard.press("ArrowDown")  # select the first status with the keyboard
    expect(page).to_have_url(re.compile(r"status=1"))


def test_donor_user_logs_in_and_sees_own_reporting_deadlines(page, donor_user_sdc):
    import datetime

    from deadlines.models import Deadline
    from projects.models import Project

    Deadline.objects.create(
        project=Project.objects.get(slug="bangladesh-migration-policy"), kind="progress-report",
        title="SDC progress report, year 1", due_on=datetime.date(2012, 3, 1),
    )
    page.goto("/accounts/login/?next=/donors/SDC/")
    page.get_by_label("Username").fill("sdc-user")
    page.get_by_label("Password").fill("pw-sdc-user")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/donors/SDC/$"))
    expect(page.get_by_role("heading", name="Next reporting deadlines")).to_be_visible()
    expect(page.locator("[data-deadlines]")).to_contain_text("SDC progress report, year 1")
    expect(page.locator("[data-deadlines]")).to_contain_text("Overdue")
    screenshot(page, "donor-sdc-logged-in")


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize(
    "path", ["/", "/?donor=SDC", "/corridors/", "/projects/gap-migrant-domestic-workers/", "/donors/EC/", "/accounts/login/"]
)
def test_pages_pass_axe_wcag_aa_checks(axe_page, path):
    """axe-core (npm devDependency, installed by scripts/assets) finds no WCAG 2 A/AA violation."""
    assert AXE.exists(), "axe-core is missing: run scripts/assets (npm ci)."
    page = axe_page
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    violations = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in result["violations"]
    ]
    assert violations == []


@pytest.mark.parametrize("path, last_columns", [
    ("/admin/projects/project/", ["column-donor_list", "column-is_published"]),
    ("/admin/deadlines/deadline/", ["column-status", "column-timing", "column-owner"]),
])
def test_admin_lists_fit_a_1366_pixel_screen(browser, live_server, annex, officer, path, last_columns):
    """An officer's laptop: the list's last columns are on screen beside the filters, no sideways scrolling."""
    from deadlines.services import deadlines_generate_all

    deadlines_generate_all()
    with open_page(browser, live_server) as page:
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto("/admin/login/")
        page.fill("#id_username", officer.username)
        page.fill("#id_password", "pw-officer-1")
        page.click("input[type=submit]")
        page.goto(path)
        for column in last_columns:
            box = page.locator(f"th.{column}").bounding_box()
            assert box is not None and box["x"] + box["width"] <= 1366, (column, box)
        screenshot(page, "admin-" + path.strip("/").replace("/", "-") + "-1366")


# --- Money (issue 13): the currency picker through htmx, the money charts, WCAG checks with money ---


@pytest.fixture
def money_page(browser, live_server, money, settings):  # noqa: F811 (the fixture imported above)
    """A page over the money of tests/dashboards/test_money.py, converted at the fixed rates."""
    settings.PORTFOLIO_RATES_FILE, settings.PORTFOLIO_CURRENCY = str(MONEY_RATES), "USD"
    with open_page(browser, live_server) as page:
        yield page


def money_amount(page, name: str):
    return page.locator(f'[data-money-figure="{name}"] [data-amount]')


def test_picking_a_currency_converts_the_cards_in_place_and_keeps_it_in_the_url(money_page):
    page = money_page
    page.goto("/?donor=SDC")
    expect(money_amount(page, "budget")).to_have_text("195,570")
    assert chart_data(page, "chart-spending") == [12345.67]
    assert len(page.evaluate("() => window.Chart.getChart(document.getElementById('chart-donor-money')).data.datasets")) == 2

    page.get_by_label("Currency of the totals").select_option("CHF")

    expect(money_amount(page, "budget")).to_have_text("166,535")
    expect(page).to_have_url(re.compile(r"[?&]currency=CHF"))
    expect(page.locator("#money-heading")).to_have_text("Money, in CHF")
    expect(page.locator(f'tr[data-project="{SDC_ONLY}"] a').first).to_have_attribute(
        "href", f"/projects/{SDC_ONLY}/?currency=CHF")
    screenshot(page, "dashboard-money-chf")

    page.locator(f'tr[data-project="{SDC_ONLY}"] a').first.click()
    expect(page.locator("[data-share-spent]")).to_have_text("6% used")
    expect(page.locator("#money-heading")).to_have_text("Money, in CHF")
    page.get_by_label("Currency of the totals").select_option("EUR")
    expect(page).to_have_url(re.compile(r"[?&]currency=EUR"))
    expect(page.locator("#money-heading")).to_have_text("Money, in EUR")
    screenshot(page, "project-money-eur")


@pytest.mark.parametrize("path", ["/?donor=SDC", f"/projects/{SDC_ONLY}/", "/donors/SDC/"])
def test_pages_with_money_pass_axe_wcag_aa_checks(browser, live_server, money, settings, path):  # noqa: F811
    settings.PORTFOLIO_RATES_FILE = str(MONEY_RATES)
    with open_page(browser, live_server, bypass_csp=True) as page:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []


# --- Issue 17: the map and the charts that filter ---


def test_clicking_a_country_on_the_map_filters_the_page(page):
    page.goto("/?region=arab-states")
    jordan = page.locator('[data-map-svg] a[data-country="JO"]')
    count = jordan.get_attribute("data-count")
    screenshot(page, "dashboard-map-arab-states")
    jordan.click()
    expect(page).to_have_url(re.compile(r"[?&]region=arab-states&country=JO$"))
    expect(figure(page, "projects")).to_have_text(count)
    expect(page.locator("tr[data-project]")).to_have_count(int(count))
    page.locator("[data-map]").screenshot(path=str(SCREENSHOTS / "map-jordan.png"))


def test_the_map_at_phone_width_fits_and_its_table_opens(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    box = page.locator("[data-map-svg]").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.get_by_text("The map as a table").click()
    expect(page.locator('[data-map-table] tr[data-country-row="NP"]')).to_be_visible()
    page.locator("[data-map]").screenshot(path=str(SCREENSHOTS / "map-phone.png"))
    screenshot(page, "dashboard-map-phone")


@pytest.mark.parametrize("chart_id, expected", [
    ("chart-region", r"[?&]region=[-a-z]+"),
    ("chart-donor", r"[?&]donor=[A-Z]+"),
    ("chart-year", r"[?&]year_from=(\d{4})&year_to=\1"),
])
def test_clicking_a_bar_applies_its_filter(page, chart_id, expected):
    page.goto("/?status=4")
    expect(page.locator(f"#{chart_id}")).to_be_visible()
    page.locator(f"#{chart_id}").scroll_into_view_if_needed()
    value = chart_data(page, chart_id)[0]
    point = page.evaluate(
        """id => { const chart = window.Chart.getChart(document.getElementById(id));
                   const bar = chart.getDatasetMeta(0).data[0];
                   const box = chart.canvas.getBoundingClientRect();
                   const p = bar.getCenterPoint ? bar.getCenterPoint() : {x: bar.x, y: bar.y};
                   return {x: box.left + p.x, y: box.top + p.y}; }""",
        chart_id,
    )
    page.mouse.click(point["x"], point["y"])
    expect(page).to_have_url(re.compile(expected))
    expect(page).to_have_url(re.compile(r"[?&]status=4"))
    expect(figure(page, "projects")).to_have_text(str(value))
