"""Starting, running and finishing background jobs; the reminder log.

A job is saved first and sent to the broker only after the transaction that created it commits,
so a worker never looks for a row that is not there yet, and a rolled-back request starts nothing.
If the broker cannot be reached the job simply stays "queued": the user's data is already saved,
and `requeue_jobs` (every minute under beat, or by hand) sends it again once the broker is back.
"""

import contextlib
import datetime
import functools
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from jobs import registry
from jobs.models import FINISHED, DailyRun, Job, JobStatus, SentReminder

logger = logging.getLogger(__name__)


def job_start(*, kind: str, by=None, params: dict | None = None) -> Job:
    """Record a job of `kind` for user `by` and send it to the workers once the current transaction commits.

    `params` must be JSON (ids and codes, never model instances). Returns the saved job, still queued.
    """
    registry.get(kind)  # an unknown kind is a programming error: fail now, not in the worker
    now = timezone.now()
    job = Job.objects.create(
        kind=kind,
        created_by=by,
        params=params or {},
        language=translation.get_language() or "",
        expires_at=now + datetime.timedelta(days=settings.JOBS_KEEP_DAYS),
    )
    transaction.on_commit(functools.partial(job_enqueue, job_id=job.pk))
    return job


def job_enqueue(*, job_id: int) -> bool:
    """Send the job to be run (jobs.tasks.send_job: the broker, or this process's threads); False, and the
    job left queued, when the broker cannot be reached."""
    if _send is None:
        raise ImproperlyConfigured("The jobs app is not ready: jobs.tasks.send_job was never wired in.")
    return _send(job_id)


# How a job is sent: jobs.tasks.send_job, wired in by JobsConfig.ready (the tasks call these services, so
# the services do not import the tasks).
_send: Callable[[int], bool] | None = None


def send_with(send: Callable[[int], bool]) -> None:
    global _send
    _send = send


def jobs_requeue(*, older_than: int) -> list[int]:
    """Send again every job still queued `older_than` seconds after it was last sent (or created).

    A job whose message did reach a busy worker may so be sent twice; the second run finds it claimed
    and does nothing. Returns the ids of the jobs sent.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than)
    ids = list(Job.objects.waiting_since(cutoff).order_by("created_at").values_list("pk", flat=True))
    return [job_id for job_id in ids if job_enqueue(job_id=job_id)]


def job_run(*, job_id: int) -> bool:
    """Claim the job and run its handler; False when another run already claimed it (or it is gone).

    The claim is one conditional UPDATE, so two deliveries of the same message cannot both run it.
    A handler's exception marks the job failed and is logged; it is not raised again, so that an
    eager run (no broker) never breaks the request that started the job.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0, message=""
    )
    if not claimed:
        return False
    job = Job.objects.get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE), _heartbeat(job.pk):
        try:
            result = registry.get(job.kind).handler(job)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the job must end up "failed"
            logger.exception("Job %s (%s) failed.", job.pk, job.kind)
            _finish(job, JobStatus.FAILED, error=_error_text(exc))
            return True
    _finish(job, JobStatus.SUCCEEDED, result=result or {})
    return True


@contextlib.contextmanager
def _heartbeat(job_id: int):
    """While the handler runs, a side thread stamps the job every NTM_JOB_HEARTBEAT_SECONDS.

    The stamp says "the process running this job is alive", whatever the handler is doing (one step of a
    national export may be silent for minutes); when it stops, `jobs_fail_stale` ends the job.
    """
    interval = settings.NTM_JOB_HEARTBEAT_SECONDS
    if interval <= 0:
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(interval):
                try:
                    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("Job %s: heartbeat not written.", job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"ntm-job-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return f"{type(exc).__name__}: {exc}"


def _finish(job: Job, status: str, *, result: dict | None = None, error: str = "") -> None:
    fields = {"status": status, "finished_at": timezone.now(), "error": error}
    if status == JobStatus.SUCCEEDED:
        fields.update(progress=100, result=result)
    # Only a running job: one already marked failed as stale stays failed (the user may have restarted it).
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**fields)


