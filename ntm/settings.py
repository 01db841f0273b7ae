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
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from ntm.lib import scale
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
    "reports",
]
# `synthetic` (seed_synthetic: national-scale made-up data for the benchmark) is not part of the product:
# installed only by bench/settings.py and the test settings.

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the user picked English with the language switch (Accept-Language is ignored).
    "ntm.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body: an upload declared too large is refused unread.
    "ntm.middleware.DeclaredUploadSizeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the request into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ntm.urls"

# Content-Security-Policy (Django's own middleware): only this site's files run, and no inline script,
# style attribute, event handler or eval at all, so an injected string cannot execute or restyle a page.
# JSON for the charts goes through json_script (type="application/json", never executed). Bars are sized
# by classes (ntm.lib.html.width_class); htmx is told not to add its <style> (base.html).
# data: images are Bootstrap's (and Swagger UI's) inline SVG icons, referenced from their CSS files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
CSRF_FAILURE_VIEW = "ntm.errors.csrf_failure"  # a styled 403 that says what to do, not Django's English page

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
                "web.context_processors.menu",
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
    # A background job (the thread runner) may hold the write lock for a few seconds while it imports:
    # a page that writes meanwhile waits for it rather than failing after SQLite's default 5 s.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# assessments.Assessment's covering index (assessment_latest_cover) uses INCLUDE, which only PostgreSQL has;
# on SQLite Django skips the index (the summaries are then read from the table), and says so with W040.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# A read replica (ntm.replica): with DATABASE_REPLICA_URL set, the dashboards, their exports and the read API
# (NTM_REPLICA_VIEWS: "namespace:" or a view name) read from it on GET, except for a user who wrote in the
# last NTM_REPLICA_PIN_SECONDS (pinned to the primary, a key in the default cache: share it between web
# servers with CACHE_URL). Every write, and everything outside those views, uses "default".
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=envint("DB_CONN_MAX_AGE", "0")
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the test database through it
DATABASE_ROUTERS = ["ntm.replica.ReplicaRouter"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, "ntm.replica.ReplicaMiddleware"
)
NTM_REPLICA_VIEWS = envlist("NTM_REPLICA_VIEWS", "dashboards:,api:,workbooks:template")
NTM_REPLICA_PIN_SECONDS = envint("NTM_REPLICA_PIN_SECONDS", "15")

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
# Behind a reverse proxy the client's address comes from the header the proxies write (ntm.lib.client_ip):
# NTM_PROXY_COUNT proxies in front of Django (0 = none: REMOTE_ADDR), NTM_CLIENT_IP_HEADER the header.
NTM_PROXY_COUNT = envint("NTM_PROXY_COUNT", "0")
NTM_CLIENT_IP_HEADER = os.environ.get("NTM_CLIENT_IP_HEADER", "X-Forwarded-For")
AXES_CLIENT_IP_CALLABLE = "ntm.lib.client_ip.client_ip"

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

