"""Shared fixtures: the real database server and the personas of DESIGN.md.

The test command sets DATABASE_URL to a PostgreSQL port and
PORTFOLIO_TEST_START_POSTGRES=1; pytest-postgresql then starts that server for
the session (through scripts/pg_ctl, which drops root). Without them the suite
runs on SQLite, the embedded default.
"""
import os
from pathlib import Path

import pytest
from django.conf import settings
from pytest_postgresql import factories

ROOT = Path(__file__).resolve().parent.parent
_DB = settings.DATABASES["default"]
USES_POSTGRES = _DB["ENGINE"] == "django.db.backends.postgresql"

postgresql_server = factories.postgresql_proc(
    executable=str(ROOT / "scripts" / "pg_ctl"),
    host=_DB.get("HOST") or "127.0.0.1",
    port=_DB.get("PORT") or None,
    user=_DB.get("USER") or "postgres",
)


def pytest_collection_modifyitems(config, items):
    """Leave out of a pass what another pass covers.

    PostgreSQL-only tests are left out on SQLite. The test command's second pass
    (PORTFOLIO_TEST_PASS=second, on SQLite) also leaves out `database_independent`
    tests: they force their own database or none, so the first pass has run them; and
    `browser` tests: what they check is what Chromium shows and does, which the database
    engine does not change, while every page's queries run on both engines in the tests
    that request the pages without a browser (tests/dashboards/test_pages.py, test_queries.py);
    and the document tests' runs against the S3-compatible endpoint (the storage does not
    touch the database: their filesystem runs cover both engines).
    """
    second_pass = os.environ.get("PORTFOLIO_TEST_PASS") == "second"

    def wanted(item):
        if not USES_POSTGRES and item.get_closest_marker("postgresql_only") is not None:
            return False
        on_s3 = getattr(item, "callspec", None) is not None and item.callspec.params.get("documents_storage_kind") == "s3"
        once = on_s3 or any(item.get_closest_marker(name) is not None for name in ("database_independent", "browser"))
        return not (second_pass and once)

    kept = [item for item in items if wanted(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """Start PostgreSQL before pytest-django creates the test database."""
    if USES_POSTGRES and os.environ.get("PORTFOLIO_TEST_START_POSTGRES") == "1":
        request.getfixturevalue("postgresql_server")
    if not USES_POSTGRES:
        # A file, not memory, so a Celery worker process can open the test database.
        tmp = request.getfixturevalue("tmp_path_factory").mktemp("sqlite")
        _DB.setdefault("TEST", {})["NAME"] = str(tmp / "test.sqlite3")


@pytest.fixture
def annex(db):
    """The 21 annex projects with their donors, partners and corridors."""
    from projects.services import annex_seed

    annex_seed()


def _login(client, user):
    client.force_login(user)
    return client


def _officer(username, password):
    from django.contrib.auth import get_user_model

    from projects.services import officers_group_ensure

    user = get_user_model().objects.create_user(username, f"{username}@example.org", password, is_staff=True)
    user.groups.add(officers_group_ensure())
    return user


def _donor_user(username, acronym):
    from django.contrib.auth import get_user_model

    from donors.models import Donor, DonorUser

    user = get_user_model().objects.create_user(username, f"{username}@example.org", f"pw-{username}")
    DonorUser.objects.create(user=user, donor=Donor.objects.get(acronym=acronym))
    return user


def _token_client(user, name):
    """An API client sending a fresh integration token of `user`; `.token` and `.secret` are set."""
    from rest_framework.test import APIClient

    from integrations.services import token_create

    token, secret = token_create(user=user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.token, client.secret = token, secret
    return client


# The personas of DESIGN.md. Every test module uses these rather than making its own users.


@pytest.fixture
def officer(db):
    """A programme officer: staff, in the officers' group with model permissions."""
    return _officer("officer1", "pw-officer-1")


@pytest.fixture
def second_officer(db):
    """Another programme officer, e.g. the one who reviews what the first submitted."""
    return _officer("officer2", "pw-officer-2")


@pytest.fixture
def officer_client(client, officer):
    return _login(client, officer)


@pytest.fixture
def second_officer_client(second_officer):
    from django.test import Client

    return _login(Client(), second_officer)


@pytest.fixture
def finance_user(db):
    """Finance staff: staff in the "Finance" group (finance.0002), which may import transactions from a CSV file."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("finance1", "finance1@example.org", "pw-finance-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Finance"))
    return user


@pytest.fixture
def finance_client(finance_user):
    from django.test import Client

    return _login(Client(), finance_user)


@pytest.fixture
def donor_user_sdc(annex):
    """Donor persona A: a user of the Swiss Agency for Development and Cooperation."""
    return _donor_user("sdc-user", "SDC")


@pytest.fixture
def donor_user_ec(annex):
    """Donor persona B: a user of the European Commission."""
    return _donor_user("ec-user", "EC")


@pytest.fixture
def sdc_client(donor_user_sdc):
    from django.test import Client

    return _login(Client(), donor_user_sdc)


@pytest.fixture
def ec_client(donor_user_ec):
    from django.test import Client

    return _login(Client(), donor_user_ec)


@pytest.fixture
def anonymous_client(client):
    return client


@pytest.fixture
def sdc_token_client(donor_user_sdc):
    """The integration persona of donor A: a token of the SDC donor user."""
    return _token_client(donor_user_sdc, "SDC data warehouse")


@pytest.fixture
def ec_token_client(donor_user_ec):
    """The integration persona of donor B: a token of the EC donor user."""
    return _token_client(donor_user_ec, "EC reporting system")


@pytest.fixture
def officer_token_client(officer):
    """An integration token of a programme officer: sees what staff see."""
    return _token_client(officer, "Officers' ERP bridge")
