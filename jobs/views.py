import os

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import select_template

from jobs import registry, selectors, services
from ntm.lib.downloads import stored_file_response


def _context(job) -> dict:
    return {
        "job": job,
        "kind_label": registry.label_of(job.kind),
        # Each kind may show its result its own way (templates/jobs/result/<kind>.html).
        "result_template": select_template([f"jobs/result/{job.kind}.html", "jobs/result/_default.html"]),
    }


@login_required
def job_list(request):
    services.jobs_housekeeping_if_due()
    jobs = selectors.recent_jobs_for(request.user)
    for job in jobs:
        job.kind_label = registry.label_of(job.kind)
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk):
    services.jobs_housekeeping_if_due()
    return render(request, "jobs/job_detail.html", _context(selectors.job_for(request.user, pk)))


@login_required
def job_progress(request, pk):
    # The partial that the detail page polls (htmx, every second) until the job is finished.
    services.jobs_housekeeping_if_due()
    return render(request, "jobs/job_detail.html#state", _context(selectors.job_for(request.user, pk)))


@login_required
def job_file(request, pk):
    job = selectors.job_for(request.user, pk)
    if not job.result_file:
        raise Http404
    return stored_file_response(job.result_file, filename=os.path.basename(job.result_file.name))
