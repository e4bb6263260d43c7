import pytest
"""docker-compose.yml points every service at modules that exist."""
import importlib
import shlex
from pathlib import Path

import yaml

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _words(service):
    command = COMPOSE["services"][service]["command"]
    return shlex.split(command) if isinstance(command, str) else command


def test_compose_has_the_five_services():
    assert set(COMPOSE["services"]) == {"web", "worker", "beat", "postgres", "redis"}


def test_web_serves_the_wsgi_application_with_gunicorn():
    words = " ".join(_words("web")).split()
    target = words[words.index("gunicorn") + 1]
    module, attribute = target.split(":")
    application = getattr(importlib.import_module(module), attribute)
    assert callable(application)


def test_worker_and_beat_run_the_projects_celery_app():
    from celery import Celery

    for service, verb in [("worker", "worker"), ("beat", "beat")]:
        words = _words(service)
        assert words[0] == "celery" and verb in words
        app = importlib.import_module(words[words.index("--app") + 1]).celery_app
        assert isinstance(app, Celery) and app.main == "portfolio"


def test_app_services_use_postgres_and_redis_from_the_stack():
    for service in ("web", "worker", "beat"):
        env = COMPOSE["services"][service]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert env["DJANGO_DEBUG"] == "0"


def test_web_healthcheck_probes_the_healthz_view():
    from django.urls import resolve

    from portfolio.health import healthz

    probe = " ".join(COMPOSE["services"]["web"]["healthcheck"]["test"])
    path = probe.split("http://localhost:8000")[1].split("'")[0]
    assert resolve(path).func is healthz
