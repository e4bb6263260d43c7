"""/healthz reports the database, the broker and the migrations for probes."""
import datetime
import shutil
import socket

import pytest
from django.db import connection
from pytest_redis import factories

from deadlines.models import ReminderScan

pytestmark = pytest.mark.django_db

redis_server = factories.redis_proc(executable=shutil.which("redis-server") or "/usr/bin/redis-server")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy_embedded_setup_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True},
            "broker": {"ok": True, "kind": "in-process"},
            "migrations": {"ok": True},
            "scheduler": {"ok": True, "last_run": None, "late": False},
        },
    }
    assert "no-cache" in response["Cache-Control"]


def test_scheduler_last_run_is_reported_and_a_late_one_is_flagged_not_failed(client, settings):
    from deadlines.tasks import reminders_scan

    reminders_scan()
    scan = ReminderScan.objects.get()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["scheduler"] == {"ok": True, "last_run": scan.finished_at.isoformat(), "late": False}

    ReminderScan.objects.update(finished_at=scan.finished_at - datetime.timedelta(days=3))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["scheduler"]["late"] is True


def test_embedded_filesystem_broker_is_ok_when_its_folders_are_writable(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    assert client.get("/healthz").json()["checks"]["broker"] == {"ok": True, "kind": "filesystem"}

    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone"), "data_folder_out": str(tmp_path)}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "kind": "filesystem"}


def test_needs_no_login_and_leaks_no_data(client, annex):
    body = client.get("/healthz").content.decode()
    assert "capsa" not in body.lower() and "password" not in body.lower()


@pytest.mark.services
def test_reachable_redis_broker_is_ok(client, settings, redis_server):
    settings.CELERY_BROKER_URL = f"redis://{redis_server.host}:{redis_server.port}/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"ok": True, "kind": "redis"}


def test_unreachable_broker_answers_503(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["database"] == {"ok": True}


def test_unapplied_migration_answers_503(client):
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        # The app's latest migration (a hard-coded name stops being the leaf when a migration is added).
        cursor.execute("DELETE FROM django_migrations WHERE app = 'projects' AND name = %s", [_projects_leaf()])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "unapplied": 1}


def test_only_get(client):
    assert client.post("/healthz").status_code == 405


def _projects_leaf() -> str:
    from django.db.migrations.loader import MigrationLoader

    return max(name for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes() if app == "projects")
