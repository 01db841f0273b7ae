"""Optimistic locking: a write made from an older revision is refused as "stale", naming the
indicators that changed since that revision (read from the history), and changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import IndicatorResult
from tests.factories import make_draft, make_submitted

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
JSON = "application/json"


@pytest.fixture
def draft(tree, cast, cs):
    return make_draft(cast, cs, tree.a, answers={})


def save(assessment, by, revision, **entries):
    return services.indicator_results_update(assessment=assessment, entries=entries, by=by, expected_revision=revision)


def stale(call):
    with pytest.raises(ValidationError) as exc_info:
        call()
    assert exc_info.value.code == "stale"
    return exc_info.value


def test_saving_from_the_current_revision_bumps_it(draft, cast):
    assert save(draft, cast.staff, 1, **{"1.1": {"met": True}}) == ["1.1"]
    assert draft.revision == 2


def test_a_save_that_changes_nothing_keeps_the_revision(draft, cast):
    save(draft, cast.staff, 1, **{"1.1": {"met": True}})
    assert save(draft, cast.staff, 2, **{"1.1": {"met": True}}) == []
    assert draft.revision == 2


def test_a_stale_save_names_the_indicators_changed_since(draft, cast):
    save(draft, cast.staff, 1, **{"2.1": {"value": "80"}, "1.2": {"met": True}})
    error = stale(lambda: save(draft, cast.staff, 1, **{"3": {"met": True}}))
    assert error.params["indicators"] == ["1.2", "2.1"] and error.params["revision"] == 2
    assert error.messages == [
        "Đánh giá vừa được người khác sửa ở các chỉ tiêu 1.2, 2.1; hãy tải lại trang để xem thay đổi."
    ]


def test_a_save_several_revisions_behind_names_every_change_since(draft, cast):
    save(draft, cast.staff, 1, **{"1.1": {"met": True}})
    save(draft, cast.staff, 2, **{"3": {"met": False}})
    save(draft, cast.staff, 3, **{"1.1": {"note": "Biên bản số 5"}})
    assert stale(lambda: save(draft, cast.staff, 1, **{"2.2": {"met": True}})).params["indicators"] == ["1.1", "3"]
    assert stale(lambda: save(draft, cast.staff, 3, **{"2.2": {"met": True}})).params["indicators"] == ["1.1"]


def test_a_stale_save_changes_nothing(draft, cast):
    save(draft, cast.staff, 1, **{"1.1": {"met": True}})
    stale(lambda: save(draft, cast.staff, 1, **{"1.1": {"met": False}, "3": {"met": True}}))
    results = dict(IndicatorResult.objects.filter(assessment=draft).values_list("indicator__code", "met"))
    assert (results["1.1"], results["3"], draft.revision) == (True, None, 2)


def test_a_revision_changed_only_by_a_step_is_stale_without_indicators(tree, cast, cs):
    returned = make_submitted(cast, cs, tree.a)
    services.assessment_return(assessment=returned, by=cast.reviewer, reason="Thiếu.")
    error = stale(lambda: save(returned, cast.staff, 3, **{"1.1": {"met": False}}))
    assert error.params["indicators"] == []
    assert error.messages == ["Đánh giá vừa được người khác sửa; hãy tải lại trang để xem thay đổi."]


def test_a_revision_from_the_future_is_stale(draft, cast):
    assert stale(lambda: save(draft, cast.staff, 9, **{"1.1": {"met": True}})).params["indicators"] == []


def test_a_step_from_an_older_revision_is_refused(tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    error = stale(lambda: services.assessment_submit(assessment=draft, by=cast.staff, expected_revision=1))
    assert error.params["indicators"] == ["1.1", "1.2", "2.1", "2.2", "3"]


def test_a_reviewer_cannot_approve_what_a_department_flagged_after_they_looked(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    seen = submitted.revision
    result = IndicatorResult.objects.get(assessment=submitted, indicator__code="2.2")
    services.indicator_verify(result=result, state="flagged", comment="Chưa có biên bản.", by=cast.officer)
    error = stale(
        lambda: services.assessment_approve(
            assessment=submitted, by=cast.reviewer, expected_revision=seen, confirm_unverified=True
        )
    )
    assert error.params["indicators"] == ["2.2"]


def test_officers_verify_different_indicators_from_the_same_revision(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    seen = submitted.revision
    for code in ("2.1", "2.2"):
        result = IndicatorResult.objects.get(assessment=submitted, indicator__code=code)
        services.indicator_verify(result=result, state="verified", by=cast.officer, expected_revision=seen)
    assert IndicatorResult.objects.filter(assessment=submitted, verification_state="verified").count() == 2


def test_verifying_an_indicator_changed_since_the_officers_revision_is_stale(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    seen = submitted.revision
    result = IndicatorResult.objects.get(assessment=submitted, indicator__code="2.2")
    services.indicator_verify(result=result, state="flagged", comment="Thiếu.", by=cast.officer, expected_revision=seen)
    error = stale(
        lambda: services.indicator_verify(result=result, state="verified", by=cast.officer, expected_revision=seen)
    )
    assert error.params["indicators"] == ["2.2"]


def test_the_api_answers_a_stale_save_with_409_and_what_changed(client, draft, cast):
    client.force_login(cast.staff)
    url = f"{BASE}/assessments/{draft.pk}/results/"
    first = client.patch(url, {"revision": 1, "results": [{"code": "2.1", "value": "65"}]}, content_type=JSON)
    assert first.status_code == 200 and first.json()["revision"] == 2
    response = client.patch(url, {"revision": 1, "results": [{"code": "1.1", "met": True}]}, content_type=JSON)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Đánh giá vừa được người khác sửa ở các chỉ tiêu 2.1; hãy tải lại trang để xem thay đổi.",
        "code": "stale",
        "params": {"indicators": ["2.1"], "codes": "2.1", "revision": 2},
    }


def test_the_api_answers_a_stale_step_with_409(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client.force_login(cast.reviewer)
    response = client.post(f"{BASE}/assessments/{submitted.pk}/approve/", {"revision": 2}, content_type=JSON)
    assert response.status_code == 409 and response.json()["params"]["revision"] == 3
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
