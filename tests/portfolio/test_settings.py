import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from portfolio.env import env_bool, env_choice, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.database_independent
def test_env_bool_refuses_values_it_cannot_read(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", False) is True


@pytest.mark.database_independent
def test_env_int_names_the_variable_and_the_limit(monkeypatch):
    monkeypatch.setenv("PORT_X", "abc")
    with pytest.raises(ImproperlyConfigured, match="PORT_X must be an integer"):
        env_int("PORT_X", 1)
    monkeypatch.setenv("PORT_X", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("PORT_X", 1, minimum=1)


@pytest.mark.database_independent
def test_env_list_and_choice(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.org, b.org,,")
    assert env_list("HOSTS", []) == ["a.org", "b.org"]
    monkeypatch.setenv("LEVEL", "LOUD")
    with pytest.raises(ImproperlyConfigured, match="LEVEL must be one of"):
        env_choice("LEVEL", "INFO", {"INFO", "DEBUG"})


def _settings_in_subprocess(env, expression):
    """Import the settings with a given environment, in a fresh interpreter."""
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_DEBUG", "SECRET_KEY"}}
    full_env.update(env, DJANGO_SETTINGS_MODULE="portfolio.settings")
    code = f"import django; from django.conf import settings; django.setup(); print(repr(({expression})))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True)


@pytest.mark.database_independent
def test_database_url_selects_postgresql():
    result = _settings_in_subprocess(
        {"DATABASE_URL": "postgres://u:p@db.example:5433/portfolio"}, "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['PORT']"
    )
    assert result.stdout.strip() == "('django.db.backends.postgresql', 5433)"


@pytest.mark.database_independent
def test_default_is_sqlite_with_tasks_in_process_and_console_email(tmp_path):
    result = _settings_in_subprocess(
        {"PORTFOLIO_VAR_DIR": str(tmp_path)},
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.MAILER['BACKEND']",
    )
    assert result.stdout.strip() == (
        "('django.db.backends.sqlite3', True, 'django.core.mail.backends.console.EmailBackend')"
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL must be a sqlite:// or postgres:// URL"),
        ({"DJANGO_DEBUG": "perhaps"}, "DJANGO_DEBUG must be one of"),
        ({"DJANGO_DEBUG": "0"}, "Set SECRET_KEY when DJANGO_DEBUG is off"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be an integer"),
    ],
)
@pytest.mark.database_independent
def test_bad_settings_stop_start_up_with_the_variable_named(env, message):
    result = _settings_in_subprocess(env, "1")
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.database_independent
def test_manage_check_is_clean():
    call_command("check", fail_level="WARNING")


@pytest.mark.database_independent
@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_suite_runs_on_the_database_the_test_command_asked_for():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            assert cursor.fetchone()[0]
