"""Reads behind the jobs pages: a job is visible to the user who started it, to no one else."""

from django.http import Http404
from django.utils.translation import gettext as _

from jobs.models import Job

LIST_SIZE = 50


def job_for(user, pk: int) -> Job:
    """The job `user` started; a 404 otherwise, the same as for a missing one (one query)."""
    job = Job.objects.filter(pk=pk, created_by=user).first() if user.is_authenticated else None
    if job is None:
        raise Http404(_("Không tìm thấy công việc."))
    return job


def recent_jobs_for(user) -> list[Job]:
    return list(Job.objects.for_list_page(user)[:LIST_SIZE])
