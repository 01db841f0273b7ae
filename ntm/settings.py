"""NTM Tracker settings, read from environment variables with safe defaults for development.

DEBUG defaults to on so that `make run` works with nothing configured; with DEBUG off a real
SECRET_KEY is required and the security settings below are switched on.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ntm.lib.env import envbool, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = envbool("DEBUG", "1")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-for-local-development-never-use-in-production-0123456789"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "communes",
    "criteria",
    "accounts",
    "assessments",
    "api",
    "web",
    "jobs",
    "workbooks",
    "dashboards",
    "roadmap",
    "synthetic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the user picked English with the language switch (Accept-Language is ignored).
    "ntm.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the request into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ntm.urls"

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

WSGI_APPLICATION = "ntm.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Bulk loads (units, demo) write thousands of rows; WAL keeps readers unblocked meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator"},  # Vietnamese message
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The product's own sign-in (accounts/urls.py) for every user; the admin's login only lets staff in.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes refuses a sign-in (site and admin alike) after AXES_FAILURE_LIMIT failures for the
# same username from the same IP address, for AXES_COOLOFF_MINUTES. Its backend must come first.
# The API needs nothing more: DRF's session and token authentication never check a password (no basic
# auth is enabled), and DRF passes the request to authenticate() wherever it does.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
# Username and IP together: a guesser is stopped on that account from that address, while colleagues
# behind the same address (one connection for a whole commune office) keep signing in.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"

# Vietnamese first; English is a full translation.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ntm.formats"]  # dd/mm/yyyy in Vietnamese, in and out
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Evidence files (tệp minh chứng): size limit, and the kinds accepted (detected from the content;
# see assessments.evidence.TYPES for the names). Keep the web server's body limit above the size.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024))
EVIDENCE_ALLOWED_TYPES = envlist(
    "EVIDENCE_ALLOWED_TYPES", "pdf,png,jpeg,webp,gif,docx,xlsx,pptx,doc,xls,ppt,odt,ods,odp"
)

# Assessment workbooks (workbooks app): the largest file and the most rows an import accepts.
NTM_IMPORT_MAX_BYTES = envint("NTM_IMPORT_MAX_BYTES", str(5 * 1024 * 1024))
NTM_IMPORT_MAX_ROWS = envint("NTM_IMPORT_MAX_ROWS", "20000")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NTM Tracker API",
    "DESCRIPTION": "Criteria sets, administrative units and commune summaries of the NTM programme.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: an empty broker URL means tasks run eagerly, in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# The periodic tasks (`make worker` runs beat inside the worker, -B), one place for all of them.
CELERY_BEAT_SCHEDULE = {
    # Jobs left "queued" while Redis was unreachable are sent again once it answers.
    "requeue-jobs": {"task": "jobs.tasks.requeue_jobs", "schedule": 60.0},
    # Reminder emails (late communes, overdue reviews), every morning at 07:30 Vietnam time.
    "send-reminders": {"task": "assessments.tasks.send_reminders", "schedule": crontab(hour=7, minute=30)},
    # Finished jobs and their result files are deleted JOBS_KEEP_DAYS after they were started.
    "purge-expired-jobs": {"task": "jobs.tasks.purge_expired_jobs", "schedule": crontab(hour=2, minute=0)},
}
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get("CELERY_BEAT_SCHEDULE_FILENAME", str(VAR_DIR / "celerybeat-schedule"))
# A broker that does not answer must not hang the request that starts a job (jobs.services).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Background jobs (jobs app): resend a job still queued after this long; keep finished jobs this many days.
JOBS_REQUEUE_AFTER_SECONDS = envint("JOBS_REQUEUE_AFTER_SECONDS", "60")
JOBS_KEEP_DAYS = envint("JOBS_KEEP_DAYS", "7")
# Workbook templates made in the background (large units) are deleted sooner: they are cheap to remake.
# The purge runs daily (purge-expired-jobs), so a file may outlive this by up to a day.
NTM_EXPORT_KEEP_HOURS = envint("NTM_EXPORT_KEEP_HOURS", "24")

# Reminders (assessments.reminders): the yearly report is due on NTM_REPORTING_DUE ("MM-DD"); reviewers
# are reminded of submissions waiting longer than NTM_REVIEW_REMINDER_DAYS. Links in the emails start
# with NTM_SITE_URL.
NTM_REPORTING_DUE = os.environ.get("NTM_REPORTING_DUE", "12-15")
NTM_REVIEW_REMINDER_DAYS = envint("NTM_REVIEW_REMINDER_DAYS", "7")
NTM_SITE_URL = os.environ.get("NTM_SITE_URL", "http://127.0.0.1:8000")

# Console email in development; SMTP (EMAIL_HOST, default localhost) when EMAIL_HOST is set or
# DEBUG is off, so production never silently prints its mail.
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", "587"),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", "1"),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ntm-tracker@localhost")

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
