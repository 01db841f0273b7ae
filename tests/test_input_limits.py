"""Limits on what people send beyond the results' values: the length of reasons, comments and roadmap
notes (NTM_NOTE_MAX_CHARS) on every path, the revision the web submit must carry, and uploads refused
on their declared size before anything reads their body (ntm.lib.uploads)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from assessments import services
from assessments.models import Assessment, EvidenceFile, Status
from jobs.models import Job
from roadmap import services as roadmap_services
from roadmap.models import Plan, Recognition
from tests.factories import make_approved, make_draft, make_submitted
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

TOO_LONG = "Nội dung dài 2.001 ký tự; tối đa 2.000 ký tự."
LONG = "x" * 2001


def unchanged(assessment, status, revision) -> bool:
    assessment.refresh_from_db()
    return (assessment.status, assessment.revision) == (status, revision)


# Reasons and comments


def test_a_return_reason_over_the_limit_is_refused_by_the_service_and_one_at_it_kept(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(ValidationError) as refusal:
        services.assessment_return(assessment=submitted, reason=LONG, by=cast.province_reviewer)
    assert refusal.value.messages == [TOO_LONG] and refusal.value.error_list[0].code == "too_long"
    assert unchanged(submitted, Status.SUBMITTED, submitted.revision)
    services.assessment_return(assessment=submitted, reason="y" * 2000, by=cast.province_reviewer)
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED and len(submitted.return_reason) == 2000


def test_a_long_return_reason_is_refused_on_the_review_page(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client.force_login(cast.province_reviewer)
    page = client.get(reverse("web:assessment", kwargs={"pk": submitted.pk}))
    assertContains(page, 'maxlength="2000"')
    response = client.post(
        reverse("web:assessment_return", kwargs={"pk": submitted.pk}), {"revision": submitted.revision, "reason": LONG}
    )
    assert response.status_code == 400
    assertContains(response, TOO_LONG, status_code=400)
    assert unchanged(submitted, Status.SUBMITTED, submitted.revision)


def test_a_long_return_or_reopen_reason_is_a_400_in_the_api(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client.force_login(cast.province_reviewer)
    response = client.post(
        f"/api/v1/assessments/{submitted.pk}/return/",
        {"revision": submitted.revision, "reason": LONG},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": TOO_LONG, "code": "too_long", "params": {"length": "2.001", "max": "2.000"}}
    assert unchanged(submitted, Status.SUBMITTED, submitted.revision)
    approved = make_approved(cast, cs, tree.a, as_of=datetime.date(2024, 12, 31))
    client.force_login(cast.admin)
    response = client.post(
        f"/api/v1/assessments/{approved.pk}/reopen/",
        {"revision": approved.revision, "reason": LONG},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "too_long"
    assert unchanged(approved, Status.APPROVED, approved.revision)


def test_a_long_verification_comment_is_refused(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    result = submitted.results.get(indicator__code="2.1")
    with pytest.raises(ValidationError) as refusal:
        services.indicator_verify(result=result, state="flagged", comment=LONG, by=cast.officer)
    assert refusal.value.messages == [TOO_LONG]
    result.refresh_from_db()
    assert result.verification_state == "unchecked"


def test_roadmap_notes_are_limited_too(tree, cast):
    with pytest.raises(ValidationError) as refusal:
        roadmap_services.plan_set(commune=tree.a, level="ntm", target_year=2026, note=LONG, by=cast.reviewer)
    assert refusal.value.messages == [TOO_LONG]
    with pytest.raises(ValidationError) as refusal:
        roadmap_services.recognition_record(
            commune=tree.a,
            level="ntm",
            decision_number="12/QĐ-UBND",
            decision_date=datetime.date(2024, 5, 1),
            issuing_body="UBND tỉnh",
            note=LONG,
            by=cast.reviewer,
        )
    assert refusal.value.messages == [TOO_LONG]
    assert not Plan.objects.exists() and not Recognition.objects.exists()
    roadmap_services.plan_set(commune=tree.a, level="ntm", target_year=2026, note="y" * 2000, by=cast.reviewer)
    assert len(Plan.objects.get().note) == 2000


# The web submit must carry the revision its page was drawn from


@pytest.mark.parametrize("posted", [{}, {"revision": ""}, {"revision": "abc"}, {"revision": "0"}])
def test_a_web_submit_without_a_valid_revision_is_refused_and_sends_nothing(client, tree, cast, cs, posted):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.staff)
    response = client.post(reverse("web:assessment_submit", kwargs={"pk": draft.pk}), posted)
    assert response.status_code == 400
    assertContains(response, "Trang đã cũ; hãy tải lại trang rồi thao tác lại.", status_code=400)
    assert unchanged(draft, Status.DRAFT, 2)


def test_a_web_submit_from_an_older_revision_is_refused_as_stale(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    seen = draft.revision
    services.indicator_results_update(assessment=draft, entries={"2.1": {"value": "80"}}, by=cast.staff)
    client.force_login(cast.staff)
    response = client.post(reverse("web:assessment_submit", kwargs={"pk": draft.pk}), {"revision": str(seen)})
    assertContains(response, "Đánh giá vừa được người khác sửa ở các chỉ tiêu 2.1")
    assert unchanged(draft, Status.DRAFT, seen + 1)


def test_a_web_submit_with_its_revision_goes_through(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.staff)
    response = client.post(reverse("web:assessment_submit", kwargs={"pk": draft.pk}), {"revision": str(draft.revision)})
    assert response.status_code == 302
    assert unchanged(draft, Status.SUBMITTED, 3)


def test_saving_the_entry_form_without_a_revision_says_why(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.staff)
    response = client.post(reverse("web:assessment_edit", kwargs={"pk": draft.pk}), {"value-2.1": "90"})
    assertContains(response, "Trang đã cũ; hãy tải lại trang rồi thao tác lại.")
    assert unchanged(draft, Status.DRAFT, 2)


# Uploads refused on their declared size, before anything (the CSRF check included) reads the body


class UnreadableBody:
    """A wsgi.input that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


