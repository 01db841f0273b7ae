"""Files on object storage: with STORAGE_URL (or AWS_STORAGE_BUCKET_NAME) evidence files, uploaded workbooks
and job results live in an S3-compatible bucket; downloads pass the scope check first, then stream or
redirect to a signed URL that expires. Against moto's real S3 server on 127.0.0.1 (tests/s3_fixtures.py),
not a mock of boto: every byte goes over HTTP, as with MinIO.
"""

import datetime
import io
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Assessment, EvidenceFile
from jobs.models import Job, JobStatus
from ntm.lib import scale
from tests.celery_fixtures import CLOSED_BROKER_URL, broker_at
from tests.factories import make_draft, make_flow_set
from tests.helpers import FILLED, PDF, as_file, filled_template, upload
from workbooks.services import background

pytestmark = pytest.mark.django_db

# The settings: which storage an environment selects


def test_without_a_storage_url_files_stay_on_the_local_disk():
    assert scale.file_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert scale.file_storage({"STORAGE_URL": "file://"})["BACKEND"].endswith("FileSystemStorage")


def test_a_storage_url_selects_the_bucket_with_its_endpoint_region_and_prefix():
    entry = scale.file_storage(
        {"STORAGE_URL": "s3://ntm-files/media?endpoint_url=http://127.0.0.1:9000&region=ap-southeast-1"},
        url_expiry=60,
    )
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    options = entry["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"], options["location"]) == (
        "ntm-files",
        "http://127.0.0.1:9000",
        "ap-southeast-1",
        "media",
    )
    assert options["querystring_expire"] == 60 and options["file_overwrite"] is False
    assert options["default_acl"] is None and options["addressing_style"] == "path"


def test_aws_style_variables_select_the_bucket_too():
    entry = scale.file_storage(
        {"AWS_STORAGE_BUCKET_NAME": "ntm", "AWS_S3_ENDPOINT_URL": "https://s3.example.vn", "AWS_S3_REGION_NAME": "hn-1"}
    )
    assert entry["OPTIONS"]["bucket_name"] == "ntm" and entry["OPTIONS"]["endpoint_url"] == "https://s3.example.vn"
    assert entry["OPTIONS"]["region_name"] == "hn-1"


@pytest.mark.parametrize("url", ["s3://", "ftp://bucket", "s3://bucket?colour=blue"])
def test_a_malformed_storage_url_is_refused_at_start(url):
    with pytest.raises(ImproperlyConfigured):
        scale.file_storage({"STORAGE_URL": url})


# Evidence files in the bucket


@pytest.fixture
def flow_draft(tree, cast):
    return make_draft(cast, make_flow_set(cast.department), tree.a, answers={})


def _upload_evidence(client, draft, content=PDF, name="biên bản.pdf"):
    url = reverse("web:assessment_evidence_upload", kwargs={"pk": draft.pk, "code": "1.1"})
    return client.post(url, {"file-1.1": upload(name, content)})


def test_evidence_uploaded_through_the_page_is_an_object_in_the_bucket(client, cast, flow_draft, s3_storage):
    client.force_login(cast.staff)
    assert _upload_evidence(client, flow_draft).status_code in (200, 302)
    evidence = EvidenceFile.objects.get()
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")
    assert s3_storage.keys() == [evidence.file.name]
    assert s3_storage.read(evidence.file.name) == PDF


def test_evidence_downloads_through_the_scoped_view_and_not_outside_the_scope(client, cast, flow_draft, s3_storage):
    client.force_login(cast.staff)
    _upload_evidence(client, flow_draft)
    evidence = EvidenceFile.objects.get()
    url = reverse("api:evidence", kwargs={"pk": flow_draft.pk, "evidence_pk": evidence.pk})
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    client.force_login(cast.reviewer)  # the district's reviewer: in scope
    assert client.get(url).status_code == 200
    client.force_login(cast.outsider)  # a reviewer of another district
    assert client.get(url).status_code == 404


def test_a_file_gone_from_the_bucket_is_a_404(client, cast, flow_draft, s3_storage):
    client.force_login(cast.staff)
    _upload_evidence(client, flow_draft)
    evidence = EvidenceFile.objects.get()
    s3_storage.server.client().delete_object(Bucket=s3_storage.name, Key=evidence.file.name)
    url = reverse("api:evidence", kwargs={"pk": flow_draft.pk, "evidence_pk": evidence.pk})
    assert client.get(url).status_code == 404


