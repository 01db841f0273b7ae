"""Starting, running and finishing background jobs; the reminder log.

A job is saved first and sent to the broker only after the transaction that created it commits,
so a worker never looks for a row that is not there yet, and a rolled-back request starts nothing.
If the broker cannot be reached the job simply stays "queued": the user's data is already saved,
and `requeue_jobs` (every minute under beat, or by hand) sends it again once the broker is back.
"""

import datetime
import functools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from jobs import registry, tasks
from jobs.models import FINISHED, Job, JobStatus, SentReminder

logger = logging.getLogger(__name__)

# A broker that does not answer is not waited for: the request that started the job must return,
# and the job is sent again later anyway. Two quick tries, then give up (about half a second).
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
BROKER_ERRORS = (OperationalError, OSError)


def job_start(*, kind: str, by=None, params: dict | None = None) -> Job:
    """Record a job of `kind` for user `by` and send it to the workers once the current transaction commits.

    `params` must be JSON (ids and codes, never model instances). Returns the saved job, still queued.
    """
    registry.get(kind)  # an unknown kind is a programming error: fail now, not in the worker
    now = timezone.now()
    job = Job.objects.create(
        kind=kind, created_by=by, params=params or {}, language=translation.get_language() or "",
        expires_at=now + datetime.timedelta(days=settings.JOBS_KEEP_DAYS),
    )
    transaction.on_commit(functools.partial(job_enqueue, job_id=job.pk))
    return job


def job_enqueue(*, job_id: int) -> bool:
    """Send the job to the broker; False (and the job left queued) when the broker cannot be reached."""
    # Recorded before sending: a fast worker (or an eager run) may have finished the job before apply_async returns.
    sent_at = timezone.now()
    Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(enqueued_at=sent_at)
    try:
        tasks.run_job.apply_async(args=[job_id], retry=True, retry_policy=PUBLISH_RETRY)
    except BROKER_ERRORS:
        logger.warning("Job %s stays queued: the broker cannot be reached.", job_id, exc_info=True)
        Job.objects.filter(pk=job_id, enqueued_at=sent_at).update(enqueued_at=None)
        return False
    return True


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
        status=JobStatus.RUNNING, started_at=now, progress=0, message=""
    )
    if not claimed:
        return False
    job = Job.objects.get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            result = registry.get(job.kind).handler(job)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the job must end up "failed"
            logger.exception("Job %s (%s) failed.", job.pk, job.kind)
            _finish(job, JobStatus.FAILED, error=_error_text(exc))
            return True
    _finish(job, JobStatus.SUCCEEDED, result=result or {})
    return True


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return f"{type(exc).__name__}: {exc}"


def _finish(job: Job, status: str, *, result: dict | None = None, error: str = "") -> None:
    fields = {"status": status, "finished_at": timezone.now(), "error": error}
    if status == JobStatus.SUCCEEDED:
        fields.update(progress=100, result=result)
    Job.objects.filter(pk=job.pk).update(**fields)


def job_progress(job: Job, *, done: int, total: int, message: str = "") -> None:
    """Record how far a running job is (done of total), for the page that polls it.

    Written at once, outside any transaction of the handler's, so the page sees it while the job runs.
    """
    percent = 100 if total <= 0 else min(100, max(0, done * 100 // total))
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(progress=percent, message=message[:300])


def job_attach_file(job: Job, *, name: str, content: bytes) -> None:
    """Store the job's result file (an export, an error report); the page then offers it for download."""
    job.result_file.save(name, ContentFile(content), save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)


def jobs_purge_expired() -> int:
    """Delete finished jobs past their expiry date, with their result files. Returns how many."""
    expired = list(Job.objects.filter(status__in=FINISHED, expires_at__lt=timezone.now()))
    for job in expired:
        if job.result_file:
            job.result_file.delete(save=False)
        job.delete()
    return len(expired)


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
