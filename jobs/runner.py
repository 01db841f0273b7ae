"""Runs jobs on background threads of the web process when there is no broker (NTM_JOB_RUNNER="thread").

The embedded default has no Redis and no worker. Running a job eagerly would hold the request that
started it (a national dashboard workbook or a large import takes minutes), so the job is handed to one
of NTM_JOB_THREADS daemon threads and the request returns at once; the job page shows the progress.

Daemon threads die with the process: a job running when the server stops stays "running" until
`jobs_fail_stale` marks it failed (its heartbeat stopped), and a job still waiting here stays "queued"
until `jobs_requeue` hands it out again. Both run from `jobs_housekeeping`.
"""

import logging
import queue
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

logger = logging.getLogger(__name__)

_queue: queue.Queue = queue.Queue()
_pending: set[int] = set()  # ids handed to this process's threads and not yet finished
_threads: list[threading.Thread] = []
_lock = threading.Lock()


def submit(job_id: int) -> None:
    """Hand the job to a background thread; a job already waiting or running here is not added twice."""
    with _lock:
        if job_id in _pending:
            return
        _pending.add(job_id)
        _start_threads()
    _queue.put(job_id)


def pending() -> set[int]:
    with _lock:
        return set(_pending)


def _start_threads() -> None:
    _threads[:] = [thread for thread in _threads if thread.is_alive()]
    for n in range(len(_threads), max(1, settings.NTM_JOB_THREADS)):
        thread = threading.Thread(target=_work, name=f"ntm-job-{n + 1}", daemon=True)
        thread.start()
        _threads.append(thread)


def _work() -> None:
    while True:
        job_id = _queue.get()
        try:
            _run_one(job_id)
        except Exception:  # noqa: BLE001 - e.g. the database went away; the thread must live on
            logger.exception("Job %s could not be run.", job_id)
        finally:
            with _lock:
                _pending.discard(job_id)
            # This thread's own connections: a long-lived thread must not hold one open between jobs.
            connections.close_all()


def _run_one(job_id: int) -> None:
    if _run is None:
        raise ImproperlyConfigured("The jobs app is not ready: jobs.services.job_run was never wired in.")
    _run(job_id=job_id)


# What a thread does with a job: jobs.services.job_run, wired in by JobsConfig.ready (the services send
# jobs here through jobs.tasks.send_job, so this module imports neither).
_run: Callable[..., bool] | None = None


def run_with(run: Callable[..., bool]) -> None:
    global _run
    _run = run
