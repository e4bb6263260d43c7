"""The OpenAPI contract: generated without warnings, served offline, and honoured by a live server."""
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.django_db
def test_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in ("/api/v1/projects/", "/api/v1/stats/", "/api/v1/iati/activities.xml", "/api/v1/corridors/"):
        assert path in text
    assert "IntegrationToken" in text


@pytest.mark.django_db
def test_schema_describes_the_money(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    project = components["Project"]["properties"]
    assert project["budgets"]["items"]["$ref"].endswith("/Budget")
    assert project["transactions"]["items"]["$ref"].endswith("/Transaction")
    assert {"type", "status", "period_start", "period_end", "value", "currency", "value_date"} <= set(
        components["Budget"]["properties"]
    )
    assert {"type", "date", "value", "currency", "value_date", "description", "provider", "receiver"} <= set(
        components["Transaction"]["properties"]
    )
    assert "Disbursement" in components["Transaction"]["properties"]["type"]["description"]
    assert set(components["StatsMoney"]["properties"]) == {"budget", "committed", "disbursed", "spent"}
    converted = components["ConvertedSum"]["properties"]
    assert {"amount", "note", "source", "rates_from", "rates_to", "left_out"} <= set(converted)
    assert components["StatsGroup"]["properties"]["money"]["$ref"].endswith("/StatsMoney")
    for path in ("/api/v1/stats/", "/api/v1/projects/"):
        currency = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "currency")
        assert {"USD", "EUR", "CHF"} <= set(currency["schema"]["enum"]) and currency["schema"]["default"] == "USD"


@pytest.mark.django_db
def test_schema_endpoint_and_docs_are_served_without_a_cdn(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


def _wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout}s")


# The personas of the live run: a donor user's token and an officer's token, made in the live database.
LIVE_PERSONAS = """
from django.contrib.auth import get_user_model
from donors.models import Donor, DonorUser
from integrations.services import token_create
from projects.services import officers_group_ensure
User = get_user_model()
donor = User.objects.create_user("live-sdc", "live-sdc@example.org")
DonorUser.objects.create(user=donor, donor=Donor.objects.get(acronym="SDC"))
officer = User.objects.create_user("live-officer", "live-officer@example.org", is_staff=True)
officer.groups.add(officers_group_ensure())
# Money, so that the budgets, transactions and stats sums are checked against the schema; one row internal.
import datetime
from finance.models import Budget, Transaction
from projects.models import Project
project = Project.objects.get(slug="bangladesh-migration-policy")
day = datetime.date(2014, 1, 6)
Budget.objects.create(project=project, period_start=day, period_end=datetime.date(2014, 12, 31), value="120000.50",
                      currency="CHF", value_date=day)
Transaction.objects.create(project=project, transaction_type=3, date=day, value="-1000", currency="USD", value_date=day,
                           provider_donor=Donor.objects.get(acronym="SDC"), receiver_name="A union")
Transaction.objects.create(project=project, transaction_type=4, date=day, value="5.25", currency="XOF", value_date=day,
                           is_internal=True)
print("donor_token", token_create(user=donor, name="schemathesis")[1])
print("officer_token", token_create(user=officer, name="schemathesis")[1])
"""
ROLES = ("anonymous", "donor_token", "officer_token")


@pytest.fixture(scope="module")
def gunicorn_api(tmp_path_factory):
    """The app under gunicorn on its own SQLite file seeded with the annex; yields (env, schema URL, tokens)."""
    tmp_path = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "PORTFOLIO_VAR_DIR": str(tmp_path / "var"),
        # Schemathesis sends hundreds of requests; throttling is tested elsewhere.
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_TOKEN": "1000000/minute",
        "DJANGO_DEBUG": "true",
    }
    env.pop("PORTFOLIO_TEST_START_POSTGRES", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT, timeout=300)
    subprocess.run([*manage, "seed_annex"], env=env, check=True, cwd=ROOT, timeout=300, stdout=subprocess.DEVNULL)
    made = subprocess.run([*manage, "shell", "-c", LIVE_PERSONAS], env=env, check=True, cwd=ROOT, timeout=300,
                          capture_output=True, text=True)
    tokens = dict(line.split(" ", 1) for line in made.stdout.splitlines() if line.startswith(("donor_", "officer_")))
    assert set(tokens) == {"donor_token", "officer_token"}, made.stdout
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    # gunicorn (as deployed) in its own session: a runserver child here made the
    # suite's PostgreSQL server fail at teardown.
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "portfolio.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--limit-request-line", "0", "--limit-request-field_size", "0"],
        env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True,
    )
    try:
        schema_url = f"http://127.0.0.1:{port}/api/schema/"
        _wait_for(schema_url, server)
        yield env, schema_url, tokens, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.database_independent
@pytest.mark.parametrize("role", ROLES)
def test_schemathesis_finds_no_failure_against_a_live_server(gunicorn_api, role):
    """`--checks all` with each role's credentials: anonymous, a donor user's token, an officer's token."""
    env, schema_url, tokens, tmp_path = gunicorn_api
    auth = ["--header", f"Authorization: Bearer {tokens[role]}"] if role != "anonymous" else []
    workdir = tmp_path / role  # its own example database: one role's run does not replay another's
    workdir.mkdir()
    run = subprocess.run(
        [
            str(SCHEMATHESIS), "run", schema_url, "--checks", "all", "--max-examples", "15",
            "--seed", "20260401", "--workers", "1", "--request-timeout", "30", "--no-color", *auth,
        ],
        env={**env, "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("schemathesis_hooks.py"))},
        cwd=workdir, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
