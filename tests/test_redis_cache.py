"""Cache and sessions on Redis when CACHE_URL is set (Django's own Redis cache backend, sessions "cached_db"),
local memory and database sessions otherwise. Against the real Redis on 127.0.0.1:6379, database 7, under a
key prefix of this run, so that parallel runs never see each other's keys.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from ntm.lib import scale

REDIS_URL = os.environ.get("NTM_TEST_CACHE_URL", "redis://127.0.0.1:6379/7")
PREFIX = f"ntm-test-cache-{os.getpid()}"


def test_without_cache_url_the_cache_is_per_process_and_sessions_in_the_database():
    caches = scale.caches({})
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert scale.session_engine(caches) == "django.contrib.sessions.backends.db"


def test_a_celery_broker_alone_does_not_select_redis_for_the_cache():
    assert scale.caches({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"})["default"]["BACKEND"].endswith("LocMemCache")


def test_cache_url_selects_djangos_redis_cache_and_cached_db_sessions():
    caches = scale.caches({"CACHE_URL": "redis://127.0.0.1:6379/3", "CACHE_KEY_PREFIX": "tinh-42"})
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert (caches["default"]["LOCATION"], caches["default"]["KEY_PREFIX"]) == ("redis://127.0.0.1:6379/3", "tinh-42")
    assert scale.session_engine(caches) == "django.contrib.sessions.backends.cached_db"


def test_a_cache_url_that_is_not_redis_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        scale.caches({"CACHE_URL": "memcached://127.0.0.1:11211"})


# The real thing


@pytest.fixture
def redis_db():
    """A redis-py client of the test database; fails under CI=true when Redis is not there."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {REDIS_URL} ({exc}); the cache tests need it."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield client
    keys = list(client.scan_iter(match=f"{PREFIX}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_cache(redis_db, settings):
    """Django's cache and sessions as settings.py makes them from CACHE_URL."""
    env = {"CACHE_URL": REDIS_URL, "CACHE_KEY_PREFIX": PREFIX}
    settings.CACHES = scale.caches(env)
    settings.SESSION_ENGINE = scale.session_engine(settings.CACHES)
    return env


def test_a_value_set_through_django_is_in_redis(redis_cache, redis_db):
    cache.set("so-xa", 3321, timeout=60)
    assert redis_db.get(f"{PREFIX}:1:so-xa") == b"3321"
    redis_db.set(f"{PREFIX}:1:so-tinh", 34)
    assert cache.get("so-tinh") == 34


def _other_process(env: dict, code: str) -> dict:
    """Run `code` in a fresh Python with ntm.settings and `env`; it prints one JSON line."""
    child_env = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "ntm.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup()\n" + code],
        env=child_env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_a_session_is_read_by_another_process_and_survives_the_loss_of_the_cache(redis_cache, redis_db):
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = SessionStore()
    session["ten"] = "Cán bộ xã A"
    session.save()
    # Another process, with nothing but CACHE_URL in common, and a database it cannot open: it finds
    # the session in Redis (and settings.py chose the Redis cache and cached_db sessions by itself).
    seen = _other_process(
        {**redis_cache, "DATABASE_URL": "sqlite:////nonexistent/ntm/db.sqlite3"},
        "from django.conf import settings\n"
        "from django.contrib.sessions.backends.cached_db import SessionStore\n"
        f"data = SessionStore({session.session_key!r}).load()\n"
        "print(json.dumps({'data': data, 'cache': settings.CACHES['default']['BACKEND'],"
        " 'engine': settings.SESSION_ENGINE}))",
    )
    assert seen == {
        "data": {"ten": "Cán bộ xã A"},
        "cache": "django.core.cache.backends.redis.RedisCache",
        "engine": "django.contrib.sessions.backends.cached_db",
    }
    # Redis restarted empty: the session is still in the database, and goes back into the cache.
    redis_db.delete(*redis_db.scan_iter(match=f"{PREFIX}:*"))
    assert SessionStore(session.session_key).load() == {"ten": "Cán bộ xã A"}
    assert any(redis_db.scan_iter(match=f"{PREFIX}:*"))


@pytest.mark.django_db
def test_readyz_checks_the_redis_cache(client, redis_cache, settings, tmp_path):
    settings.CELERY_BROKER_URL = ""
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["cache"] == "ok"
