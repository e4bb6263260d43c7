"""Production settings: `check --deploy` clean, CSP, secure cookies, HSTS, no browsable API."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import django
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portfolio.settings",
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portfolio.example.org",
        CSRF_TRUSTED_ORIGINS="https://portfolio.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        PORTFOLIO_VAR_DIR=str(tmp_path),
    )
    return env


def _run(args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.database_independent
def test_check_deploy_is_clean_with_production_environment(tmp_path):
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.database_independent
def test_production_settings_values(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SECURE_SSL_REDIRECT, s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])"
    )
    result = _run(["shell", "-c", code], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "False True True True True ['api.renderers.ORJSONRenderer']"


@pytest.mark.database_independent
def test_settings_refuse_the_development_secret_key_in_production(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _run(["check"], env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.database_independent
def test_browsable_api_is_off():
    """JSON only (orjson through DRF's JSONRenderer), never the browsable HTML API."""
    from rest_framework.renderers import JSONRenderer
    from rest_framework.settings import api_settings

    assert settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] == ["api.renderers.ORJSONRenderer"]
    assert all(issubclass(renderer, JSONRenderer) for renderer in api_settings.DEFAULT_RENDERER_CLASSES)


@pytest.mark.skipif(django.VERSION < (6, 0), reason="Django's content security policy is new in 6.0")
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/admin/login/", "/api/docs/"])
def test_pages_carry_a_content_security_policy_without_inline_scripts(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    import re

    inline = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag and "application/json" not in tag]
    assert inline == [], inline


@pytest.mark.django_db
def test_swagger_ui_start_script_is_served_from_self(client):
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert "SwaggerUIBundle" in response.content.decode()


@pytest.mark.database_independent
def test_language_cookie_is_secure_http_only_and_same_site_lax_in_production(tmp_path):
    code = (
        "from django.test import Client;"
        "response = Client(HTTP_HOST='portfolio.example.org').post("
        "'/i18n/setlang/', {'language': 'fr', 'next': '/'}, secure=True);"
        "from django.conf import settings as s;"
        "cookie = response.cookies[s.LANGUAGE_COOKIE_NAME];"
        "print(response.status_code, cookie.value, bool(cookie['secure']), bool(cookie['httponly']), cookie['samesite'])"
    )
    result = _run(["shell", "-c", code], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "302 fr True True Lax"