def job_progress(job: Job, *, done: int, total: int, message: str = "") -> None:
    """Record how far a running job is (done of total), for the page that polls it.

    Written at once, outside any transaction of the handler's, so the page sees it while the job runs.
    """
    percent = 100 if total <= 0 else min(100, max(0, done * 100 // total))
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        progress=percent, message=message[:300], heartbeat_at=timezone.now()
    )


def job_attach_file(job: Job, *, name: str, content: bytes) -> None:
    """Store the job's result file (an export, an error report); the page then offers it for download."""
    job.result_file.save(name, ContentFile(content), save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)


def jobs_fail_stale(*, minutes: int | None = None) -> list[int]:
    """Mark failed every running job whose heartbeat stopped `minutes` ago (NTM_JOB_STALE_MINUTES).

    Its worker died (a restart, a killed process, a lost machine): without this the job would show
    "running" forever. Returns the ids of the jobs so ended.
    """
    minutes = settings.NTM_JOB_STALE_MINUTES if minutes is None else minutes
    now = timezone.now()
    cutoff = now - datetime.timedelta(minutes=minutes)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    ended = []
    for job in Job.objects.filter(silent, status=JobStatus.RUNNING).only("pk", "language"):
        with translation.override(job.language or settings.LANGUAGE_CODE):
            error = gettext(
                "Công việc đã dừng: tiến trình chạy nền không còn tín hiệu sau %(minutes)s phút "
                "(có thể máy chủ đã khởi động lại). Hãy chạy lại."
            ) % {"minutes": minutes}
        # The same condition again: a heartbeat written since the read keeps the job running.
        if Job.objects.filter(silent, pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, finished_at=now, error=error
        ):
            logger.warning("Job %s marked failed: no heartbeat for %s minutes.", job.pk, minutes)
            ended.append(job.pk)
    return ended


def jobs_housekeeping() -> None:
    """End the jobs whose worker died and send again those left queued (beat runs it every minute)."""
    jobs_fail_stale()
    jobs_requeue(older_than=settings.JOBS_REQUEUE_AFTER_SECONDS)


_last_housekeeping = 0.0
_housekeeping_lock = threading.Lock()


def jobs_housekeeping_if_due() -> None:
    """With the thread runner there is no beat: the jobs pages call this, and it runs at most once a minute."""
    global _last_housekeeping
    if settings.NTM_JOB_RUNNER != "thread":
        return
    with _housekeeping_lock:
        if time.monotonic() - _last_housekeeping < 60:
            return
        _last_housekeeping = time.monotonic()
    try:
        jobs_housekeeping()
    except DatabaseError:
        logger.warning("Job housekeeping failed.", exc_info=True)


def jobs_purge_expired() -> int:
    """Delete finished jobs past their expiry date, with their result files. Returns how many."""
    expired = list(Job.objects.filter(status__in=FINISHED, expires_at__lt=timezone.now()))
    for job in expired:
        if job.result_file:
            job.result_file.delete(save=False)
        job.delete()
    return len(expired)


def run_once_a_day(kind: str, work) -> DailyRun | None:
    """Run `work()` unless a run of `kind` already claimed today (Vietnam time); the claim row, else None.

    The claim (a DailyRun row, unique per kind and day) is inserted in the same transaction as the work:
    two beats started by mistake, or a task delivered twice, do the work once; a run that raises leaves
    no claim, so the next one that day tries again. `work` may return a dict (or a number), kept as the
    run's result for the admin's eyes.
    """
    day = timezone.localdate()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the refused claim must not break the outer block
                run = DailyRun.objects.create(kind=kind, day=day)
        except IntegrityError:
            logger.info("%s already ran on %s: nothing to do.", kind, day)
            return None
        result = work()
        run.finished_at = timezone.now()
        run.result = result if isinstance(result, dict) else {"value": result}
        run.save(update_fields=["finished_at", "result"])
    return run


def reminder_send_once(*, kind: str, user, key: str = "", subject: str, body: str) -> bool:
    """Email `user` unless the same reminder (kind, key) already went to them today; True if sent.

    The log row and the email share a transaction: a mail server that refuses leaves no row, so the
    next run tries again, and two runs racing on the same day send one email (the unique row).
    """
    day = timezone.localdate()
    with transaction.atomic():
        _row, created = SentReminder.objects.get_or_create(
            kind=kind, user=user, key=key, day=day, defaults={"subject": subject[:200]}
        )
        if not created:
            return False
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
