"""Issue 17 in headless Chromium: state that never misleads, phones (390 px), print, no console errors.

Uses the harness of test_browser.py: every page fails its test on a console error
or an uncaught exception, and screenshots go to artifacts/screenshots/.
"""
import itertools
import re

import pytest
from playwright.sync_api import expect

from tests.dashboards.test_browser import AXE, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MAIN_PAGES = ["/", "/corridors/", "/projects/gap-migrant-domestic-workers/", "/donors/SDC/"]


@pytest.fixture
def page(browser, live_server, annex):
    with open_page(browser, live_server) as page:
        yield page


def panel(page) -> dict[str, str]:
    return {name: page.locator(f"#f-{name}").input_value() for name in ("donor", "region", "year-from")}


def test_controls_follow_the_address_through_htmx_back_and_forward(page):
    page.goto("/")
    page.evaluate("window.__marker = 'still here'")
    page.locator("#f-donor").select_option("SDC")
    expect(page).to_have_url(re.compile(r"\?donor=SDC$"))
    page.locator("#f-region").select_option("africa")
    expect(page).to_have_url(re.compile(r"region=africa"))
    expect(page.locator('[data-figure="projects"] dd')).to_have_text("1")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?donor=SDC$"))
    expect(page.locator('[data-figure="projects"] dd')).to_have_text("5")
    assert panel(page) == {"donor": "SDC", "region": "", "year-from": ""}
    page.go_back()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator('[data-figure="projects"] dd')).to_have_text("21")
    assert panel(page) == {"donor": "", "region": "", "year-from": ""}
    page.go_forward()
    page.go_forward()
    expect(page).to_have_url(re.compile(r"region=africa"))
    expect(page.locator('[data-figure="projects"] dd')).to_have_text("1")
    assert panel(page) == {"donor": "SDC", "region": "africa", "year-from": ""}
    assert page.evaluate("window.__marker") == "still here"  # all of it through htmx, no reload

    # Removing an active filter (an htmx link) updates the panel too.
    page.locator('[data-active-filter="donor"] a').click()
    expect(page).to_have_url(re.compile(r"/\?region=africa$"))
    expect(page.locator("#f-donor")).to_have_value("")
    expect(page.locator("#f-region")).to_have_value("africa")
    screenshot(page, "ux-back-forward")


def test_a_value_matching_nothing_stays_chosen_and_says_so(page):
    page.goto("/projects/?donor=XYZ")
    expect(page.locator("#f-donor")).to_have_value("XYZ")
    expect(page.locator("#f-donor option:checked")).to_have_text("XYZ (matches nothing)")
    expect(page.locator('[data-matches-nothing="donor"]')).to_contain_text("matches no project")
    page.locator("#f-region").select_option("africa")  # another filter keeps it
    expect(page).to_have_url(re.compile(r"region=africa&donor=XYZ"))
    expect(page.locator('[data-active-filter="region"]')).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/projects/\?donor=XYZ$"))
    expect(page.locator("#f-donor")).to_have_value("XYZ")
    expect(page.locator("#f-region")).to_have_value("")
    screenshot(page, "ux-matches-nothing")


def test_an_impossible_range_is_an_error_on_the_form(page):
    page.goto("/projects/?year_from=2016&year_to=2012")
    expect(page.locator("[data-filter-errors]")).to_contain_text("To year")
    expect(page.locator("#f-year-to")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("tr[data-project]")).to_have_count(0)
    page.locator("#f-year-to").fill("2018")
    page.locator("#f-year-to").dispatch_event("change")
    expect(page).to_have_url(re.compile(r"year_to=2018"))
    expect(page.locator("[data-filter-errors]")).to_have_count(0)
    expect(page.locator("#f-year-to")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("tr[data-project]").first).to_be_visible()


def test_corridors_page_filters_in_place_and_shows_the_filters(page):
    page.goto("/corridors/")
    total = page.locator("tr[data-corridor]").count()
    page.locator("#f-country").select_option("NP")
    expect(page).to_have_url(re.compile(r"/corridors/\?country=NP$"))
    expect(page.locator('[data-active-filter="country"]')).to_contain_text("Nepal")
    expect(page.locator('tr[data-corridor="NP-AE"]')).to_be_visible()
    assert page.locator("tr[data-corridor]").count() < total
    screenshot(page, "ux-corridors-filtered")


