"""Test settings: everything from settings.py, overriding only what tests need."""

import datetime

from ntm.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# django-axes stays on in tests, with the defaults pinned so a developer's environment cannot change
# them. Its backend needs the request: sign in with force_login or a POST to the login page, and pass
# request= to authenticate() (Client.login() passes none and is refused).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Tests never run collectstatic: WhiteNoise serves the files from the finders (static/ and the apps),
# looked up per request, so it neither warns about a missing STATIC_ROOT nor needs one.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
