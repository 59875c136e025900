"""Django settings for qadesk, read from environment variables (see README: Configuration)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from qadesk.core.datadir import private_file, private_sqlite
from qadesk.core.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("QADESK_DATA_DIR", str(BASE_DIR.parent / "data")))

DEBUG = envbool("QADESK_DEBUG", False)
# A fresh install must run without configuration, so the default key is generated once into DATA_DIR.
_key_file = DATA_DIR / "secret_key"


def _secret_key() -> str:
    configured = envstr("QADESK_SECRET_KEY", "")
    if configured:
        return configured
    if not _key_file.exists():
        from django.core.management.utils import get_random_secret_key

        private_file(_key_file, get_random_secret_key())
    return private_file(_key_file).read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("QADESK_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("QADESK_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files (no CDN) at /api/v1/docs
    "django_tasks",
    "django_tasks_db",
    "axes",
    "qadesk.core",
    "qadesk.accounts",
    "qadesk.interactions",
    "qadesk.scorecards",
    "qadesk.reviews",
    "qadesk.disputes",
    "qadesk.calibration",
    "qadesk.audit",
    "qadesk.notifications",
    "qadesk.analytics",
    "qadesk.imports",
    "qadesk.demo",
    "qadesk.sampling",
    "qadesk.complaints",
    "qadesk.connectors",
    "qadesk.autoqa",
    "qadesk.operations",
    "qadesk.phoneline",
    "qadesk.reliability",
    "qadesk.home",
    "qadesk.surveys",
    "qadesk.executive",
    "qadesk.competence",
    "qadesk.costs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qadesk.surveys.middleware.OneClickMiddleware",  # rating links in e-mails: no session, user, CSRF or messages
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qadesk.accounts.middleware.UserLanguageMiddleware",
    "qadesk.core.middleware.HostileInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout seen during login into the login page with its reason
]

ROOT_URLCONF = "qadesk.urls"
WSGI_APPLICATION = "qadesk.wsgi.application"

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
    }
]

# Each gunicorn worker (one request at a time) keeps its database connection between requests instead of opening one
# per request (a PostgreSQL connection is a new server process: ~5 ms and a fork per page); a connection that broke
# meanwhile is noticed before a request uses it (health checks) and replaced. QADESK_DB_CONN_MAX_AGE=0 opens one per
# request again (e.g. behind a connection pooler such as PgBouncer in transaction mode).
DB_CONN_MAX_AGE = envint("QADESK_DB_CONN_MAX_AGE", 300)
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'qadesk.sqlite3'}"),
        conn_max_age=DB_CONN_MAX_AGE,
        conn_health_checks=DB_CONN_MAX_AGE > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        private_sqlite(Path(DATABASES["default"]["NAME"]))  # created 0600 before SQLite opens it (see core.datadir)
    # WAL lets the report pages read while an import writes. The app and the worker (`qadesk serve` starts both)
    # take turns to write: IMMEDIATE transactions queue for the lock instead of failing, and wait up to 20 s for it.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes counts failed logins first; the model backend then checks the password.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_RESET_TIMEOUT = envint("QADESK_PASSWORD_RESET_HOURS", 24) * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = envstr("QADESK_LANGUAGE", "en")
LANGUAGES = [("en", _("English")), ("it", _("Italian")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR.parent / "locale"]
USE_I18N = True
TIME_ZONE = envstr("QADESK_TIME_ZONE", "Europe/Rome")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_HOST = envstr("QADESK_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = envint("QADESK_SMTP_PORT", 25)
DEFAULT_FROM_EMAIL = envstr("QADESK_FROM_EMAIL", "qadesk@localhost")
EMAIL_TIMEOUT = envint("QADESK_SMTP_TIMEOUT", 10)
# Survey invitations in batches go out over this many SMTP connections at once (threads of the sending job).
QADESK_SMTP_CONNECTIONS = envint("QADESK_SMTP_CONNECTIONS", 4)
# Links in e-mails point here (the address people open qadesk at).
QADESK_BASE_URL = envstr("QADESK_BASE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Served over HTTPS (directly or behind a reverse proxy, docs/deployment.md): cookies only travel over HTTPS and
# browsers are told to use HTTPS for this host for QADESK_HSTS_SECONDS (no preload, no subdomains: that is a
# decision for the domain's owner, not for one application on it).
QADESK_HTTPS = envbool("QADESK_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = QADESK_HTTPS
SECURE_HSTS_SECONDS = envint("QADESK_HSTS_SECONDS", 31_536_000) if QADESK_HTTPS else 0
SECURE_SSL_REDIRECT = QADESK_HTTPS and envbool("QADESK_SSL_REDIRECT", False)
# Behind QADESK_PROXY_COUNT reverse proxies, trust the last one's X-Forwarded-Proto (is the request HTTPS?) and
# take the client's address from X-Forwarded-For (login throttling). Only safe when qadesk cannot be reached except
# through those proxies and the proxy next to qadesk overwrites X-Forwarded-Proto (docs/deployment.md).
QADESK_PROXY_COUNT = envint("QADESK_PROXY_COUNT", 0)
if QADESK_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts and styles only from qadesk's own static files. No inline script, no
# inline style, no eval: data reaches scripts through json_script or data- attributes, and htmx is told not to add its
# indicator style or eval anything (meta htmx-config in base.html). A browser test loads every page under it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Framing: no page may be framed (X-Frame-Options DENY and frame-ancestors 'none') except the help-centre widget's
# frame (/s/w/<token>/frame/, a public, cookie-less page with one question), which these origins may frame: space-separated
# CSP sources, e.g. "https://help.example.com". Default "*": any site, like the widget's script, which any page may
# include already. Set but empty: no site ('none').
QADESK_SURVEY_FRAME_ANCESTORS = envstr("QADESK_SURVEY_FRAME_ANCESTORS", "*").split() or ["'none'"]

# Login throttling (django-axes): after QADESK_LOGIN_FAILURE_LIMIT failed logins for one username, or from one client
# address, logins from there are refused for QADESK_LOGIN_COOLOFF_MINUTES (`qadesk axes_reset` unlocks at once). A
# successful login clears the count, so an office behind one address is not locked out by its users' typos.
AXES_FAILURE_LIMIT = envint("QADESK_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=envint("QADESK_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qadesk.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "qadesk.accounts.throttling.client_address"
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_client_errors": {"()": "qadesk.core.logfilters.ExpectedClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("QADESK_LOG_LEVEL", "WARNING")},
    # 403 and 404 answers: one warning line each, no traceback (only 5xx carry one).
    "loggers": {"django.request": {"filters": ["expected_client_errors"]}},
}

# Background jobs (Django's tasks API, django-tasks backport). The database backend needs no extra
# service: `qadesk worker` runs its worker. QADESK_TASKS_BACKEND switches: "rq" queues jobs in Redis
# (QADESK_REDIS_URL) for RQ workers at scale (`qadesk worker` then runs an RQ worker), or a backend's
# dotted path, e.g. django_tasks.backends.immediate.ImmediateBackend (run in the request, for tests and tiny installs).
_TASKS_BACKEND = envstr("QADESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
if _TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": envstr("QADESK_REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": _TASKS_BACKEND}}
# Automatic QA (docs/autoqa.md): queue a run of the detectors after every import that created or changed interactions.
QADESK_AUTOQA_AFTER_IMPORT = envbool("QADESK_AUTOQA_AFTER_IMPORT", True)
# Where prompt criteria's endpoint keys may be read from files (docs/autoqa.md): an endpoint names a file in this
# directory only, so an admin cannot send the server's other files as a key. Empty: keys come from QADESK_LLM_* only.
QADESK_LLM_KEY_DIR = envstr("QADESK_LLM_KEY_DIR", "")
# Each `qadesk worker` says it is alive this often; one silent for the lease is taken for dead and its jobs are queued
# again or failed (core/services.py: jobs_reclaim), and the job pages warn that no worker is running.
QADESK_WORKER_HEARTBEAT_SECONDS = envint("QADESK_WORKER_HEARTBEAT_SECONDS", 10)
QADESK_WORKER_LEASE_SECONDS = envint("QADESK_WORKER_LEASE_SECONDS", 60)
