"""Assembling a report: the data (assessments, dashboards), the content (reports.content), the file.

A commune's report is written while the user waits. A unit's with more than NTM_REPORT_JOB_MIN_COMMUNES
communes is built on a worker (jobs) and offered on the job's page; the job re-reads the unit as its
starter, so scope is checked again when it runs.
"""

import datetime

from django.http import QueryDict

from communes.models import PROGRAMME_KINDS, AdministrativeUnit
from dashboards import data, figures, selectors
from dashboards import forms as dashboard_forms
from dashboards.area import Area, area_for
from jobs import services as jobs
from jobs.models import Job
from reports import content, pdf, word

KIND = "unit_report"
CONTENT_TYPES = {"docx": word.CONTENT_TYPE, "pdf": pdf.CONTENT_TYPE}


def file_bytes(document: content.Document, file_format: str) -> bytes:
    return pdf.pdf_bytes(document) if file_format == "pdf" else word.docx_bytes(document)


def file_name(unit, day: datetime.date, file_format: str) -> str:
    return f"bao-cao-{unit.era}-{unit.code}-{day:%Y%m%d}.{file_format}"


def communes_count(area: Area) -> int:
    """The xã of the area, which the report lists (phường, thị trấn and đặc khu are not in the programme)."""
    return AdministrativeUnit.objects.filter(area.communes_q(), kind__in=PROGRAMME_KINDS).count()


def unit_document(area: Area, query: dict, frame: content.Frame, day: datetime.date) -> content.Document | None:
    """The unit's report over its communes' latest approved assessments on query["as_of"]; None without a set."""
    board = data.dashboard_for(area, query, with_since=False, with_pending=False)
    if board.criteria_set is None:
        return None
    by_criterion, _by_indicator = figures.holdbacks(board.all_rows, selectors.criteria_of(board.criteria_set), [])
    return content.unit_document(area, board, by_criterion, frame, day)


def report_start(*, area: Area, query: dict, values: dict, day: datetime.date, file_format: str, by) -> Job:
    params = {**dashboard_forms.as_params(query), "as_of": query["as_of"].isoformat()}
    frame = {name: values.get(name, "") for name in content.Frame.__dataclass_fields__ if name != "recipients"}
    frame["recipients"] = values.get("recipients", "")
    return jobs.job_start(
        kind=KIND,
        by=by,
        params={
            "era": area.era,
            "code": area.unit.code,
            "query": params,
            "frame": frame,
            "day": day.isoformat(),
            "format": file_format,
        },
    )


def report_run(job: Job) -> dict:
    params = job.params
    area = area_for(job.created_by, era=params["era"], code=params["code"])
    query_dict = QueryDict(mutable=True)
    query_dict.update(params["query"])
    query = dashboard_forms.parse(query_dict)
    jobs.job_progress(job, done=1, total=3, message=area.name)
    day = datetime.date.fromisoformat(params["day"])
    document = unit_document(area, query, content.frame_from(params["frame"]), day)
    if document is None:
        raise ValueError("No criteria set has assessments in this unit.")
    jobs.job_progress(job, done=2, total=3, message=area.name)
    jobs.job_attach_file(
        job, name=file_name(area.unit, day, params["format"]), content=file_bytes(document, params["format"])
    )
    return {"unit_name": str(area.name), "as_of": query["as_of"].isoformat(), "format": params["format"]}