@pytest.mark.parametrize("language, ethiopia, region, date", [
    ("fr", "Éthiopie", "Afrique", "31/12/2011"), ("es", "Etiopía", "África", "31/12/2011"),
])
def test_places_and_dates_in_french_and_spanish(browser, live_server, annex, language, ethiopia, region, date):
    with open_page(browser, live_server) as page:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto("/?region=africa")
        expect(page.locator("#f-region option:checked")).to_have_text(region)
        expect(page.locator("#f-country option", has_text=ethiopia)).to_have_count(1)
        expect(page.locator('tr[data-project="migsec"]')).to_contain_text(date)
        labels = page.evaluate("() => window.Chart.getChart(document.getElementById('chart-region')).data.labels")
        assert labels == [region]
        screenshot(page, f"ux-dashboard-{language}")


def overlaps(boxes) -> list:
    boxes = sorted(boxes, key=lambda b: b["x"])
    return [(a, b) for a, b in itertools.pairwise(boxes) if a["x"] + a["width"] > b["x"]]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_phone_pages_are_usable_at_390_pixels(page, path):
    page.set_viewport_size(PHONE)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    # No page scrolls sideways as a whole: wide parts (timeline, matrix, flows) scroll in their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Every text is at least 12 px (SVG text measured as drawn, scaled by its viewBox).
    small = page.evaluate("""() => {
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            if (!el.childNodes.length || ![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
            const box = el.getBoundingClientRect();
            if (!box.width || !box.height || el.closest('.visually-hidden, [hidden], title, .bars')) continue;
            let size = parseFloat(getComputedStyle(el).fontSize);
            if (el instanceof SVGElement) size *= el.ownerSVGElement.getScreenCTM().a;
            if (size < 11.99) out.push([el.tagName, el.className.baseVal ?? el.className, size]);
        }
        return out;
    }""")
    assert small == []
    if path == "/":
        years = page.locator(".timeline__year")
        assert years.count() >= 10
        assert overlaps([years.nth(i).bounding_box() for i in range(years.count())]) == []
        # The table reflows into cards: every column of the first project is on screen.
        for cell in page.locator("tr[data-project]").first.locator("td").all():
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], cell.get_attribute("data-label")
        expect(page.locator("tr[data-project]").first.locator('td[data-label="Status"]')).to_be_visible()
        page.locator(".timeline-card").screenshot(path=str(screenshot_path("phone-timeline")))
    screenshot(page, "phone-" + (path.strip("/").replace("/", "-") or "dashboard"))


def screenshot_path(name):
    from tests.dashboards.test_browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
@pytest.mark.parametrize("path", MAIN_PAGES + ["/projects/?donor=XYZ", "/corridors/?region=africa"])
def test_main_pages_pass_axe_at_phone_and_desktop_width(browser, live_server, annex, path, viewport):
    with open_page(browser, live_server, bypass_csp=True) as page:
        page.set_viewport_size(viewport)
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []


@pytest.mark.parametrize("path", MAIN_PAGES + ["/results/", "/accounts/login/"])
def test_printing_shows_the_content_only(page, path):
    page.goto(path)
    page.emulate_media(media="print")
    for selector in (".site-header", ".site-footer", ".filters", ".button", ".pagination", "nav.breadcrumbs"):
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()


def test_staff_see_edit_in_admin_on_project_pages_and_others_do_not(browser, live_server, annex, officer):
    with open_page(browser, live_server) as page:
        page.goto("/projects/capsa/")
        expect(page.locator("[data-edit-in-admin]")).to_have_count(0)
        page.goto("/accounts/login/?next=/projects/capsa/")
        page.get_by_label("Username").fill(officer.username)
        page.get_by_label("Password").fill("pw-officer-1")
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(re.compile(r"/projects/capsa/$"))
        link = page.get_by_role("link", name="Edit in admin")
        expect(link).to_have_attribute("href", re.compile(r"^/admin/projects/project/\d+/change/$"))
        link.click()
        expect(page).to_have_url(re.compile(r"/admin/projects/project/\d+/change/$"))


@pytest.mark.parametrize("path", [
    "/", "/projects/?donor=XYZ", "/corridors/", "/results/", "/projects/capsa/", "/donors/EC/",
    "/accounts/login/", "/api/docs/", "/api/v1/projects/",
])
def test_no_console_error_under_the_content_security_policy(page, path):
    """open_page fails the test on any console message of type error (CSP violations included)."""
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    if path == "/api/docs/":
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Portfolio API")


def test_the_favicon_is_served(page):
    response = page.goto("/favicon.ico")
    assert response.status == 200 and response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
