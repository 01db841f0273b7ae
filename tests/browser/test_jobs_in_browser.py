"""The job page in Chromium: the progress bar follows the job through htmx polling, without a reload."""

import pytest
from django.utils import timezone

from jobs.models import Job, JobStatus
from tests import factories
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_job_page_updates_itself_until_the_job_is_finished(page, context, live_server, watch):
    owner = factories.make_user("chu.cong.viec")
    job = Job.objects.create(
        kind="recompute_summaries",
        created_by=owner,
        status=JobStatus.RUNNING,
        progress=40,
        message="Đã xem 80/200 đánh giá chưa duyệt.",
        params={"unit": "pre2025/18436"},
        started_at=timezone.now(),
    )
    log_in(context, live_server, owner)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "40"
    shoot(page, "job-running")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        progress=100,
        finished_at=timezone.now(),
        message="Đã xem 200/200 đánh giá chưa duyệt.",
        result={
            "examined": 200,
            "changed": 1,
            "dry_run": False,
            "changes": [
                {
                    "id": 1,
                    "commune": "Xã Kim Song Trường",
                    "set": "qd318-xa-ntm",
                    "as_of": "2024-06-30",
                    "before": [14, 19, 60, 75],
                    "after": [13, 19, 59, 75],
                },
            ],
        },
    )
    page.locator('#job-state[data-status="succeeded"]').wait_for(timeout=5000)
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    assert "1 đánh giá thay đổi kết quả tổng hợp." in page.get_by_test_id("recompute-summary").inner_text()
    shoot(page, "job-succeeded")
    page.goto(f"{live_server.url}/jobs/")
    assert page.get_by_test_id("job-row").count() == 1
    shoot(page, "job-list")
    assert watch.console_errors == [] and watch.failed_static == []
