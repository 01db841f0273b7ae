"""The dashboard's .xlsx for a province or the whole country, made as a background job.

A district (a few dozen communes) is written while the user waits; a province has hundreds of
communes and the country thousands, so their workbook is built on a worker and offered on the job's
page (jobs:detail) for NTM_EXPORT_KEEP_HOURS. The job re-reads the dashboard as its starter: scope
is checked again when it runs, not only when it was asked for.
"""

import datetime

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from communes.models import Level
from dashboards import data, forms, selectors, xlsx
from dashboards.area import Area, area_for
from jobs import services as jobs
from jobs.models import Job

KIND = "dashboard_xlsx"


def needs_background(area: Area) -> bool:
    """True for a province or the whole country; a district's export is made at once."""
    return area.unit is None or area.unit.level <= Level.PROVINCE


def file_name(area: Area, as_of: datetime.date) -> str:
    return f"bang-theo-doi-{area.unit.code if area.unit else 'ca-nuoc'}-{as_of:%Y%m%d}.xlsx"


def workbook_bytes(area: Area, query: dict) -> bytes:
    board = data.dashboard_for(area, query, with_since=False)
    criteria = selectors.criteria_of(board.criteria_set) if board.criteria_set else []
    summary = data.summary_for(area, query, with_since=False) if area.summarises else None
    return xlsx.workbook_bytes(board, criteria, summary)


def export_start(*, area: Area, query: dict, by) -> Job:
    # as_params leaves out today's date: the job must keep the day it was asked for.
    params = {**forms.as_params(query), "as_of": query["as_of"].isoformat()}
    return jobs.job_start(
        kind=KIND,
        by=by,
        params={
            "era": area.era,
            "code": area.unit.code if area.unit else None,
            "query": params,
        },
    )


def export_run(job: Job) -> dict:
    params = job.params
    area = area_for(job.created_by, era=params["era"], code=params["code"])
    query_dict = QueryDict(mutable=True)
    query_dict.update(params["query"])
    query = forms.parse(query_dict)
    jobs.job_progress(job, done=1, total=3, message=area.name)
    content = workbook_bytes(area, query)
    jobs.job_progress(job, done=2, total=3, message=area.name)
    jobs.job_attach_file(job, name=file_name(area, query["as_of"]), content=content)
    expires = timezone.now() + datetime.timedelta(hours=settings.NTM_EXPORT_KEEP_HOURS)
    Job.objects.filter(pk=job.pk).update(expires_at=expires)
    return {"unit_name": str(area.name), "as_of": query["as_of"].isoformat(), "expires_at": expires.isoformat()}