def test_with_redirects_on_a_download_is_a_signed_url_that_expires(client, cast, flow_draft, s3_storage, settings):
    settings.NTM_STORAGE_REDIRECT = True
    client.force_login(cast.staff)
    _upload_evidence(client, flow_draft)
    evidence = EvidenceFile.objects.get()
    url = reverse("api:evidence", kwargs={"pk": flow_draft.pk, "evidence_pk": evidence.pk})
    response = client.get(url)
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    signed = response["Location"]
    assert signed.startswith(s3_storage.server.endpoint + "/" + s3_storage.name + "/evidence/")
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    with urllib.request.urlopen(signed, timeout=10) as fetched:  # what the browser does next
        assert fetched.read() == PDF
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert "filename*=UTF-8''bi%C3%AAn%20b%E1%BA%A3n.pdf" in fetched.headers["Content-Disposition"]
    # Without the signature the bucket refuses: the object is private.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(signed.split("?")[0], timeout=10)
    assert refused.value.code == 403
    # Outside the scope there is no redirect at all.
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404


def test_removing_evidence_deletes_the_object(client, cast, flow_draft, s3_storage, django_capture_on_commit_callbacks):
    client.force_login(cast.staff)
    _upload_evidence(client, flow_draft)
    evidence = EvidenceFile.objects.get()
    url = reverse("web:assessment_evidence_remove", kwargs={"pk": flow_draft.pk, "evidence_pk": evidence.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert not EvidenceFile.objects.exists() and s3_storage.keys() == []


# Workbooks: the upload to import, and the template made in the background


def _post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job is sent after commit
        return client.post(url, data)


def _upload_workbook(client, wb):
    file = io.BytesIO(as_file(wb).getvalue())
    file.name = "xa-a.xlsx"
    return _post(client, reverse("workbooks:import"), {"file": file})


def test_an_uploaded_workbook_waits_in_the_bucket_and_is_imported_from_it(client, workbook_set, tree, cast, s3_storage):
    from jobs import services as jobs_services

    client.force_login(cast.staff)
    with broker_at(CLOSED_BROKER_URL):  # the job stays queued: the upload must be kept, in the bucket
        _upload_workbook(client, filled_template(workbook_set, tree))
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    assert s3_storage.keys("imports/") == [job.params["upload"]]
    assert s3_storage.read(job.params["upload"])[:2] == b"PK"
    jobs_services.job_run(job_id=job.pk)  # what a worker does, reading the workbook from the bucket
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["ok"]
    assert Assessment.objects.filter(commune=tree.a, criteria_set=workbook_set).exists()
    assert s3_storage.keys() == []  # the upload is deleted once imported


def test_a_refused_import_leaves_nothing_in_the_bucket_or_the_database(client, workbook_set, tree, cast, s3_storage):
    client.force_login(cast.staff)
    _upload_workbook(client, filled_template(workbook_set, tree, answers={**FILLED, "2.1": (150, None)}))
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and not job.result["ok"] and job.result["error_count"] == 1
    assert not Assessment.objects.exists()
    assert s3_storage.keys() == []


def test_a_template_made_in_the_background_is_stored_in_the_bucket_and_downloaded_in_scope(
    client,
    workbook_set,
    tree,
    cast,
    s3_storage,
    monkeypatch,
    settings,
):
    monkeypatch.setattr(background, "DIRECT_MAX_COMMUNES", 2)  # province P has three communes: a job
    client.force_login(cast.province_reviewer)
    url = reverse("workbooks:template", args=[tree.p.era, tree.p.code])
    _post(client, url, {"criteria_set": workbook_set.pk, "as_of": "2024-06-30"})
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    assert s3_storage.keys("jobs/") == [job.result_file.name]
    download = client.get(reverse("jobs:file", args=[job.pk]))
    assert download.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames == ["Hướng dẫn", "18436 Xã A", "18439 Xã B", "18500 Xã C"]
    client.force_login(cast.staff)  # another user: a job is its owner's only
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404
    settings.NTM_STORAGE_REDIRECT = True
    client.force_login(cast.province_reviewer)
    redirect = client.get(reverse("jobs:file", args=[job.pk]))
    assert redirect.status_code == 302
    with urllib.request.urlopen(redirect["Location"], timeout=10) as fetched:
        assert fetched.read() == s3_storage.read(job.result_file.name)


def test_purging_an_expired_job_deletes_its_file_from_the_bucket(cast, s3_storage):
    from django.utils import timezone

    from jobs import services as jobs_services

    job = Job.objects.create(
        kind="workbook_template",
        created_by=cast.staff,
        status=JobStatus.SUCCEEDED,
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )
    jobs_services.job_attach_file(job, name="mau.xlsx", content=b"PK-not-really")
    job.refresh_from_db()
    assert s3_storage.keys("jobs/") == [job.result_file.name]
    assert jobs_services.jobs_purge_expired() == 1
    assert s3_storage.keys() == [] and not default_storage.exists(job.result_file.name)
