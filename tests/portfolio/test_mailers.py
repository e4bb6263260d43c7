"""E-mail settings: one mailer, given as MAILERS on Django 6.1+ and as EMAIL_* on 5.2 and 6.0, same backend."""
import django
import pytest
from django.core import mail
from django.utils.module_loading import import_string

from portfolio.mailers import CONSOLE_BACKEND, SMTP_BACKEND, default_mailer, legacy_email_settings
from tests.portfolio.test_settings import _settings_in_subprocess

SMTP = {"backend": SMTP_BACKEND, "host": "smtp.example.org", "port": 587, "username": "portfolio",
        "password": "s3cret", "use_tls": True, "timeout": 12}


def backend_state(backend) -> tuple:
    return (type(backend), backend.host, backend.port, backend.username, backend.password, backend.use_tls,
            backend.timeout)


def test_mailer_and_email_settings_build_the_same_smtp_backend(settings):
    mailer = default_mailer(**SMTP)
    from_mailer = import_string(mailer["BACKEND"])(**mailer["OPTIONS"])
    if django.VERSION >= (6, 1):
        settings.MAILERS = {"default": mailer}
        from_settings = mail.mailers["default"]
    else:
        for name, value in legacy_email_settings(mailer).items():
            setattr(settings, name, value)
        from_settings = mail.get_connection()

    assert backend_state(from_settings) == backend_state(from_mailer) == (
        import_string(SMTP_BACKEND), "smtp.example.org", 587, "portfolio", "s3cret", True, 12,
    )


def test_console_mailer_takes_no_smtp_options():
    mailer = default_mailer(**{**SMTP, "backend": CONSOLE_BACKEND})
    assert mailer == {"BACKEND": CONSOLE_BACKEND, "OPTIONS": {}}
    assert legacy_email_settings(mailer) == {"EMAIL_BACKEND": CONSOLE_BACKEND}


@pytest.mark.database_independent
def test_settings_use_mailers_where_django_has_them_and_email_settings_before(tmp_path):
    env = {"PORTFOLIO_VAR_DIR": str(tmp_path), "EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "2525",
           "EMAIL_TIMEOUT": "9"}
    if django.VERSION >= (6, 1):
        result = _settings_in_subprocess(env, "settings.MAILERS['default']['OPTIONS']['port'], hasattr(settings, 'EMAIL_HOST')")
        assert result.stdout.strip() == "(2525, False)"
    else:
        result = _settings_in_subprocess(
            env, "settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT, "
                 "hasattr(settings, 'MAILERS')",
        )
        assert result.stdout.strip() == f"({SMTP_BACKEND!r}, 'smtp.example.org', 2525, 9, False)"
