"""Test settings: everything from settings.py, overriding only what tests need."""

import datetime

from ntm.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
# Jobs run eagerly through Celery, inside the test (deterministic); tests of the thread runner switch it on.
NTM_JOB_RUNNER = "celery"
NTM_JOB_HEARTBEAT_SECONDS = 0  # no side thread writing from its own connection
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# django-axes stays on in tests, with the defaults pinned so a developer's environment cannot change
# them. Its backend needs the request: sign in with force_login or a POST to the login page, and pass
# request= to authenticate() (Client.login() passes none and is refused).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
NTM_PROXY_COUNT = 0  # no proxy unless a test says so
NTM_CLIENT_IP_HEADER = "X-Forwarded-For"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Files on the local disk and sessions in the database whatever the developer's environment says (a bucket
# or Redis of their own); the tests of those (tests/test_object_storage.py, tests/test_redis_cache.py) switch
# them on with services the tests start or name.
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # noqa: F405
SESSION_ENGINE = "django.contrib.sessions.backends.db"
NTM_STORAGE_REDIRECT = False
# Tests never run collectstatic: WhiteNoise serves the files from the finders (static/ and the apps),
# looked up per request, so it neither warns about a missing STATIC_ROOT nor needs one.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The tests cover the benchmark's synthetic data too (bench/settings.py installs it; production does not).
INSTALLED_APPS = [*INSTALLED_APPS, "synthetic"]  # noqa: F405
