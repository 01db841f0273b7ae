"""Reading from a replica of the database (DATABASE_REPLICA_URL), through a database router.

Which reads go to the replica: only those of a GET (or HEAD) request to a view named in
settings.NTM_REPLICA_VIEWS (the dashboards, their exports, the read API), and only while:
- the "replica" alias is configured (DATABASE_REPLICA_URL set), else everything uses "default";
- the user did not write in the last NTM_REPLICA_PIN_SECONDS seconds: any POST, PUT, PATCH or DELETE
  by a signed-in user pins that user to the primary for that long (a key per user in the default cache,
  so with several web servers the cache must be shared: CACHE_URL), so they see what they just saved
  even if the replica lags behind; other users keep reading the replica;
- no transaction is open on the primary (reads inside one see its own writes), and this request wrote
  nothing yet (a GET that starts an export job reads the job back from the primary);
- the model is not one of sign-in's (users, sessions, tokens, django-axes), always read from the primary.

Every write goes to the primary. ReplicaMiddleware decides per request and keeps the decision in a
context variable that the router (ReplicaRouter) consults; outside a request (workers, commands) nothing
reads the replica.
"""

import contextvars

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Read from the primary, always: who is signed in, and whether they may, must never lag behind.
PRIMARY_ONLY_APPS = {"auth", "sessions", "authtoken", "axes"}

_reads = contextvars.ContextVar("ntm_replica_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def pin_key(user_id) -> str:
    return f"ntm:replica:pin:{user_id}"


def pin_to_primary(user) -> None:
    """For NTM_REPLICA_PIN_SECONDS, every read of this user's requests goes to the primary."""
    cache.set(pin_key(user.pk), 1, timeout=settings.NTM_REPLICA_PIN_SECONDS)


class _RequestReads:
    """The replica is allowed for this request; whether the user is pinned is looked up at the first read."""

    def __init__(self, request):
        self.request = request
        self._pinned = None

    def pinned(self) -> bool:
        if self._pinned is None:  # also set by a write in this request (ReplicaRouter.db_for_write)
            user = getattr(self.request, "user", None)  # read from the primary (PRIMARY_ONLY_APPS)
            self._pinned = bool(user is not None and user.is_authenticated and cache.get(pin_key(user.pk)))
        return self._pinned


def _replica_view(match) -> bool:
    if match is None:
        return False
    for name in settings.NTM_REPLICA_VIEWS:
        if name.endswith(":") and f"{match.namespace}:".startswith(name):
            return True
        if match.view_name == name:
            return True
    return False


class ReplicaMiddleware:
    """Allows the replica for a safe request to a read view; pins the user to the primary after a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads.set(None)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if request.method not in SAFE_METHODS and replica_configured():
            # The API's token users are known only once its view ran: request.user is read afterwards.
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                pin_to_primary(user)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD") and replica_configured() and _replica_view(request.resolver_match):
            _reads.set(_RequestReads(request))


class ReplicaRouter:
    """Reads to "replica" when ReplicaMiddleware allowed it for the request; writes always to "default"."""

    def db_for_read(self, model, **hints):
        state = _reads.get()
        if state is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block or state.pinned():
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _reads.get()
        if state is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            state._pinned = True  # a GET that writes (e.g. starts an export job) reads it back from the primary
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows: objects read from either may be related to each other.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA} or None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
