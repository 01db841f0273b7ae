"""Health checks for a load balancer, unauthenticated, JSON, with no secrets in them.

- /healthz: the process answers (no database, no network): restart the process when it fails.
- /readyz: the database answers and every migration is applied, the broker (Redis, when
  CELERY_BROKER_URL is set) and the shared cache (Redis, when CACHE_URL is set) answer, the file storage
  (the disk or the bucket) is writable: send traffic only when it passes.

Each address answers at most HEALTH_RATE_LIMIT requests per minute per client address (429 beyond),
counted in the default cache, so that an unauthenticated probe cannot be used to load the database.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _limited(request) -> bool:
    limit = getattr(settings, "HEALTH_RATE_LIMIT", 60)
    key = f"health:{request.META.get('REMOTE_ADDR', '')}:{int(time.time() // 60)}"
    try:
        if cache.add(key, 1, timeout=70):
            return False
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        return False
    except Exception:  # noqa: BLE001 — a shared cache (Redis) that is down must not fail /healthz; /readyz says it
        return False


def _answer(request, body: dict, ok: bool) -> JsonResponse:
    if _limited(request):
        return JsonResponse({"status": "rate_limited"}, status=429, headers={"Retry-After": "60"})
    return JsonResponse({"status": "ok" if ok else "unavailable", **body}, status=200 if ok else 503)


@never_cache
def healthz(request):
    return _answer(request, {}, True)


def _database() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if not pending else "migrations_pending"


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not_used"
    import redis  # the broker the project uses; only imported when configured

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
    return "ok" if client.ping() else "error"


def _storage() -> str:
    name = default_storage.save("health/probe.txt", __import__("io").BytesIO(b"ok"))
    default_storage.delete(name)
    return "ok"


def _cache() -> str:
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return "not_used"  # per process: nothing to reach
    cache.set("health:probe", 1, timeout=10)
    return "ok" if cache.get("health:probe") == 1 else "error"


@never_cache
def readyz(request):
    checks = {}
    for name, check in (("database", _database), ("broker", _broker), ("cache", _cache), ("storage", _storage)):
        try:
            checks[name] = check()
        except Exception:  # noqa: BLE001 — any failure means "not ready"; the reason stays in the logs
            checks[name] = "error"
    ok = all(state in ("ok", "not_used") for state in checks.values())
    return _answer(request, {"checks": checks}, ok)
