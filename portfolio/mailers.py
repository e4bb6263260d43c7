"""The e-mail backend as one mailer, for Django 6.1's MAILERS and the EMAIL_* settings before it.

Django 6.1 deprecates EMAIL_BACKEND, EMAIL_HOST and the other EMAIL_* settings for
`MAILERS = {"default": {"BACKEND": ..., "OPTIONS": {...}}}` (OPTIONS are the backend's
keyword arguments) and, once MAILERS is set, refuses reads of the old names. Settings
build the mailer once and give it to Django in the form the installed version reads.
"""
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The SMTP backend's keyword arguments and the EMAIL_* settings they replace.
SMTP_OPTIONS = {
    "host": "EMAIL_HOST",
    "port": "EMAIL_PORT",
    "username": "EMAIL_HOST_USER",
    "password": "EMAIL_HOST_PASSWORD",
    "use_tls": "EMAIL_USE_TLS",
    "timeout": "EMAIL_TIMEOUT",
}


def default_mailer(*, backend: str, host: str, port: int, username: str, password: str, use_tls: bool,
                   timeout: int) -> dict:
    """The "default" entry of MAILERS: the SMTP options go to the SMTP backend only."""
    options = {}
    if backend == SMTP_BACKEND:
        options = {"host": host, "port": port, "username": username, "password": password, "use_tls": use_tls,
                   "timeout": timeout}
    return {"BACKEND": backend, "OPTIONS": options}


def legacy_email_settings(mailer: dict) -> dict:
    """The same mailer as EMAIL_* settings, for Django before 6.1 (5.2 LTS, 6.0)."""
    return {"EMAIL_BACKEND": mailer["BACKEND"],
            **{SMTP_OPTIONS[name]: value for name, value in mailer["OPTIONS"].items() if name in SMTP_OPTIONS}}
