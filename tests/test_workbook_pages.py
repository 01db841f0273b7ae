"""The workbook pages: the template download (direct, or a background job for a large unit) and the
upload whose import runs as a job, its result page, its size limit and the broker-down case.

The last tests run a real Celery worker against Redis (tests/celery_fixtures.py); they stay last in
the module because the worker, once started, serves the rest of the module.
"""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Assessment, IndicatorResult
from jobs import services as jobs_services
from jobs.models import Job, JobStatus
from tests import factories
from tests.celery_fixtures import CLOSED_BROKER_URL, broker_at, wait_until
from tests.factories import D
from tests.helpers import (
    FILLED,
    as_file,
    filled_template,
    only_job,
    post_and_commit,
    problems,
    refused,
    row_of,
    sheet_of,
    upload_workbook,
)
from workbooks import layout as L
from workbooks import services
from workbooks.models import ImportRecord
from workbooks.services import background

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _zip_that_is_not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bao-cao.txt", "không phải sổ tính")
    return buffer.getvalue()


def template_url(unit):
    return reverse("workbooks:template", args=[unit.era, unit.code])


def stored_uploads():
    try:
        _dirs, files = default_storage.listdir("imports")
    except FileNotFoundError:
        return []
    found = []
    for year in default_storage.listdir("imports")[0]:
        for month in default_storage.listdir(f"imports/{year}")[0]:
            found += default_storage.listdir(f"imports/{year}/{month}")[1]
    return found + files


# The template page


def test_the_unit_page_links_to_the_workbook_pages(client, workbook_set, tree, cast):
    client.force_login(cast.staff)
    response = client.get(reverse("web:unit", args=[tree.a.era, tree.a.code]))
    assert template_url(tree.a) in response.content.decode()
    assert reverse("workbooks:import") in response.content.decode()


def test_the_template_page_offers_the_published_sets_that_apply(client, workbook_set, tree, cast):
    draft = factories.make_set(status="draft", name="Bộ nháp")
    client.force_login(cast.staff)
    response = client.get(template_url(tree.a))
    assert response.status_code == 200
    assert workbook_set.name in response.content.decode() and draft.name not in response.content.decode()


def test_a_commune_template_is_downloaded_at_once(client, workbook_set, tree, cast):
    client.force_login(cast.staff)
    response = client.post(template_url(tree.a), {"criteria_set": workbook_set.pk, "as_of": "2024-06-30"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"] and "18436" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Hướng dẫn", "18436 Xã A"]
    assert wb["18436 Xã A"][L.DATE_CELL].value.date() == D
    assert not Job.objects.exists()


def test_a_district_template_is_downloaded_at_once_too(client, workbook_set, tree, cast):
    client.force_login(cast.reviewer)
    response = client.post(template_url(tree.h), {"criteria_set": workbook_set.pk, "as_of": "2024-06-30"})
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Hướng dẫn", "18436 Xã A", "18439 Xã B"]


def test_a_unit_outside_the_users_scope_is_404(client, workbook_set, tree, cast):
    client.force_login(cast.outsider)
    assert client.get(template_url(tree.a)).status_code == 404
    assert (
        client.post(template_url(tree.a), {"criteria_set": workbook_set.pk, "as_of": "2024-06-30"}).status_code == 404
    )
    assert client.get(reverse("workbooks:template", args=["pre2025", "99999"])).status_code == 404


def test_the_template_page_needs_a_login(client, workbook_set, tree):
    response = client.get(template_url(tree.a))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_set_that_does_not_apply_is_refused(client, workbook_set, tree, cast):
    draft = factories.make_set(status="draft")
    client.force_login(cast.staff)
    response = client.post(template_url(tree.a), {"criteria_set": draft.pk, "as_of": "2024-06-30"})
    assert response.status_code == 200
    assert "Bộ tiêu chí này không áp dụng cho đơn vị." in response.content.decode()


def test_a_large_unit_template_runs_as_a_job_and_the_file_is_offered(
    client, workbook_set, tree, cast, monkeypatch, settings
):
    monkeypatch.setattr(background, "DIRECT_MAX_COMMUNES", 2)  # province P has three communes
    settings.NTM_EXPORT_KEEP_HOURS = 5
    client.force_login(cast.province_reviewer)
    assert "được lập trong nền" in client.get(template_url(tree.p)).content.decode()
    response = post_and_commit(client, template_url(tree.p), {"criteria_set": workbook_set.pk, "as_of": "2024-06-30"})
    job = only_job()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.status, job.created_by) == ("workbook_template", JobStatus.SUCCEEDED, cast.province_reviewer)
    hours = (job.expires_at - job.created_at).total_seconds() / 3600
    assert 4.9 < hours < 5.1
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Tỉnh P: 3 trang xã" in page and reverse("jobs:file", args=[job.pk]) in page
    download = client.get(reverse("jobs:file", args=[job.pk]))
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames == ["Hướng dẫn", "18436 Xã A", "18439 Xã B", "18500 Xã C"]


