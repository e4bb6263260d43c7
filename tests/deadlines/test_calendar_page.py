"""The calendar page: in the site's navigation and style, translated, post/redirect/get, no inline script."""
import re

import pytest
from django.test import Client

from deadlines.models import CalendarFeed

pytestmark = pytest.mark.django_db

FEED_URL = re.compile(r'value="(https?://[^"]+/calendar/[^"]+\.ics)"')


def test_logged_out_visitor_goes_to_the_sites_own_login(anonymous_client):
    response = anonymous_client.get("/calendar/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/calendar/"
    assert anonymous_client.get(response["Location"]).status_code == 200


def test_a_donor_user_logs_in_on_the_site_and_reaches_the_calendar(anonymous_client, donor_user_sdc):
    response = anonymous_client.post(
        "/accounts/login/?next=/calendar/", {"username": donor_user_sdc.username, "password": "pw-sdc-user", "next": "/calendar/"},
    )
    assert response.status_code == 302 and response["Location"] == "/calendar/"
    assert anonymous_client.get("/calendar/").status_code == 200


@pytest.mark.parametrize("persona", ["officer_client", "sdc_client"])
def test_navigation_links_the_calendar_for_logged_in_users(request, persona):
    client = request.getfixturevalue(persona)
    assert 'href="/calendar/"' in client.get("/").text
    assert 'href="/calendar/"' not in Client().get("/").text  # anonymous


def test_page_is_styled_like_the_site_and_has_no_inline_script(sdc_client):
    page = sdc_client.get("/calendar/")
    assert page.status_code == 200
    assert 'class="site-header"' in page.text and "dashboards/dashboards.css" in page.text
    assert 'href="/calendar/" aria-current="page"' in page.text
    assert "deadlines/calendar.js" in page.text
    # The content security policy blocks inline scripts and handlers: every <script> has a src.
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page.text))
    assert not re.search(r"\son[a-z]+=", page.text)


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Calendrier de vos échéances"),
    ("es", "Calendario de sus plazos"),
])
def test_page_is_translated(sdc_client, language, expected):
    page = sdc_client.get("/calendar/", headers={"accept-language": language})
    assert expected in page.text
    assert "Calendar of your deadlines" not in page.text


def test_make_my_address_redirects_and_a_refresh_keeps_the_address(sdc_client, donor_user_sdc):
    made = sdc_client.post("/calendar/", {"action": "rotate"})
    assert made.status_code == 302 and made["Location"] == "/calendar/"
    token_hash = CalendarFeed.objects.get(user=donor_user_sdc).token_hash

    shown = sdc_client.get("/calendar/")
    url = FEED_URL.search(shown.text).group(1)
    assert shown["Cache-Control"] == "no-store"
    refreshed = sdc_client.get("/calendar/")

    assert CalendarFeed.objects.get(user=donor_user_sdc).token_hash == token_hash  # the refresh made no new address
    assert not FEED_URL.search(refreshed.text)  # shown once
    assert "You have a calendar address" in refreshed.text
    assert sdc_client.get(url.removeprefix("http://testserver")).status_code == 200


def test_feed_url_is_built_from_the_host_the_user_asked(sdc_client, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    sdc_client.post("/calendar/", {"action": "rotate"}, headers={"host": "localhost:8765"})
    url = FEED_URL.search(sdc_client.get("/calendar/", headers={"host": "localhost:8765"}).text).group(1)
    assert url.startswith("http://localhost:8765/calendar/")


def test_revoke_redirects_and_ends_the_address(sdc_client, donor_user_sdc):
    sdc_client.post("/calendar/", {"action": "rotate"})
    url = FEED_URL.search(sdc_client.get("/calendar/").text).group(1)

    revoked = sdc_client.post("/calendar/", {"action": "revoke"})

    assert revoked.status_code == 302 and revoked["Location"] == "/calendar/"
    assert not CalendarFeed.objects.filter(user=donor_user_sdc).exists()
    assert "You have no calendar address yet" in sdc_client.get("/calendar/").text
    assert sdc_client.get(url.removeprefix("http://testserver")).status_code == 404
