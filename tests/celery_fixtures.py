"""A real Celery worker, in a thread of the test process, consuming from Redis database 5.

tests/conftest.py registers this module as a plugin (`pytest_plugins`): a test asks for `celery_worker` by name.

- Redis unreachable: the test fails when CI=true, and is skipped with the reason otherwise.
- The worker runs in this process, so it uses pytest-django's test database: on PostgreSQL it opens its
  own connection to test_<name>, which sees what `transaction=True` tests commit; on SQLite (an
  in-memory test database) it borrows the test's connection, as Django's live server thread does.
- `broker_at(url)` points the producer side elsewhere, e.g. at a closed port to play "Redis is down".
"""

import os
import threading
import time
from contextlib import ExitStack, contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.db import connections

from jobs import services as jobs_services
from jobs.registry import job_kind
from ntm.celery import app as celery_app

REDIS_URL = os.environ.get("NTM_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
# Every key of this run (queues, bindings) carries this prefix, so two test runs at once (SQLite and
# PostgreSQL, or two developers) never take each other's messages.
KEY_PREFIX = f"ntm-test-{os.getpid()}:"
QUEUE_KEY = f"{KEY_PREFIX}celery"  # the Redis list holding the default queue's messages
CLOSED_BROKER_URL = "redis://127.0.0.1:9/5"  # the discard port: nothing listens there


def redis_client():
    """A client of the test Redis database, or the test skipped (failed in CI) when it cannot be reached."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {REDIS_URL} ({exc}); the real-worker tests need it."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return client


def _reset_producer_pools(app) -> None:
    # The app caches its broker connections; after a URL change the next publish must connect anew.
    # (Not closed: kombu keeps the pools in a registry keyed by URL and would hand the closed one back.)
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    """Send tasks to `url` (not eagerly) inside the block; the previous configuration comes back after."""
    keys = ("broker_url", "task_always_eager", "worker_hijack_root_logger", "broker_transport_options")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        broker_url=url,
        task_always_eager=False,
        worker_hijack_root_logger=False,
        broker_transport_options={**saved["broker_transport_options"], "global_keyprefix": KEY_PREFIX},
    )
    _reset_producer_pools(celery_app)
    try:
        yield celery_app
    finally:
        celery_app.conf.update(saved)
        _reset_producer_pools(celery_app)


@contextmanager
def _sqlite_connection_shared_with_worker():
    connection = connections["default"]
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        yield
        return

    def use_test_connection(**kwargs):
        # Runs in the worker thread before each task: an in-memory database exists only in this connection.
        connections["default"] = connection

    connection.inc_thread_sharing()
    task_prerun.connect(use_test_connection, weak=False, dispatch_uid="ntm-test-share-sqlite")
    try:
        yield
    finally:
        task_prerun.disconnect(dispatch_uid="ntm-test-share-sqlite")
        connection.dec_thread_sharing()


@pytest.fixture(scope="module")
def _module_worker(django_db_setup, django_db_blocker):
    # One worker per test module: starting and stopping one takes about a second.
    client = redis_client()
    with ExitStack() as stack:
        stack.callback(_delete_keys, client)  # last: the queues this run left behind
        app = stack.enter_context(broker_at(REDIS_URL))
        stack.enter_context(_sqlite_connection_shared_with_worker())
        with django_db_blocker.unblock():  # Celery's Django fixup runs the system checks as the worker starts
            worker = stack.enter_context(
                start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10)
            )
        yield worker


def _delete_keys(client) -> None:
    keys = list(client.scan_iter(match=f"{KEY_PREFIX}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def celery_worker(transactional_db, _module_worker):
    """A worker consuming from the test Redis database, for `transaction=True` tests."""
    return _module_worker


def wait_until(predicate, *, timeout: float = 10.0, interval: float = 0.05):
    """Poll `predicate` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Condition not met within {timeout} s")


# Job kinds for the tests (declared once, when this module is imported)

CALLS: list[tuple[str, int]] = []  # (kind, job id) for every handler run, in this process
GATE = threading.Event()  # "test.steps" waits for it halfway, so a test can look at the running job


@job_kind("test.echo", label="Test echo")
def _echo(job) -> dict:
    CALLS.append(("test.echo", job.pk))
    return {"echo": job.params}


@job_kind("test.steps", label="Test steps")
def _steps(job) -> dict:
    CALLS.append(("test.steps", job.pk))
    jobs_services.job_progress(job, done=1, total=2, message="Đã xong bước 1/2")
    if not GATE.wait(timeout=10):
        raise TimeoutError("the test never opened the gate")
    return {"steps": 2}


@job_kind("test.boom", label="Test boom")
def _boom(job) -> dict:
    CALLS.append(("test.boom", job.pk))
    raise RuntimeError("boom")


@job_kind("test.file", label="Test file")
def _file(job) -> dict:
    CALLS.append(("test.file", job.pk))
    jobs_services.job_attach_file(job, name="bao-cao.txt", content="xin chào".encode())
    return {}
