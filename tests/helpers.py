"""Helpers shared by several test modules: files as their first bytes make them, the admin's change forms,
the criteria and results workbooks, the workbook pages, the dashboards' addresses, the clock, commands.

Fixtures live in tests/conftest.py and make_* factories in tests/factories.py; a test module imports
from here or there, never from another test module (tests/test_import_contracts.py).
"""

import datetime
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.forms import CheckboxInput, NullBooleanSelect
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Assessment, IndicatorResult
from criteria import loader
from criteria import workbook as criteria_io
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorTarget
from jobs.models import Job
from tests.factories import D
from workbooks import layout as L
from workbooks import services as workbook_services

ROOT = Path(__file__).resolve().parent.parent

LOGIN = "/accounts/login/"


# The clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args):
    """Travel to that moment in Vietnam's time, the clock stopped."""
    return time_machine.travel(datetime.datetime(*args, tzinfo=VN), tick=False)


# Commands


def manage_py(*args, **env):
    """Run manage.py in a process of its own with the production settings (ntm.settings) and `env`."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY")}
    full_env |= {"DJANGO_SETTINGS_MODULE": "ntm.settings", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


OFFICIAL = loader.OFFICIAL_DIR
QD1980, QD318 = OFFICIAL / "qd1980-xa-ntm-2016-2020.yaml", OFFICIAL / "qd318-xa-ntm-2021-2025.yaml"
NANG_CAO = OFFICIAL / "qd318-xa-ntm-nang-cao-2021-2025.yaml"
QD51, HIEN_DAI = OFFICIAL / "qd51-2025-xa-ntm-2026-2030.yaml", OFFICIAL / "qd51-2025-xa-ntm-hien-dai.yaml"


def load_criteria(*files, dry_run=False) -> str:
    """manage.py load_criteria with `files` (every bundled set without any); what it printed."""
    out = io.StringIO()
    call_command("load_criteria", *map(str, files), *(["--dry-run"] if dry_run else []), stdout=out)
    return out.getvalue()


# Files, as their first bytes make them


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(part: str) -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", f"{part}/document.xml": b"<x/>"})


def odf(mimetype: str) -> bytes:
    return zipped({"mimetype": mimetype.encode(), "content.xml": b"<x/>"})


def ole(*streams: str) -> bytes:
    directory = b"".join(name.encode("utf-16-le") + b"\x00\x00" + b"\x00" * 8 for name in ("Root Entry", *streams))
    return OLE_MAGIC + b"\x00" * 504 + directory


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# The admin: build the POST a change page would send, from its GET response


def _field_data(form) -> dict:
    data = {}
    for bound in form:
        value, widget = bound.value(), bound.field.widget
        if isinstance(widget, NullBooleanSelect):
            data[bound.html_name] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def change_form_data(response) -> dict:
    """The form and inline data of an admin change page, as the browser would post it unchanged."""
    data = _field_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _field_data(formset.management_form)
        for form in formset.forms:
            data |= _field_data(form)
    data["_save"] = "Lưu"
    return data


def assessment_change_url(assessment):
    return reverse("admin:assessments_assessment_change", args=[assessment.pk])


def _result_prefix(response, code):
    formset = response.context["inline_admin_formsets"][0].formset
    index = next(i for i, form in enumerate(formset.forms) if form.instance.indicator.code == code)
    return f"results-{index}-"


def post_results(client, assessment, changes: dict):
    """Post the assessment's admin change page with the results of `changes` ({code: {field: value}}) edited."""
    response = client.get(assessment_change_url(assessment))
    data = change_form_data(response)
    for code, fields in changes.items():
        prefix = _result_prefix(response, code)
        data |= {prefix + name: value for name, value in fields.items()}
    return client.post(assessment_change_url(assessment), data, follow=True)


# Criteria workbooks (criteria/workbook.py): a set's export, edited and imported back


def snapshot(cs: CriteriaSet) -> dict:
    """Everything a set says, without ids: criteria, indicators with their targets, provenance."""
    criteria = [
        (c.number, c.name, c.group_number, c.group_name, c.department_id, c.name_verified, c.sources, c.note)
        for c in cs.criteria.order_by("number")
    ]
    indicators = [
        (
            i.criterion.number,
            i.code,
            i.position,
            i.name,
            i.kind,
            i.operator,
            i.target_value,
            i.target_text,
            i.unit,
            i.evidence_guidance,
            i.verified,
            i.confidence,
            i.sources,
            i.note,
            i.provenance,
            sorted((t.region, t.commune_group, t.year, t.operator, t.value, t.text, t.unit) for t in i.targets.all()),
        )
        for i in Indicator.objects.filter(criteria_set=cs).select_related("criterion").order_by("code")
    ]
    fields = {
        f: getattr(cs, f)
        for f in (
            "name",
            "level",
            "decision_number",
            "decision_date",
            "effective_date",
            "issuer",
            "signer",
            "appendix",
            "period_start",
            "period_end",
            "province_id",
            "completeness",
            "stated_criteria_count",
            "stated_indicator_count",
            "notes",
            "provenance",
            "is_synthetic",
        )
    }
    return {"set": fields, "criteria": criteria, "indicators": indicators}