def declared_post(client, path, size, **headers):
    return client.generic(
        "POST",
        path,
        headers=headers,
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": UnreadableBody()},
    )


THIRTY_MB = 30 * 1024 * 1024


@pytest.fixture
def staff_client(cast):
    client = Client(enforce_csrf_checks=True)  # as a browser: the CSRF check would read the body
    client.force_login(cast.staff)
    return client


def test_the_evidence_page_refuses_a_large_upload_unread(staff_client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    url = reverse("web:assessment_evidence_upload", kwargs={"pk": draft.pk, "code": "1.1"})
    response = declared_post(staff_client, url, THIRTY_MB, hx_request="true")
    assert response.status_code == 200
    assertContains(response, "Tệp tải lên lớn hơn giới hạn 10,0\xa0MB.")
    response = declared_post(staff_client, url, THIRTY_MB)  # without htmx: back to the form, with the message
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()


def test_the_api_refuses_a_large_evidence_upload_unread_with_413(staff_client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    response = declared_post(staff_client, f"/api/v1/assessments/{draft.pk}/results/1.1/evidence/", THIRTY_MB)
    assert response.status_code == 413
    assert response.json() == {
        "detail": "Tệp tải lên lớn hơn giới hạn 10,0\xa0MB.",
        "code": "too_large",
        "params": {"limit": "10,0\xa0MB"},
    }
    assert not EvidenceFile.objects.exists()


def test_the_workbook_import_refuses_a_large_upload_unread(staff_client):
    response = declared_post(staff_client, reverse("workbooks:import"), THIRTY_MB)
    assert response.status_code == 413
    assertContains(response, "Tệp quá lớn", status_code=413)
    assert not Job.objects.exists()


def test_the_limit_is_the_setting_and_a_scope_check_comes_first(staff_client, tree, cast, cs, settings):
    other = make_draft(cast, cs, tree.c)  # another commune's: a 404, as for any request
    url = reverse("web:assessment_evidence_upload", kwargs={"pk": other.pk, "code": "1.1"})
    assert declared_post(staff_client, url, THIRTY_MB, hx_request="true").status_code == 404
    settings.EVIDENCE_MAX_BYTES = 40 * 1024 * 1024
    draft = make_draft(cast, cs, tree.a)
    api_url = f"/api/v1/assessments/{draft.pk}/results/1.1/evidence/"
    with pytest.raises(AssertionError, match="the request body was read"):
        declared_post(staff_client, api_url, THIRTY_MB)  # within the limit: read as usual


def test_a_small_upload_still_needs_its_csrf_token(staff_client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    url = reverse("web:assessment_evidence_upload", kwargs={"pk": draft.pk, "code": "1.1"})
    response = staff_client.post(url, {"file-1.1": upload("a.pdf", PDF)})
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists() and Assessment.objects.get().revision == 2


def test_the_limits_speak_english_too(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={})
    client.force_login(cast.staff)
    with translation.override("vi"):  # the request activates English: leave the next tests in Vietnamese
        response = client.patch(
            f"/api/v1/assessments/{draft.pk}/results/",
            {
                "revision": draft.revision,
                "results": [{"code": "1.1", "value": 42}, {"code": "1.2", "met": True, "note": LONG}],
            },
            content_type="application/json",
            headers={"accept-language": "en"},
        )
    assert response.json()["errors"] == {
        "1.1": ["This indicator takes only “Met” or “Not met”, not a number."],
        "1.2": ["The text is 2,001 characters long; at most 2,000 characters."],
    }