# --- Several servers: files on object storage, cache and sessions on Redis (ntm.lib.scale) ---
# Evidence files, uploaded workbooks and job results go through the storage API: on the local disk
# (MEDIA_ROOT) by default; in an S3-compatible bucket (MinIO, Ceph, the clouds) with STORAGE_URL, e.g.
#   s3://ntm-files?endpoint_url=http://127.0.0.1:9000&region=us-east-1&prefix=media
# or with AWS_STORAGE_BUCKET_NAME (+ AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME, AWS_LOCATION). The keys come
# from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the URL's access_key= / secret_key=).
# Downloads are checked against the user's scope first; then streamed through Django, or, with
# NTM_STORAGE_REDIRECT=1 on a bucket, redirected to a signed URL valid NTM_STORAGE_URL_EXPIRY seconds.
NTM_STORAGE_URL_EXPIRY = envint("NTM_STORAGE_URL_EXPIRY", "60")
NTM_STORAGE_REDIRECT = envbool("NTM_STORAGE_REDIRECT", "0")
STORAGES = {
    "default": scale.file_storage(os.environ, url_expiry=NTM_STORAGE_URL_EXPIRY),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Cache (login throttling, health checks, the dashboards) and sessions: per process and in the database
# by default; with CACHE_URL=redis://host:6379/<db> Django's Redis cache, shared by every web server, and
# sessions "cached_db" (read from Redis, written through to the database, so a Redis restart signs no one
# out). CACHE_KEY_PREFIX keeps two sites on one Redis apart. CELERY_BROKER_URL alone never selects Redis.
CACHES = scale.caches(os.environ)
SESSION_ENGINE = scale.session_engine(CACHES)
# The Celery queue the web servers send jobs to and the workers take them from (two sites, or a test run,
# sharing one Redis keep apart by naming their own).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# --- end of the several-servers block ---

# Evidence files (tệp minh chứng): size limit, and the kinds accepted (detected from the content;
# see assessments.evidence.TYPES for the names). Keep the web server's body limit above the size.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024))
EVIDENCE_ALLOWED_TYPES = envlist(
    "EVIDENCE_ALLOWED_TYPES", "pdf,png,jpeg,webp,gif,docx,xlsx,pptx,doc,xls,ppt,odt,ods,odp"
)

# Workbook imports (assessments, and criteria sets in the admin): the largest file, its size once
# unzipped, and the most rows (all sheets together), columns and cells an import reads. The file is
# read in one streaming pass and refused at the first limit breached (ntm/lib/sheets.py).
NTM_IMPORT_MAX_BYTES = envint("NTM_IMPORT_MAX_BYTES", str(5 * 1024 * 1024))
NTM_IMPORT_MAX_UNZIPPED_BYTES = envint("NTM_IMPORT_MAX_UNZIPPED_BYTES", str(30 * 1024 * 1024))
NTM_IMPORT_MAX_ROWS = envint("NTM_IMPORT_MAX_ROWS", "20000")
NTM_IMPORT_MAX_COLUMNS = envint("NTM_IMPORT_MAX_COLUMNS", "50")
NTM_IMPORT_MAX_CELLS = envint("NTM_IMPORT_MAX_CELLS", "200000")

# Free text people type (evidence notes, return / reopen reasons, review comments, roadmap notes):
# the most characters one may hold, on every path (pages, API, workbook import, admin).
NTM_NOTE_MAX_CHARS = envint("NTM_NOTE_MAX_CHARS", "2000")

# How long a dashboard's cached data may live (ntm.lib.data_version; every write that changes it bumps the
# version, so this only bounds memory): seconds, 0 turns the cache off.
NTM_DATA_CACHE_SECONDS = envint("NTM_DATA_CACHE_SECONDS", "300")

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
# The periodic tasks, sent by exactly one beat process (`make beat`), one place for all of them. The daily
# ones claim their day first (jobs.DailyRun), so a second beat by mistake does nothing twice.
CELERY_BEAT_SCHEDULE = {
    # Jobs left "queued" while Redis was unreachable are sent again once it answers; running jobs whose
    # worker died (no heartbeat for NTM_JOB_STALE_MINUTES) are marked failed.
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
# Who runs jobs: "celery" (the workers, through CELERY_BROKER_URL) or "thread" (NTM_JOB_THREADS background
# threads of the web process: the default without a broker, so no request waits for a long job).
NTM_JOB_RUNNER = os.environ.get("NTM_JOB_RUNNER", "celery" if CELERY_BROKER_URL else "thread")
if NTM_JOB_RUNNER not in ("celery", "thread"):
    raise ImproperlyConfigured('NTM_JOB_RUNNER must be "celery" or "thread".')
NTM_JOB_THREADS = envint("NTM_JOB_THREADS", "2")
# A running job stamps a heartbeat every NTM_JOB_HEARTBEAT_SECONDS; one silent for NTM_JOB_STALE_MINUTES
# lost its worker and is marked failed (requeue-jobs under beat; the jobs pages with the thread runner).
NTM_JOB_HEARTBEAT_SECONDS = envint("NTM_JOB_HEARTBEAT_SECONDS", "30")
NTM_JOB_STALE_MINUTES = envint("NTM_JOB_STALE_MINUTES", "10")
# Workbook templates made in the background (large units) are deleted sooner: they are cheap to remake.
# The purge runs daily (purge-expired-jobs), so a file may outlive this by up to a day.
NTM_EXPORT_KEEP_HOURS = envint("NTM_EXPORT_KEEP_HOURS", "24")
# The official report (reports app) of a unit with more communes than this is built as a background job.
NTM_REPORT_JOB_MIN_COMMUNES = envint("NTM_REPORT_JOB_MIN_COMMUNES", "50")

# /healthz and /readyz (ntm.health): unauthenticated, so each client address gets this many per minute.
HEALTH_RATE_LIMIT = envint("HEALTH_RATE_LIMIT", "60")

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
