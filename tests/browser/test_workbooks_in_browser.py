"""The workbook pages in Chromium: download a template, upload it filled in while the broker is down,
then watch the job page (htmx polling, no reload) go from "waiting" to the imported result."""

import pytest

from assessments.models import Assessment
from jobs import services as jobs_services
from jobs.models import Job, JobStatus
from tests.browser.conftest import log_in, shoot
from tests.celery_fixtures import CLOSED_BROKER_URL, broker_at
from tests.factories import D
from tests.helpers import FILLED, as_file, filled_template, row_of, sheet_of

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_filled_workbook_is_uploaded_and_its_result_appears_on_the_job_page(
    page, context, live_server, watch, workbook_set, tree, cast, tmp_path
):
    log_in(context, live_server, cast.staff)
    page.goto(f"{live_server.url}/units/{tree.a.era}/{tree.a.code}/")
    page.get_by_role("link", name="Tải mẫu sổ tính Excel").click()
    page.get_by_label("Ngày đánh giá").fill(D.isoformat())
    shoot(page, "workbook-template")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải sổ tính (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    path = tmp_path / "ket-qua-xa-a.xlsx"
    path.write_bytes(as_file(filled_template(workbook_set, tree)).getvalue())
    page.goto(f"{live_server.url}/workbooks/import/")
    page.get_by_label("Tệp sổ tính (.xlsx)").set_input_files(str(path))
    shoot(page, "workbook-import-form")
    with broker_at(CLOSED_BROKER_URL):  # Redis is down: the file is kept, the job waits
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
        page.get_by_test_id("job-state").wait_for()
    assert "Đã nhận tệp, sẽ xử lý khi hệ thống chạy nền hoạt động lại." in page.content()
    assert page.get_by_test_id("job-state").get_attribute("data-status") == "queued"
    shoot(page, "workbook-queued")

    job = Job.objects.get()
    jobs_services.job_run(job_id=job.pk)  # the worker, once the broker is back
    page.locator('#job-state[data-status="succeeded"]').wait_for(timeout=10_000)
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    outcome = page.get_by_test_id("import-outcome")
    assert "Đã nhập tệp ket-qua-xa-a.xlsx." in outcome.inner_text()
    assessment = Assessment.objects.get(commune=tree.a, as_of=D)
    link = page.get_by_test_id("import-actions").get_by_role("link", name="Xã A")
    assert link.get_attribute("href") == f"/assessments/{assessment.pk}/"
    shoot(page, "workbook-result")
    assert Job.objects.get().status == JobStatus.SUCCEEDED


def test_a_refused_workbook_lists_its_problems_in_a_table(
    page, context, live_server, watch, workbook_set, tree, cast, tmp_path
):
    wb = filled_template(workbook_set, tree, answers={**FILLED, "2.1": (150, None), "1.1": ("Có", None)})
    ws = sheet_of(wb, tree.a)
    ws[f"E{row_of(ws, '2.2')}"] = "=1+1"
    path = tmp_path / "loi.xlsx"
    path.write_bytes(as_file(wb).getvalue())
    log_in(context, live_server, cast.staff)
    page.goto(f"{live_server.url}/workbooks/import/")
    page.get_by_label("Tệp sổ tính (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()  # eager here: the result is there at once
    page.locator('#job-state[data-status="succeeded"]').wait_for()
    assert page.get_by_test_id("import-error").count() == 3
    assert not Assessment.objects.exists()
    shoot(page, "workbook-errors")
    assert watch.console_errors == [] and watch.failed_static == []