# The import page


def test_the_import_page_needs_a_login(client):
    response = client.get(reverse("workbooks:import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_import_page_shows_the_form(client, cast, tree):
    client.force_login(cast.staff)
    page = client.get(reverse("workbooks:import")).content.decode()
    assert 'type="file"' in page and "Chỉ kiểm tra (không ghi)" in page and "tối đa 5,0 MB" in page


def test_an_upload_is_imported_by_a_job_and_the_result_lists_the_assessments(client, workbook_set, tree, cast):
    client.force_login(cast.staff)
    response = upload_workbook(client, filled_template(workbook_set, tree), name="xa-a.xlsx")
    job = only_job()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.status, job.progress) == ("workbook_import", JobStatus.SUCCEEDED, 100)
    assessment = Assessment.objects.get(commune=tree.a, criteria_set=workbook_set, as_of=D)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Đã nhập tệp xa-a.xlsx." in page and "Tạo mới 1, cập nhật 0, không đổi 0 đánh giá." in page
    assert reverse("web:assessment", args=[assessment.pk]) in page and "30/06/2024" in page
    assert ImportRecord.objects.get().file_name == "xa-a.xlsx"
    assert stored_uploads() == []  # the saved upload is deleted once imported


def test_a_refused_upload_lists_every_problem_and_writes_nothing(client, workbook_set, tree, cast):
    client.force_login(cast.staff)
    wb = filled_template(workbook_set, tree, answers={**FILLED, "2.1": (150, None), "1.1": ("Có", None)})
    upload_workbook(client, wb)
    assert not Assessment.objects.exists() and not IndicatorResult.objects.exists()
    page = client.get(only_job().get_absolute_url()).content.decode()
    assert "không được nhập: có 2 lỗi" in page and "Không có gì được ghi" in page
    ws = sheet_of(wb, tree.a)
    for code, message in (
        ("1.1", "Ô này chỉ nhận “Đạt” hoặc “Chưa đạt”, không nhận “Có”."),
        ("2.1", "Tỷ lệ phần trăm phải từ 0 đến 100, không phải 150."),
    ):
        assert f"E{row_of(ws, code)}</td>" in page and message in page
    assert "18436 Xã A" in page


def test_a_dry_run_upload_says_what_would_change_and_writes_nothing(client, workbook_set, tree, cast):
    client.force_login(cast.staff)
    upload_workbook(client, filled_template(workbook_set, tree), dry_run="on")
    job = only_job()
    assert job.params["dry_run"] is True
    assert not Assessment.objects.exists() and not ImportRecord.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Kiểm tra xong, không có lỗi." in page and "Sẽ tạo mới" in page


def test_the_as_of_of_the_form_replaces_the_sheets_date(client, workbook_set, tree, cast):
    client.force_login(cast.staff)
    upload_workbook(client, filled_template(workbook_set, tree), as_of="2024-05-31")
    assert Assessment.objects.get().as_of.isoformat() == "2024-05-31"


def test_a_commune_outside_the_uploaders_scope_is_refused_on_the_result_page(client, workbook_set, tree, cast):
    client.force_login(cast.staff_c)  # commune staff of xã C uploads xã A's sheet
    upload_workbook(client, filled_template(workbook_set, tree))
    assert not Assessment.objects.exists()
    page = client.get(only_job().get_absolute_url()).content.decode()
    assert "Bạn không có quyền nhập đánh giá của Xã A (mã 18436)." in page and "D2" in page


def test_another_users_import_job_is_404(client, workbook_set, tree, cast):
    client.force_login(cast.staff)
    upload_workbook(client, filled_template(workbook_set, tree))
    client.force_login(cast.staff_c)
    assert client.get(only_job().get_absolute_url()).status_code == 404


def test_a_file_over_the_size_limit_is_refused_on_the_form(client, workbook_set, tree, cast, settings):
    data = as_file(filled_template(workbook_set, tree)).getvalue()
    settings.NTM_IMPORT_MAX_BYTES = len(data) - 1
    client.force_login(cast.staff)
    response = upload_workbook(client, data)
    assert response.status_code == 200
    assert "Tệp quá lớn" in response.content.decode() and "tối đa" in response.content.decode()
    assert not Job.objects.exists() and stored_uploads() == []


def test_a_request_far_over_the_size_limit_is_refused_before_it_is_read(client, workbook_set, tree, cast, settings):
    settings.NTM_IMPORT_MAX_BYTES = 1000
    client.force_login(cast.staff)
    response = upload_workbook(client, b"x" * 200_000, name="lon.xlsx")
    assert response.status_code == 413 and "Tệp quá lớn" in response.content.decode()
    assert not Job.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_result_page(client, cast, tree):
    client.force_login(cast.staff)
    upload_workbook(client, b"%PDF-1.7 not a workbook", name="bao-cao.pdf")
    page = client.get(only_job().get_absolute_url()).content.decode()
    assert "Tệp không phải là sổ tính Excel (.xlsx) đọc được." in page


def test_added_sheets_are_ignored_and_named(client, workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    wb.create_sheet("Nháp của tôi")["E7"] = "Đạt"
    client.force_login(cast.staff)
    upload_workbook(client, wb)
    page = client.get(only_job().get_absolute_url()).content.decode()
    assert "Các trang không theo mẫu đã bỏ qua" in page and "Nháp của tôi" in page
    assert "Hướng dẫn" not in page.split("Các trang không theo mẫu đã bỏ qua")[1]
    assert Assessment.objects.count() == 1


def test_broker_down_keeps_the_upload_and_says_so_then_the_job_runs(client, workbook_set, tree, cast):
    client.force_login(cast.staff)
    with broker_at(CLOSED_BROKER_URL):
        response = upload_workbook(client, filled_template(workbook_set, tree))
    job = only_job()
    assert (job.status, job.enqueued_at) == (JobStatus.QUEUED, None)
    assert default_storage.exists(job.params["upload"])  # nothing lost
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhận tệp, sẽ xử lý khi hệ thống chạy nền hoạt động lại." in page
    assert not Assessment.objects.exists()
    jobs_services.job_run(job_id=job.pk)  # what the worker does once the broker is back
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["ok"]
    assert Assessment.objects.filter(commune=tree.a).exists()
    assert not default_storage.exists(job.params["upload"])


def test_a_job_whose_upload_is_gone_says_so(client, workbook_set, tree, cast):
    client.force_login(cast.staff)
    with broker_at(CLOSED_BROKER_URL):
        upload_workbook(client, filled_template(workbook_set, tree))
    job = only_job()
    default_storage.delete(job.params["upload"])
    jobs_services.job_run(job_id=job.pk)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Không còn tệp đã tải lên; hãy tải lên lại." in page


# Bad workbooks the service tests (tests/test_workbooks.py) do not cover: refused whole, zero rows written


def test_a_corrupted_workbook_is_refused(workbook_set, tree, cast):
    data = as_file(filled_template(workbook_set, tree)).getvalue()
    outcome = refused(io.BytesIO(data[: len(data) // 2]), cast.staff, file_name="hong.xlsx")
    assert problems(outcome) == [("", "", "Tệp không phải là sổ tính Excel (.xlsx) đọc được.")]


@pytest.mark.parametrize("content", [b"Ma chi tieu;Ket qua\n2.1;75\n", _zip_that_is_not_a_workbook()])
def test_a_file_named_xlsx_that_is_not_one_is_refused(cast, tree, content):
    outcome = refused(io.BytesIO(content), cast.staff, file_name="ket-qua.xlsx")
    assert problems(outcome) == [("", "", "Tệp không phải là sổ tính Excel (.xlsx) đọc được.")]


def test_formulas_in_result_cells_are_refused_with_their_cells(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    ws = sheet_of(wb, tree.a)
    r21, r3 = row_of(ws, "2.1"), row_of(ws, "3")
    ws[f"E{r21}"] = "=70+5"
    ws[f"F{r3}"] = '=CONCATENATE("Báo cáo ", "thu nhập")'
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [
        ("18436 Xã A", f"E{r21}", "Ô chứa công thức (=70+5); hãy nhập giá trị, ví dụ dán đặc biệt chỉ lấy giá trị."),
        (
            "18436 Xã A",
            f"F{r3}",
            'Ô chứa công thức (=CONCATENATE("Báo cáo ", "thu nhập")); hãy nhập giá trị, '
            "ví dụ dán đặc biệt chỉ lấy giá trị.",
        ),
    ]


def test_a_formula_in_the_date_cell_is_refused(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    sheet_of(wb, tree.a)[L.DATE_CELL] = "=TODAY()"
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [
        ("18436 Xã A", "B3", "Ô chứa công thức (=TODAY()); hãy nhập giá trị, ví dụ dán đặc biệt chỉ lấy giá trị.")
    ]


def test_merged_result_cells_are_refused_with_the_range(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    ws = sheet_of(wb, tree.a)
    first = row_of(ws, "1.1")
    ws.merge_cells(f"E{first}:E{first + 1}")  # one answer meant for two indicators
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [
        (
            "18436 Xã A",
            f"E{first}:E{first + 1}",
            f"Các ô E{first}:E{first + 1} bị gộp; hãy bỏ gộp ô (mỗi chỉ tiêu một dòng, mỗi kết quả một ô).",
        )
    ]


def test_the_templates_own_merged_cells_are_accepted(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    assert len(sheet_of(wb, tree.a).merged_cells.ranges) > 2  # set name, hint, one per criterion
    assert services.import_workbook(as_file(wb), cast.staff).ok


def test_added_sheets_are_ignored_not_read(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    extra = wb.create_sheet("Tính toán")
    extra["A7"], extra["E7"] = "1.2", "Đạt"  # looks like a result, but is not on a template sheet
    outcome = services.import_workbook(as_file(wb), cast.staff)
    assert outcome.ok and outcome.ignored_sheets == ["Tính toán"]
    assert outcome.record.counts["ignored_sheets"] == ["Tính toán"]
    assert Assessment.objects.get().results.get(indicator__code="1.2").met is False  # as on xã A's sheet


def test_a_workbook_of_added_sheets_only_is_refused(cast, tree):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Tính toán"
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [("", "", "Sổ tính không theo mẫu nhập đánh giá; hãy tải mẫu từ hệ thống.")]


# Through a real worker and Redis (CI=true: a missing Redis fails these tests)


def _finished(job_pk):
    return Job.objects.filter(pk=job_pk, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first()


@pytest.mark.django_db(transaction=True)
def test_an_upload_goes_through_a_real_worker_to_the_result_page(client, workbook_set, tree, cast, celery_worker):
    client.force_login(cast.staff)
    response = upload_workbook(client, filled_template(workbook_set, tree), name="qua-worker.xlsx")
    job = only_job()
    assert job.enqueued_at is not None
    done = wait_until(lambda: _finished(job.pk), timeout=20)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.result["ok"] and done.result["counts"]["created"] == 1
    assessment = Assessment.objects.get(commune=tree.a, criteria_set=workbook_set, as_of=D)
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập tệp qua-worker.xlsx." in page and reverse("web:assessment", args=[assessment.pk]) in page


@pytest.mark.django_db(transaction=True)
def test_an_upload_made_while_redis_is_down_runs_on_the_worker_once_requeued(
    client, workbook_set, tree, cast, celery_worker
):
    client.force_login(cast.staff)
    with broker_at(CLOSED_BROKER_URL):
        response = upload_workbook(client, filled_template(workbook_set, tree))
    job = only_job()
    assert (job.status, job.enqueued_at) == (JobStatus.QUEUED, None)
    assert "sẽ xử lý khi hệ thống chạy nền hoạt động lại" in client.get(response["Location"]).content.decode()
    out = io.StringIO()
    call_command("requeue_jobs", "--older-than", "0", stdout=out)
    assert f"Requeued 1 job(s): {job.pk}" in out.getvalue()
    done = wait_until(lambda: _finished(job.pk), timeout=20)
    assert done.status == JobStatus.SUCCEEDED and done.result["ok"], done.error
    assert Assessment.objects.filter(commune=tree.a, as_of=D).count() == 1
