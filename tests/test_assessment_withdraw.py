"""Submitting asks for confirmation and shows the sentence; a submitted assessment can be withdrawn
by its commune until review starts, on the page and through the API, recorded in the history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from assessments import services
from assessments.models import Assessment, Status, VerificationState
from tests.factories import make_draft, make_submitted

ALL_MET = {"met-1.1": "1", "met-1.2": "1", "value-2.1": "75", "met-2.2": "1", "met-3": "1"}


@pytest.fixture(autouse=True)
def _media(media):
    return media


def _verify_one(cast, assessment):
    result = assessment.results.get(indicator__code="2.1")
    services.indicator_verify(result=result, state=VerificationState.VERIFIED, by=cast.officer)


# Confirmation before sending


def test_save_and_send_shows_the_sentence_and_sends_nothing_yet(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={})
    client.force_login(cast.staff)
    url = reverse("web:assessment_submit_confirm", kwargs={"pk": draft.pk})
    response = client.post(url, {"revision": draft.revision, **ALL_MET})
    assertRedirects(response, url)
    page = client.get(url)
    assertContains(
        page,
        "đạt 3/3 tiêu chí, 5/5 chỉ tiêu",
    )
    assertContains(page, 'data-testid="submit-confirm-form"')
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.indicators_met == 5


def test_the_confirmation_of_an_incomplete_assessment_lists_what_is_missing(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={"1.1": {"met": True}})
    client.force_login(cast.staff)
    response = client.get(reverse("web:assessment_submit_confirm", kwargs={"pk": draft.pk}))
    assertContains(response, 'data-testid="missing"')
    assertNotContains(response, 'data-testid="submit-confirm-form"')


def test_confirming_sends_it(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.staff)
    response = client.post(reverse("web:assessment_submit", kwargs={"pk": draft.pk}), {"revision": draft.revision})
    assertRedirects(response, reverse("web:assessment", kwargs={"pk": draft.pk}))
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


# Withdrawing: the service


def test_the_commune_withdraws_a_submission_nobody_has_checked(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    withdrawn = services.assessment_withdraw(assessment=submitted, by=cast.staff, expected_revision=submitted.revision)
    assert withdrawn.status == Status.DRAFT
    last = Assessment.history.filter(id=submitted.pk).order_by("-history_date").first()
    assert (last.status, last.history_user, last.history_change_reason) == (
        Status.DRAFT,
        cast.staff,
        "Xã rút lại để sửa.",
    )


def test_a_department_check_since_the_submission_stops_the_withdrawal(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    _verify_one(cast, submitted)
    with pytest.raises(ValidationError) as refused:
        services.assessment_withdraw(assessment=submitted, by=cast.staff)
    assert refused.value.error_list[0].code == "review_started"
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_only_the_commune_staff_withdraw(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    with pytest.raises(PermissionDenied):
        services.assessment_withdraw(assessment=submitted, by=cast.reviewer)


def test_only_a_submitted_assessment_is_withdrawn(tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    with pytest.raises(ValidationError) as refused:
        services.assessment_withdraw(assessment=draft, by=cast.staff)
    assert refused.value.error_list[0].code == "invalid_status"


# Withdrawing: the page and the API


def test_the_assessment_page_offers_the_withdrawal_to_the_commune(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    page_url = reverse("web:assessment", kwargs={"pk": submitted.pk})
    client.force_login(cast.reviewer)
    assertNotContains(client.get(page_url), 'data-testid="withdraw-form"')
    client.force_login(cast.staff)
    assertContains(client.get(page_url), 'data-testid="withdraw-form"')
    response = client.post(
        reverse("web:assessment_withdraw", kwargs={"pk": submitted.pk}), {"revision": submitted.revision}, follow=True
    )
    assertContains(response, "Đã rút lại đánh giá về nháp")
    assertContains(response, "Xã rút lại để sửa")  # the timeline's headline
    submitted.refresh_from_db()
    assert submitted.status == Status.DRAFT


def test_the_page_refuses_a_withdrawal_once_review_started(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    _verify_one(cast, submitted)
    client.force_login(cast.staff)
    revision = Assessment.objects.get(pk=submitted.pk).revision
    response = client.post(reverse("web:assessment_withdraw", kwargs={"pk": submitted.pk}), {"revision": revision})
    assert response.status_code == 400
    assertContains(response, "đã bắt đầu rà soát", status_code=400)


def test_an_outsider_cannot_even_find_it(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client.force_login(cast.outsider)
    url = reverse("web:assessment_withdraw", kwargs={"pk": submitted.pk})
    assert client.post(url, {"revision": submitted.revision}).status_code == 404


def test_the_api_withdraws_with_the_same_rule(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client.force_login(cast.staff)
    url = f"/api/v1/assessments/{submitted.pk}/withdraw/"
    response = client.post(url, {"revision": submitted.revision}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    resubmitted = services.assessment_submit(assessment=Assessment.objects.get(pk=submitted.pk), by=cast.staff)
    _verify_one(cast, resubmitted)
    revision = Assessment.objects.get(pk=submitted.pk).revision
    refused = client.post(url, {"revision": revision}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "review_started"
