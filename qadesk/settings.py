"""Django settings for qadesk, read from environment variables (see README: Configuration)."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

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

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(get_random_secret_key())
    return _key_file.read_text().strip()


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
    "django_tasks",
    "django_tasks_db",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qadesk.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'qadesk.sqlite3'}"),
        conn_max_age=envint("QADESK_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
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
LOGIN_REDIRECT_URL = "interactions:list"
LOGOUT_REDIRECT_URL = "login"

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
# Links in e-mails point here (the address people open qadesk at).
QADESK_BASE_URL = envstr("QADESK_BASE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("QADESK_LOG_LEVEL", "WARNING")},
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
# Each `qadesk worker` says it is alive this often; one silent for the lease is taken for dead and its jobs are queued
# again or failed (core/services.py: jobs_reclaim), and the job pages warn that no worker is running.
QADESK_WORKER_HEARTBEAT_SECONDS = envint("QADESK_WORKER_HEARTBEAT_SECONDS", 10)
QADESK_WORKER_LEASE_SECONDS = envint("QADESK_WORKER_LEASE_SECONDS", 60)