def workbook_of(cs):
    return load_workbook(io.BytesIO(criteria_io.criteria_set_export(cs)))


def criteria_as_file(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def set_field(wb, key, value):
    ws = wb[criteria_io.SET_SHEET]
    row = next(r for r in range(criteria_io.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value == key)
    ws.cell(row, 3, value)
    return f"C{row}"


def criteria_counts():
    return (
        CriteriaSet.objects.count(),
        Criterion.objects.count(),
        Indicator.objects.count(),
        IndicatorTarget.objects.count(),
    )


def criteria_refused(file, **kw):
    before = criteria_counts()
    result = criteria_io.criteria_set_import(file, **kw)
    assert not result.ok and result.criteria_set is None
    assert criteria_counts() == before, "a refused import must write nothing"
    return result


# Made-up rows for tests (not the decision's content): 47 indicators over the 10 criteria.
PER_CRITERION = [3, 8, 6, 3, 7, 4, 4, 6, 3, 3]


def fill_qd51_workbook(cs: CriteriaSet):
    """The exported workbook of `cs` with 47 indicator rows typed in, three group targets each."""
    wb = workbook_of(cs)
    ws = wb[criteria_io.INDICATORS_SHEET]
    columns = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
    row = criteria_io.FIRST_ROW
    for number, count in enumerate(PER_CRITERION, start=1):
        for k in range(1, count + 1):
            numeric = k % 2 == 1
            values = {
                "criterion": number,
                "code": f"{number}.{k}",
                "position": k,
                "name": f"Chỉ tiêu thử {number}.{k}",
                "kind": "numeric" if numeric else "boolean",
                "unit": "%" if numeric else None,
                "nhom1": "≥90" if numeric else "Đạt",
                "nhom2": "> 80" if numeric else "Đạt",
                "nhom3": ">= 70,5" if numeric else "Đạt",
            }
            for key, value in values.items():
                ws.cell(row, columns[key], value)
            row += 1
    return wb


# Results workbooks (workbooks/): the template a commune officer fills in, and its import


# Every indicator of the `workbook_set` fixture answered as a commune officer types it.
FILLED = {
    "1.1": ("Đạt", "Quyết định 12/QĐ-UBND"),
    "1.2": ("Chưa đạt", None),
    "2.1": (75, "Báo cáo giao thông"),
    "2.2": ("đạt", None),
    "3": ("61,5", None),
}


def sheet_of(wb, commune):
    return next(ws for ws in wb.worksheets if ws[L.CODE_CELL].value == commune.code)


def row_of(ws, code):
    return next(r for r in range(L.FIRST_ROW, ws.max_row + 1) if ws[f"A{r}"].value == code)


def fill(ws, answers):
    for code, (value, note) in answers.items():
        row = row_of(ws, code)
        ws[f"E{row}"], ws[f"F{row}"] = value, note


def as_file(wb, name="ket-qua-xa-a.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def filled_template(cs, tree, answers=FILLED, unit=None, as_of=D):
    wb = workbook_services.template_for(cs, unit or tree.a, as_of)
    fill(sheet_of(wb, tree.a), answers)
    return wb


def row_counts():
    return (
        Assessment.objects.count(),
        IndicatorResult.objects.count(),
        Assessment.history.count(),
        IndicatorResult.history.count(),
    )


def problems(outcome):
    """The (sheet, cell, message) of each problem of a workbook import, criteria or results."""
    return [(p.sheet, p.cell, p.message) for p in outcome.errors]


def refused(file, by, **kw):
    before = row_counts()
    outcome = workbook_services.import_workbook(file, by, **kw)
    assert not outcome.ok
    assert row_counts() == before, "a refused import must write nothing"
    assert outcome.record.outcome == "failed"
    assert outcome.record.errors == [p.as_dict() for p in outcome.errors]
    return outcome


# The workbook pages, whose work runs as a background job


def post_and_commit(client, url, data):
    # The job is sent after commit: run the on_commit callbacks that the test's transaction holds back.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


def upload_workbook(client, wb_or_bytes, name="ket-qua.xlsx", **data):
    content = wb_or_bytes if isinstance(wb_or_bytes, bytes) else as_file(wb_or_bytes).getvalue()
    file = io.BytesIO(content)
    file.name = name
    return post_and_commit(client, reverse("workbooks:import"), {"file": file, **data})


def only_job():
    return Job.objects.get()


# The dashboards (of the `dashboard_world` fixture)

AS_OF = "2024-12-31"


def iso_date(text):
    return datetime.date.fromisoformat(text)


def dashboard_url(name, unit, **query):
    path = reverse(f"dashboards:{name}", kwargs={"era": unit.era, "code": unit.code})
    query.setdefault("as_of", AS_OF)
    return path + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def get_as(client, user, address):
    client.force_login(user)
    return client.get(address)


def row_codes(response, testid="commune-row") -> list[str]:
    return re.findall(rf'data-testid="{testid}" data-code="(\d+)"', response.content.decode())


def queries_for(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


# The API


def all_codes(criteria_set: CriteriaSet) -> list[str]:
    return list(criteria_set.indicators.values_list("code", flat=True))
