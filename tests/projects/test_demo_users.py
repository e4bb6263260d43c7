"""The demo log-ins printed by the run command: each can do what its row in the README says."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from projects.services import DEMO_USERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(annex):
    call_command("seed_demo", verbosity=0)


def _login(client, demo) -> bool:
    """Through the site's own log-in page, with its password, as the person would."""
    response = client.post("/accounts/login/", {"username": demo.username, "password": demo.password})
    return response.status_code == 302


def _client(client, username):
    assert _login(client, next(d for d in DEMO_USERS if d.username == username))
    return client


def test_every_demo_user_logs_in_and_the_staff_ones_reach_the_admin(seeded, client):
    for demo in DEMO_USERS:
        assert _login(client, demo), demo.username
        user = get_user_model().objects.get(username=demo.username)
        assert user.is_staff == (demo.donor is None)
        client.logout()


def test_the_reviewer_is_a_second_programme_officer(seeded, client):
    response = _client(client, "reviewer").get("/admin/projects/project/")
    assert response.status_code == 200
    assert get_user_model().objects.get(username="reviewer").groups.filter(name="Programme officers").exists()


def test_the_finance_officer_reads_money_and_imports_but_edits_no_project(seeded, client):
    finance = _client(client, "finance")
    for url in ("/admin/finance/transaction/", "/admin/finance/budget/", "/admin/finance/planneddisbursement/",
                "/admin/finance/transaction/import/"):
        assert finance.get(url).status_code == 200, url
    user = get_user_model().objects.get(username="finance")
    assert user.has_perm("finance.add_planneddisbursement")
    assert not user.has_perm("projects.change_project")
