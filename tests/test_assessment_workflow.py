"""The workflow services: draft → submitted → approved or returned, reopen, department checks;
every transition and every refusal, and the lock an approval puts on an assessment."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Role
from assessments import services
from assessments.models import Assessment, EvidenceFile, IndicatorResult, Status, VerificationState
from tests import factories
from tests.factories import ANSWERS, make_approved, make_draft, make_flow_set, make_returned, make_submitted
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def result(assessment, code) -> IndicatorResult:
    return IndicatorResult.objects.get(assessment=assessment, indicator__code=code)


def refused(exc_info, code):
    assert exc_info.value.code == code, exc_info.value


# Submit


def test_commune_staff_submit_a_complete_draft(tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    submitted = services.assessment_submit(assessment=draft, by=cast.staff, expected_revision=draft.revision)
    assert (submitted.status, submitted.submitted_by, submitted.revision) == (Status.SUBMITTED, cast.staff, 3)
    assert submitted.submitted_at is not None
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_an_incomplete_draft_is_refused_with_the_missing_indicators(tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={"1.1": {"met": True}, "2.1": {"value": "50"}})
    with pytest.raises(ValidationError) as exc_info:
        services.assessment_submit(assessment=draft, by=cast.staff)
    refused(exc_info, "incomplete")
    assert exc_info.value.params["indicators"] == ["1.2", "2.2", "3"]
    assert exc_info.value.messages == ["Chưa nhập kết quả cho các chỉ tiêu 1.2, 2.2, 3; hãy nhập đủ trước khi gửi."]
    draft.refresh_from_db()
    assert (draft.status, draft.revision) == (Status.DRAFT, 2)


def test_a_numeric_indicator_without_a_target_is_answered_by_its_value(tree, cast):
    cs = make_flow_set(cast.department)
    cs.indicators.filter(code="3").update(kind="numeric")  # the decision's target was not retrieved
    draft = make_draft(cast, cs, tree.a, answers=ANSWERS | {"3": {"value": "41.5"}})
    assert result(draft, "3").met is None
    assert services.assessment_submit(assessment=draft, by=cast.staff).status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["reviewer", "officer", "viewer", "admin", "outsider", "superuser"])
def test_only_commune_staff_of_the_commune_submit(tree, cast, cs, who):
    draft = make_draft(cast, cs, tree.a)
    with pytest.raises(PermissionDenied):
        services.assessment_submit(assessment=draft, by=getattr(cast, who))
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_staff_of_another_commune_cannot_submit(tree, cast, cs):
    staff_b = factories.make_user(unit=tree.b, role=Role.COMMUNE_STAFF)
    with pytest.raises(PermissionDenied):
        services.assessment_submit(assessment=make_draft(cast, cs, tree.a), by=staff_b)


@pytest.mark.parametrize("make", [make_submitted, make_approved])
def test_only_drafts_and_returned_assessments_are_submitted(tree, cast, cs, make):
    assessment = make(cast, cs, tree.a)
    with pytest.raises(ValidationError) as exc_info:
        services.assessment_submit(assessment=assessment, by=cast.staff)
    refused(exc_info, "invalid_status")


def test_a_submitted_assessment_cannot_be_edited(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(ValidationError) as exc_info:
        services.indicator_results_update(assessment=submitted, entries={"1.2": {"met": True}}, by=cast.staff)
    refused(exc_info, "not_editable")
    assert result(submitted, "1.2").met is False


# Return


def test_the_reviewer_returns_a_submitted_assessment_with_a_reason(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    returned = services.assessment_return(
        assessment=submitted, by=cast.reviewer, reason="  Thiếu biên bản giao thông. ", expected_revision=3
    )
    assert (returned.status, returned.return_reason, returned.returned_by) == (
        Status.RETURNED,
        "Thiếu biên bản giao thông.",
        cast.reviewer,
    )
    assert returned.revision == 4 and returned.returned_at is not None


@pytest.mark.parametrize("reason", ["", "   "])
def test_returning_needs_a_reason(tree, cast, cs, reason):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(ValidationError) as exc_info:
        services.assessment_return(assessment=submitted, by=cast.reviewer, reason=reason)
    refused(exc_info, "reason_required")
    assert exc_info.value.messages == ["Hãy nêu lý do trả lại."]


@pytest.mark.parametrize("who", ["staff", "officer", "viewer", "admin", "outsider", "superuser"])
def test_only_a_reviewer_covering_the_commune_returns(tree, cast, cs, who):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(PermissionDenied):
        services.assessment_return(assessment=submitted, by=getattr(cast, who), reason="Thiếu.")


@pytest.mark.parametrize("make", [make_draft, make_returned, make_approved])
def test_only_submitted_assessments_are_returned(tree, cast, cs, make):
    with pytest.raises(ValidationError) as exc_info:
        services.assessment_return(assessment=make(cast, cs, tree.a), by=cast.reviewer, reason="Thiếu.")
    refused(exc_info, "invalid_status")


def test_a_returned_assessment_is_corrected_and_submitted_again(tree, cast, cs):
    returned = make_returned(cast, cs, tree.a)
    services.indicator_results_update(assessment=returned, entries={"1.2": {"met": True}}, by=cast.staff)
    again = services.assessment_submit(assessment=returned, by=cast.staff)
    assert again.status == Status.SUBMITTED and again.criteria_met == 3


# Approve


def test_the_reviewer_approves_a_submitted_assessment(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    approved = services.assessment_approve(
        assessment=submitted, by=cast.reviewer, expected_revision=3, confirm_unverified=True
    )
    assert (approved.status, approved.approved_by, approved.revision) == (Status.APPROVED, cast.reviewer, 4)
    assert approved.approved_at is not None


@pytest.mark.parametrize("who", ["staff", "officer", "viewer", "admin", "outsider", "superuser"])
def test_only_a_reviewer_covering_the_commune_approves(tree, cast, cs, who):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(PermissionDenied):
        services.assessment_approve(assessment=submitted, by=getattr(cast, who))
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.parametrize("make", [make_draft, make_returned, make_approved])
def test_only_submitted_assessments_are_approved(tree, cast, cs, make):
    with pytest.raises(ValidationError) as exc_info:
        services.assessment_approve(assessment=make(cast, cs, tree.a), by=cast.reviewer, confirm_unverified=True)
    refused(exc_info, "invalid_status")


def test_a_reviewer_of_the_old_district_cannot_approve_in_the_new_era(tree, cast):
    cs = make_flow_set(cast.department)
    staff_n = factories.make_user(unit=tree.n, role=Role.COMMUNE_STAFF)
    draft = services.assessment_create(commune=tree.n, criteria_set=cs, as_of=datetime.date(2025, 12, 31), by=staff_n)
    services.indicator_results_update(assessment=draft, entries=ANSWERS, by=staff_n)
    submitted = services.assessment_submit(assessment=draft, by=staff_n)
    with pytest.raises(PermissionDenied):
        services.assessment_approve(assessment=submitted, by=cast.reviewer, confirm_unverified=True)


# The lock an approval puts on an assessment


@pytest.fixture
def approved(tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    services.evidence_file_add(result=result(draft, "1.1"), upload=upload("bien-ban.pdf", PDF), by=cast.staff)
    services.assessment_submit(assessment=draft, by=cast.staff)
    return services.assessment_approve(assessment=draft, by=cast.reviewer, confirm_unverified=True)


def test_approved_results_refuse_the_service(approved, cast):
    with pytest.raises(ValidationError) as exc_info:
        services.indicator_results_update(assessment=approved, entries={"1.2": {"met": True}}, by=cast.staff)
    refused(exc_info, "not_editable")
    assert exc_info.value.messages == ["Đánh giá đã được duyệt nên không thể sửa."]


def test_approved_evidence_cannot_be_added_or_removed(approved, cast):
    with pytest.raises(ValidationError):
        services.evidence_file_add(result=result(approved, "1.2"), upload=upload("a.pdf", PDF), by=cast.staff)
    with pytest.raises(ValidationError):
        services.evidence_file_remove(evidence=EvidenceFile.objects.get(), by=cast.staff)
    assert EvidenceFile.objects.count() == 1


def test_an_approved_assessment_refuses_a_plain_save(approved):
    row = Assessment.objects.get(pk=approved.pk)
    row.return_reason = "sửa tay"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        Assessment.objects.get(pk=approved.pk).save(update_fields=["status"])
    assert Assessment.objects.get(pk=approved.pk).return_reason == ""


def test_the_approved_lock_takes_explicit_arguments_not_flags_on_the_instance(approved, django_assert_num_queries):
    row = Assessment.objects.get(pk=approved.pk)
    row.return_reason = "sửa tay"
    with django_assert_num_queries(0), pytest.raises(ValidationError):
        row.save(update_fields=["return_reason"], stored_status=Status.APPROVED)  # read under a lock: no query
    row.__dict__["_unlock_approved"] = True  # the old private flag no longer unlocks anything
    with pytest.raises(ValidationError):
        row.save(update_fields=["return_reason"])
    row.save(update_fields=["return_reason"], reopening=True)  # only the reopen service's save passes
    assert Assessment.objects.get(pk=approved.pk).return_reason == "sửa tay"


def test_an_approved_result_refuses_a_plain_save(approved):
    row = result(approved, "1.2")
    row.met = True
    with pytest.raises(ValidationError):
        row.save()
    assert result(approved, "1.2").met is False


def test_approved_evidence_refuses_a_plain_save_or_delete(approved):
    evidence = EvidenceFile.objects.get()
    evidence.original_name = "khac.pdf"
    with pytest.raises(ValidationError):
        evidence.save()
    with pytest.raises(ValidationError):
        evidence.delete()
    assert EvidenceFile.objects.get().original_name == "bien-ban.pdf"


def test_an_approved_assessment_cannot_be_deleted(approved):
    with pytest.raises(ValidationError), transaction.atomic():
        Assessment.objects.filter(pk=approved.pk).delete()
    assert Assessment.objects.filter(pk=approved.pk).exists()


def test_approved_demo_data_can_still_be_reset(approved):
    Assessment.objects.filter(pk=approved.pk).update(is_demo=True)
    Assessment.objects.filter(is_demo=True).delete()
    assert not Assessment.objects.exists() and not EvidenceFile.objects.exists()


def test_the_summary_of_an_approved_assessment_is_not_recomputed(approved, tree):
    tree.a.region = "dbsh"
    tree.a.save()
    assert services.assessment_recompute_summary(assessment=approved) is False


# Reopen


def test_the_criteria_admin_reopens_an_approved_assessment_as_returned(approved, cast):
    revision = approved.revision
    reopened = services.assessment_reopen(
        assessment=approved, by=cast.admin, reason="Sai số liệu tiêu chí 2.", expected_revision=revision
    )
    assert (reopened.status, reopened.return_reason, reopened.returned_by) == (
        Status.RETURNED,
        "Sai số liệu tiêu chí 2.",
        cast.admin,
    )
    assert (reopened.approved_by, reopened.approved_at, reopened.revision) == (None, None, revision + 1)


def test_a_reopened_assessment_can_be_corrected_again(approved, cast):
    services.assessment_reopen(assessment=approved, by=cast.admin, reason="Sai số liệu.")
    services.indicator_results_update(assessment=approved, entries={"1.2": {"met": True}}, by=cast.staff)
    assert result(approved, "1.2").met is True


def test_a_superuser_reopens(approved, cast):
    assert services.assessment_reopen(assessment=approved, by=cast.superuser, reason="Sai.").status == Status.RETURNED


@pytest.mark.parametrize("who", ["staff", "reviewer", "officer", "viewer", "outsider"])
def test_only_a_criteria_admin_or_superuser_reopens(approved, cast, who):
    with pytest.raises(PermissionDenied):
        services.assessment_reopen(assessment=approved, by=getattr(cast, who), reason="Sai.")
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_a_criteria_admin_of_another_district_cannot_reopen(approved, tree):
    admin_h2 = factories.make_user(unit=tree.h2, role=Role.CRITERIA_ADMIN)
    with pytest.raises(PermissionDenied):
        services.assessment_reopen(assessment=approved, by=admin_h2, reason="Sai.")


def test_reopening_needs_a_reason(approved, cast):
    with pytest.raises(ValidationError) as exc_info:
        services.assessment_reopen(assessment=approved, by=cast.admin, reason=" ")
    refused(exc_info, "reason_required")


@pytest.mark.parametrize("make", [make_draft, make_submitted, make_returned])
def test_only_approved_assessments_are_reopened(tree, cast, cs, make):
    with pytest.raises(ValidationError) as exc_info:
        services.assessment_reopen(assessment=make(cast, cs, tree.a), by=cast.admin, reason="Sai.")
    refused(exc_info, "invalid_status")


# Department verification


def test_a_department_officer_verifies_an_indicator_of_their_criteria(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    checked = services.indicator_verify(
        result=result(submitted, "2.1"), state=VerificationState.VERIFIED, by=cast.officer, expected_revision=3
    )
    assert (checked.verification_state, checked.verified_by) == (VerificationState.VERIFIED, cast.officer)
    submitted.refresh_from_db()
    assert submitted.revision == 4


def test_a_department_officer_flags_an_indicator_with_a_comment(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    services.indicator_verify(
        result=result(submitted, "2.2"), state=VerificationState.FLAGGED, comment="Chưa có biên bản.", by=cast.officer
    )
    flagged = result(submitted, "2.2")
    assert (flagged.verification_state, flagged.verification_comment) == ("flagged", "Chưa có biên bản.")


def test_flagging_needs_a_comment(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(ValidationError) as exc_info:
        services.indicator_verify(result=result(submitted, "2.2"), state=VerificationState.FLAGGED, by=cast.officer)
    refused(exc_info, "reason_required")


def test_an_unknown_verification_state_is_refused(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(ValidationError) as exc_info:
        services.indicator_verify(result=result(submitted, "2.2"), state=VerificationState.UNCHECKED, by=cast.officer)
    refused(exc_info, "invalid")


def test_an_officer_cannot_verify_criteria_of_another_department(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(PermissionDenied):
        services.indicator_verify(result=result(submitted, "1.1"), state=VerificationState.VERIFIED, by=cast.officer)
    assert result(submitted, "1.1").verification_state == VerificationState.UNCHECKED


@pytest.mark.parametrize("who", ["staff", "reviewer", "viewer", "admin", "outsider", "superuser"])
def test_only_department_officers_verify(tree, cast, cs, who):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(PermissionDenied):
        services.indicator_verify(result=result(submitted, "2.1"), state="verified", by=getattr(cast, who))


@pytest.mark.parametrize("make", [make_draft, make_returned, make_approved])
def test_only_submitted_assessments_are_verified(tree, cast, cs, make):
    assessment = make(cast, cs, tree.a)
    with pytest.raises(ValidationError) as exc_info:
        services.indicator_verify(result=result(assessment, "2.1"), state=VerificationState.VERIFIED, by=cast.officer)
    refused(exc_info, "invalid_status")


def test_a_corrected_result_loses_its_department_check(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    services.indicator_verify(result=result(submitted, "2.2"), state="flagged", comment="Sai.", by=cast.officer)
    services.indicator_verify(result=result(submitted, "2.1"), state="verified", by=cast.officer)
    services.assessment_return(assessment=submitted, by=cast.reviewer, reason="Xem ý kiến phòng.")
    services.indicator_results_update(assessment=submitted, entries={"2.2": {"met": False}}, by=cast.staff)
    corrected, untouched = result(submitted, "2.2"), result(submitted, "2.1")
    assert (corrected.verification_state, corrected.verification_comment, corrected.verified_by) == (
        VerificationState.UNCHECKED,
        "",
        None,
    )
    assert untouched.verification_state == VerificationState.VERIFIED


# Creating from the latest assessment


def test_a_new_assessment_copies_the_latest_values_and_notes(tree, cast, cs):
    previous = make_approved(cast, cs, tree.a, as_of=datetime.date(2023, 12, 31))
    new = services.assessment_create(
        commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 12, 31), by=cast.staff, copy_from_latest=True
    )
    copied = {r.indicator.code: (r.value, r.met) for r in new.results.select_related("indicator")}
    assert copied == {r.indicator.code: (r.value, r.met) for r in previous.results.select_related("indicator")}
    assert (new.status, new.criteria_met, new.indicators_met) == (Status.DRAFT, 2, 4)


def test_copying_keeps_notes_and_judges_numbers_against_the_new_year(tree, cast):
    cs = make_flow_set(cast.department)
    factories.make_numeric(cs, "2.1", value="70", variants=[{"region": "btb", "year": 2024, "value": 80}])
    old = make_draft(cast, cs, tree.a, as_of=datetime.date(2023, 12, 31))
    services.indicator_results_update(assessment=old, entries={"2.1": {"note": "Báo cáo 12/2023"}}, by=cast.staff)
    new = services.assessment_create(
        commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 12, 31), by=cast.staff, copy_from_latest=True
    )
    copied = result(new, "2.1")
    assert (copied.value, copied.note, copied.met, copied.target_applied) == (75, "Báo cáo 12/2023", False, "≥80%")


def test_copying_leaves_evidence_and_department_checks_behind(tree, cast, cs):
    previous = make_draft(cast, cs, tree.a, as_of=datetime.date(2023, 12, 31))
    services.evidence_file_add(result=result(previous, "1.1"), upload=upload("a.pdf", PDF), by=cast.staff)
    services.assessment_submit(assessment=previous, by=cast.staff)
    services.indicator_verify(result=result(previous, "2.1"), state="verified", by=cast.officer)
    new = services.assessment_create(
        commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 12, 31), by=cast.staff, copy_from_latest=True
    )
    assert not EvidenceFile.objects.filter(result__assessment=new).exists()
    assert result(new, "2.1").verification_state == VerificationState.UNCHECKED


def test_without_an_earlier_assessment_the_copy_starts_empty(tree, cast, cs):
    new = services.assessment_create(
        commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 12, 31), by=cast.staff, copy_from_latest=True
    )
    assert not new.results.exclude(met=None).exists() and new.indicators_unknown == 5


def test_the_admins_bulk_delete_refuses_a_selection_with_an_approved_assessment(client, approved, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, as_of=datetime.date(2024, 12, 31))
    client.force_login(cast.superuser)
    response = client.post(
        "/admin/assessments/assessment/",
        {"action": "delete_selected", "_selected_action": [approved.pk, draft.pk], "post": "yes"},
    )
    assert response.status_code == 403 and Assessment.objects.count() == 2


def test_the_admin_offers_no_result_fields_once_an_assessment_is_submitted(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client.force_login(cast.superuser)
    response = client.get(f"/admin/assessments/assessment/{submitted.pk}/change/")
    assert response.status_code == 200 and 'name="results-0-met"' not in response.text
