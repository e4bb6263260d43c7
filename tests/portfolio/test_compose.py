import pytest

"""docker-compose.yml points every service at modules and files that exist."""
import importlib
import re
import shlex
from pathlib import Path

import yaml

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _words(service):
    command = COMPOSE["services"][service]["command"]
    return shlex.split(command) if isinstance(command, str) else command


def _default(value: str) -> str:
    """The value compose uses when the variable is unset: `${NAME:-default}` -> default."""
    match = re.fullmatch(r"\$\{\w+:-([^}]*)\}", value)
    return match.group(1) if match else value


def test_compose_has_the_seven_services():
    assert set(COMPOSE["services"]) == {"proxy", "web", "worker", "beat", "postgres", "redis", "objectstore"}


def test_documents_go_to_the_object_store_which_keeps_them_in_a_volume():
    """Every app service stores documents in the objectstore's bucket; web creates the bucket at start."""
    store = COMPOSE["services"]["objectstore"]
    assert store["image"].startswith("chrislusf/seaweedfs:")
    assert store["volumes"] == ["objectstore-data:/data"] and "objectstore-data" in COMPOSE["volumes"]
    script = " ".join(store["command"])
    assert "-s3.port=8333" in script and "-dir=/data" in script and "-s3.config=/tmp/s3.json" in script
    for service in ("web", "worker", "beat"):
        env = COMPOSE["services"][service]["environment"]
        assert env["PORTFOLIO_DOCUMENTS_STORAGE"] == "s3"
        assert env["DOCUMENTS_S3_ENDPOINT_URL"] == "http://objectstore:8333"
        assert _default(env["DOCUMENTS_S3_BUCKET"])
        for key in ("DOCUMENTS_S3_ACCESS_KEY_ID", "DOCUMENTS_S3_SECRET_ACCESS_KEY"):
            assert env[key] == store["environment"][key] == f"${{{key}:?set {key}}}"  # one secret, required
        assert "objectstore" in COMPOSE["services"][service]["depends_on"]
    words = " ".join(_words("web")).split()
    ensure = words.index("documents_bucket_ensure")
    assert words.index("migrate") < ensure < words.index("gunicorn")
    from django.core.management import get_commands

    assert get_commands()["documents_bucket_ensure"] == "documents"


def test_only_the_proxy_is_published_and_it_forwards_to_gunicorn():
    """Slow clients reach nginx, never a gunicorn sync worker (tests/security/test_slow_clients.py)."""
    proxy = COMPOSE["services"]["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert [service for service, spec in COMPOSE["services"].items() if "ports" in spec] == ["proxy"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    source, target, *_ = proxy["volumes"][0].split(":")
    assert target == "/etc/nginx/conf.d/default.conf"
    config = (ROOT / source).read_text()
    listen = re.search(r"^\s*listen (\d+);", config, re.M).group(1)
    assert proxy["ports"] == [f"{listen}:{listen}"]
    upstream = re.search(r"^\s*server (\S+):(\d+);", config, re.M).groups()
    words = " ".join(_words("web")).split()
    assert upstream == ("web", words[words.index("--bind") + 1].rsplit(":", 1)[1])
    for directive in ("proxy_request_buffering on", "client_header_timeout", "client_body_timeout",
                      "X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto"):
        assert directive in config


def test_app_services_share_the_redis_cache_and_trust_one_proxy():
    for service in ("web", "worker", "beat"):
        env = COMPOSE["services"][service]["environment"]
        assert re.fullmatch(r"redis://redis:6379/\d+", env["CACHE_URL"])
        assert env["CACHE_URL"] != env["CELERY_BROKER_URL"]  # its own database, apart from the task queue
        assert _default(env["TRUSTED_PROXIES"]) == "1"


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
