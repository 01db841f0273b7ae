"""Workbook work that runs as background jobs: an uploaded workbook's import, and the template of a
large unit. The pages start them here; workbooks/jobs.py registers them (jobs.registry); a worker runs them.

An upload is saved (MEDIA/imports/) before its job is started, so a broker that is down loses
nothing: the job stays queued with the file's path, and runs when `requeue_jobs` sends it again.
"""

import datetime
import io
import logging
import os
import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet
from jobs import services as jobs
from jobs.models import Job
from workbooks.services.importer import import_workbook
from workbooks.services.template import communes_of, template_check, template_for

logger = logging.getLogger(__name__)

IMPORT = "workbook_import"
TEMPLATE = "workbook_template"
# A commune or a district is made while the user waits; a province (hundreds of sheets) in the background.
DIRECT_MAX_COMMUNES = 50
# The result page lists at most this many problems; the import record keeps them all.
MAX_LISTED_ERRORS = 500


def import_start(*, upload, by, as_of: datetime.date | None = None, dry_run: bool = False) -> Job:
    """Save the uploaded file and start the job that imports it (after the current transaction commits)."""
    file_name = os.path.basename(upload.name or "") or "workbook.xlsx"
    path = default_storage.save(f"imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.xlsx", upload)
    params = {"upload": path, "file_name": file_name, "as_of": as_of.isoformat() if as_of else None, "dry_run": dry_run}
    return jobs.job_start(kind=IMPORT, by=by, params=params)


def import_run(job: Job) -> dict:
    """The import job's work: import_workbook on the saved file, as the user who uploaded it.

    The saved file is deleted afterwards, whatever came of it (the ImportRecord keeps its hash).
    A job whose file is gone (already run and purged) says so rather than guessing.
    """
    params = job.params
    path = params["upload"]
    if not default_storage.exists(path):
        return {
            "ok": False,
            "missing": True,
            "file_name": params["file_name"],
            "dry_run": params["dry_run"],
            "errors": [{"sheet": "", "cell": "", "message": _("Không còn tệp đã tải lên; hãy tải lên lại.")}],
            "error_count": 1,
            "actions": [],
            "counts": {},
            "ignored_sheets": [],
        }

    def progress(done: int, total: int, message: str) -> None:
        jobs.job_progress(job, done=done, total=total, message=message)

    as_of = datetime.date.fromisoformat(params["as_of"]) if params.get("as_of") else None
    try:
        with default_storage.open(path, "rb") as fileobj:
            outcome = import_workbook(
                fileobj,
                job.created_by,
                as_of=as_of,
                dry_run=params["dry_run"],
                progress=progress,
                file_name=params["file_name"],
            )
    finally:
        default_storage.delete(path)
    return _import_result(outcome, params)


def _import_result(outcome, params: dict) -> dict:
    names = _commune_names(outcome.actions)
    actions = [{**a, "commune_name": names.get((a["era"], a["commune"]), a["commune"])} for a in outcome.actions]
    errors = [p.as_dict() for p in outcome.errors]
    return {
        "ok": outcome.ok,
        "dry_run": outcome.dry_run,
        "file_name": params["file_name"],
        "counts": outcome.counts,
        "actions": actions,
        "ignored_sheets": outcome.ignored_sheets,
        "errors": errors[:MAX_LISTED_ERRORS],
        "error_count": len(errors),
        "record": outcome.record.pk if outcome.record else None,
    }


def _commune_names(actions: list[dict]) -> dict:
    codes = {a["commune"] for a in actions}
    units = AdministrativeUnit.objects.filter(code__in=codes).values_list("era", "code", "name")
    return {(era, code): name for era, code, name in units}


def needs_background(unit: AdministrativeUnit) -> bool:
    """True for a unit with more communes than a user should wait for (a province, the country)."""
    return len(communes_of(unit)) > DIRECT_MAX_COMMUNES


def template_file_name(criteria_set: CriteriaSet, unit: AdministrativeUnit, as_of: datetime.date) -> str:
    return f"mau-nhap-{slugify(criteria_set.code)}-{unit.code}-{as_of:%Y%m%d}.xlsx"


def template_bytes(criteria_set: CriteriaSet, unit: AdministrativeUnit, as_of: datetime.date, progress=None) -> bytes:
    buffer = io.BytesIO()
    template_for(criteria_set, unit, as_of, progress=progress).save(buffer)
    return buffer.getvalue()


def template_start(*, criteria_set: CriteriaSet, unit: AdministrativeUnit, as_of: datetime.date, by) -> Job:
    """Start the job that builds the template of a large unit; its page offers the file when ready.
    A set that does not apply is refused at once (ValidationError), not in the job."""
    template_check(criteria_set, unit, as_of)
    params = {"set": criteria_set.code, "unit": f"{unit.era}/{unit.code}", "as_of": as_of.isoformat()}
    return jobs.job_start(kind=TEMPLATE, by=by, params=params)


def template_run(job: Job) -> dict:
    """The template job's work: build the workbook, attach it, and keep it NTM_EXPORT_KEEP_HOURS only."""
    params = job.params
    criteria_set = CriteriaSet.objects.get(code=params["set"])
    era, _sep, code = params["unit"].partition("/")
    unit = AdministrativeUnit.objects.get(era=era, code=code)
    as_of = datetime.date.fromisoformat(params["as_of"])

    def progress(done: int, total: int, message: str) -> None:
        # The last few percent are for saving the file, which takes a while for a large workbook.
        jobs.job_progress(job, done=done * 9, total=total * 10, message=message)

    content = template_bytes(criteria_set, unit, as_of, progress=progress)
    jobs.job_attach_file(job, name=template_file_name(criteria_set, unit, as_of), content=content)
    expires = timezone.now() + datetime.timedelta(hours=settings.NTM_EXPORT_KEEP_HOURS)
    Job.objects.filter(pk=job.pk).update(expires_at=expires)
    return {
        "set": criteria_set.code,
        "set_name": criteria_set.name,
        "unit": params["unit"],
        "unit_name": unit.name,
        "as_of": params["as_of"],
        "communes": len(communes_of(unit)),
        "expires_at": expires.isoformat(),
    }
