"""Settings for running on several servers, read from the environment (ntm/settings.py calls these).

- file_storage(): the default storage, an S3-compatible bucket with STORAGE_URL or AWS_STORAGE_BUCKET_NAME,
  the local disk (MEDIA_ROOT) otherwise;
- caches() and session_engine(): Django's Redis cache with CACHE_URL, local memory otherwise; sessions in
  the cache backed by the database ("cached_db") on Redis, in the database otherwise.
"""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"

# STORAGE_URL query parameters → S3Storage options.
_URL_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "region_name": "region_name",
    "prefix": "location",
    "location": "location",
    "access_key": "access_key",
    "secret_key": "secret_key",
    "addressing_style": "addressing_style",
    "signature_version": "signature_version",
    "custom_domain": "custom_domain",
}
# AWS_* environment variables → S3Storage options (the bucket name is AWS_STORAGE_BUCKET_NAME).
_ENV_OPTIONS = {
    "AWS_S3_ENDPOINT_URL": "endpoint_url",
    "AWS_S3_REGION_NAME": "region_name",
    "AWS_LOCATION": "location",
    "AWS_S3_ADDRESSING_STYLE": "addressing_style",
    "AWS_S3_SIGNATURE_VERSION": "signature_version",
    "AWS_S3_CUSTOM_DOMAIN": "custom_domain",
}


def file_storage(env, *, url_expiry: int = 60) -> dict:
    """The STORAGES["default"] entry for this environment."""
    options = _s3_options(env)
    if options is None:
        return {"BACKEND": LOCAL_BACKEND}
    options = {
        # Generated names never collide, but a storage must never replace a file it did not write.
        "file_overwrite": False,
        "default_acl": None,  # private objects: the bucket's policy, never public-read
        "querystring_expire": url_expiry,
        "signature_version": "s3v4",
        # A file read back (a workbook to import, a download) is kept in memory up to 2 MB, then on disk.
        "max_memory_size": 2 * 1024 * 1024,
        **options,
    }
    if options.get("endpoint_url") and "addressing_style" not in options:
        options["addressing_style"] = "path"  # MinIO, Ceph and most S3-compatible servers
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def _s3_options(env) -> dict | None:
    url = env.get("STORAGE_URL", "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("s3", "file") or (parts.scheme == "s3" and not parts.netloc):
            raise ImproperlyConfigured("STORAGE_URL must look like s3://bucket?endpoint_url=…&region=… (or file://).")
        if parts.scheme == "file":
            return None
        options = {"bucket_name": parts.netloc}
        for key, values in parse_qs(parts.query).items():
            if key not in _URL_OPTIONS:
                raise ImproperlyConfigured(
                    f"STORAGE_URL: unknown parameter {key!r} (known: {', '.join(_URL_OPTIONS)})."
                )
            options[_URL_OPTIONS[key]] = values[-1]
        if parts.path.strip("/") and "location" not in options:
            options["location"] = parts.path.strip("/")
        return options
    bucket = env.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return None
    options = {"bucket_name": bucket}
    for name, option in _ENV_OPTIONS.items():
        if env.get(name, "").strip():
            options[option] = env[name].strip()
    return options


def caches(env) -> dict:
    """The CACHES setting: Redis with CACHE_URL (redis:// or rediss://), local memory otherwise."""
    url = env.get("CACHE_URL", "").strip()
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured("CACHE_URL must be a Redis URL, e.g. redis://127.0.0.1:6379/1.")
    return {
        "default": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": url,
            "KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "ntm"),
            # A Redis that does not answer must not hang every page: fail fast (the pages work without it).
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


def session_engine(caches_setting: dict) -> str:
    """Sessions in Redis backed by the database when the cache is shared; in the database otherwise."""
    if caches_setting["default"]["BACKEND"] == REDIS_BACKEND:
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"
