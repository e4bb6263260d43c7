import csv
import datetime
import io

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from integrations.models import IntegrationToken
from integrations.services import token_create, token_revoke

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_anonymous_never_sees_an_unpublished_project_in_the_list(api_client, hidden_project):
    response = api_client.get("/api/v1/projects/", {"page_size": 200})
    assert response.json()["count"] == 21
    assert hidden_project.slug not in {p["slug"] for p in response.json()["results"]}
    assert api_client.get("/api/v1/projects/", {"corridor": "NP-AE"}).json()["count"] == 1


def test_anonymous_gets_404_for_an_unpublished_project_detail_and_xml(api_client, hidden_project):
    assert api_client.get(f"/api/v1/projects/{hidden_project.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/projects/{hidden_project.pk}/iati.xml").status_code == 404


def test_anonymous_stats_do_not_count_an_unpublished_project(api_client, hidden_project):
    stats = api_client.get("/api/v1/stats/", {"group_by": "country", "country": "NP"}).json()
    assert stats["total"]["projects"] == 2  # GAP and CAPSA, not the draft
    assert {"currency": "CHF", "amount": "1000.00"} not in stats["total"]["funding"]


def test_anonymous_csv_and_xml_leave_out_an_unpublished_project(api_client, hidden_project):
    text = body(api_client.get("/api/v1/projects/", {"format": "csv"})).decode()
    assert hidden_project.slug not in text
    xml = body(api_client.get("/api/v1/iati/activities.xml"))
    assert hidden_project.slug.encode() not in xml
    assert xml.count(b"<iati-activity ") == 21


def test_donor_user_sees_published_projects_only(sdc_client, hidden_project):
    assert sdc_client.get(f"/api/v1/projects/{hidden_project.pk}/").status_code == 404


def test_officer_sees_unpublished_projects(officer_client, hidden_project):
    assert officer_client.get(f"/api/v1/projects/{hidden_project.pk}/").status_code == 200
    assert officer_client.get("/api/v1/projects/", {"page_size": 100}).json()["count"] == 22


def test_token_acts_with_its_users_visibility(hidden_project, sdc_token_client, officer_token_client):
    assert sdc_token_client.get(f"/api/v1/projects/{hidden_project.pk}/").status_code == 404  # SDC donor user
    assert officer_token_client.get(f"/api/v1/projects/{hidden_project.pk}/").status_code == 200


def test_token_is_stored_hashed(sdc_token_client):
    token, secret = sdc_token_client.token, sdc_token_client.secret
    stored = IntegrationToken.objects.get(pk=token.pk)
    assert secret not in (stored.digest, stored.hint)
    assert len(stored.digest) == 64
    assert not IntegrationToken.objects.filter(digest=secret).exists()


def test_a_user_may_hold_several_tokens(donor_user_sdc):
    token_create(user=donor_user_sdc, name="one")
    token_create(user=donor_user_sdc, name="two")
    assert donor_user_sdc.integration_tokens.count() == 2


def test_valid_token_is_accepted_and_records_last_use(sdc_token_client):
    assert sdc_token_client.get("/api/v1/projects/").status_code == 200
    sdc_token_client.token.refresh_from_db()
    assert sdc_token_client.token.last_used_at is not None


def test_revoked_token_gets_401(sdc_token_client):
    assert token_revoke(token=sdc_token_client.token)
    response = sdc_token_client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_expired_token_gets_401(donor_user_sdc):
    _, secret = token_create(user=donor_user_sdc, name="old", expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_unknown_token_gets_401(api_client, annex):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer pft_not-a-real-token")
    assert api_client.get("/api/v1/projects/").status_code == 401


def test_anonymous_callers_are_throttled(api_client, annex, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "token": "5/minute"}}
    assert [api_client.get("/api/v1/regions/").status_code for _ in range(3)] == [200, 200, 429]


def test_token_callers_are_throttled_per_token(sdc_token_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "token": "2/minute"}}
    assert [sdc_token_client.get("/api/v1/regions/").status_code for _ in range(3)] == [200, 200, 429]


def test_admin_shows_a_new_tokens_secret_once_and_stores_its_hash(officer, donor_user_sdc, client):
    officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    response = client.post(
        "/admin/integrations/integrationtoken/add/",
        {"user": donor_user_sdc.pk, "name": "warehouse", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = IntegrationToken.objects.get(name="warehouse")
    shown = [str(m) for m in response.context["messages"]]
    secret = next(word for m in shown for word in m.split() if word.startswith("pft_"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/projects/").status_code == 200
    assert secret not in client.get(f"/admin/integrations/integrationtoken/{token.pk}/change/").content.decode()


def test_csv_has_a_header_and_one_line_per_project(api_client, annex):
    response = api_client.get("/api/v1/projects/", {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = body(response).decode()
    lines = text.splitlines()
    assert len(lines) == 1 + 21
    rows = list(csv.DictReader(io.StringIO(text)))
    gap = next(r for r in rows if r["slug"] == "gap-migrant-domestic-workers")
    assert "NP-AE" in gap["corridors"].split("; ")
    assert "NP" in gap["countries"].split("; ")


def test_csv_follows_the_filters(api_client, annex):
    text = body(api_client.get("/api/v1/projects/", {"format": "csv", "donor": "SDC"})).decode()
    assert len(text.splitlines()) == 1 + 5
