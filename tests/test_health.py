"""/healthz and /readyz: unauthenticated JSON for a load balancer, no secrets, rate-limited."""

import pytest
from django.core.cache import cache
from django.db import connections

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_the_database_the_migrations_and_the_storage(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "not_used", "cache": "not_used", "storage": "ok"},
    }


def test_a_shared_cache_that_is_down_fails_readyz_but_not_healthz(client, settings):
    from django.test import override_settings

    settings.CELERY_BROKER_URL = ""
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=down):  # restored before the fixture clears the cache
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["cache"] == "error"
    assert "127.0.0.1:1" not in response.content.decode()


def test_readyz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"
    assert "127.0.0.1:1" not in response.content.decode()  # no settings in the answer


def test_readyz_is_503_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connections["default"], "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["database"] == "error"


def test_probes_are_rate_limited_per_address(client, settings):
    settings.HEALTH_RATE_LIMIT = 3
    codes = [client.get("/healthz").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    other = client.get("/healthz", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200
