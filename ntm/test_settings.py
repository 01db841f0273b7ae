"""Test settings: everything from settings.py, overriding only what tests need."""

from ntm.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Tests never run collectstatic: WhiteNoise serves the files from the finders (static/ and the apps),
# looked up per request, so it neither warns about a missing STATIC_ROOT nor needs one.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
