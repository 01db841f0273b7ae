"""History: every step records who made it and why; the timeline reads it back as sentences' worth of
old → new values; the comparison with the previous approved assessment lists what moved."""

import datetime
from decimal import Decimal

import pytest

from assessments import selectors, services
from assessments.models import Assessment, EvidenceFile, IndicatorResult
from tests.factories import ANSWERS, make_approved, make_draft
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

BASE = "/api/v1"


def result(assessment, code):
    return IndicatorResult.objects.get(assessment=assessment, indicator__code=code)


@pytest.fixture
def reviewed(tree, cast, cs):
    """Created, filled in, submitted, returned, corrected, submitted, checked, approved and reopened."""
    a = services.assessment_create(commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 6, 30), by=cast.staff)
    services.indicator_results_update(assessment=a, entries=ANSWERS, by=cast.staff)
    services.evidence_file_add(result=result(a, "2.2"), upload=upload("bien-ban.pdf", PDF), by=cast.staff)
    services.assessment_submit(assessment=a, by=cast.staff)
    services.assessment_return(assessment=a, by=cast.reviewer, reason="Thiếu biên bản tiêu chí 1.")
    services.indicator_results_update(
        assessment=a, entries={"1.2": {"met": True, "reason": "Đã có biên bản"}}, by=cast.staff
    )
    services.assessment_submit(assessment=a, by=cast.staff)
    services.indicator_verify(result=result(a, "2.1"), state="flagged", comment="Số liệu cũ.", by=cast.officer)
    services.assessment_approve(assessment=a, by=cast.reviewer, confirm_unverified=True)
    services.assessment_reopen(assessment=a, by=cast.admin, reason="Cập nhật số liệu 2.1.")
    return a


def test_each_step_records_who_made_it(reviewed, cast):
    steps = list(reviewed.history.order_by("history_date").values_list("status", "history_user__username"))
    assert [s for s in steps if s[0] != "draft"] == [
        ("submitted", "canbo.xa-a"),
        ("returned", "thamdinh.h"),
        ("returned", "canbo.xa-a"),
        ("submitted", "canbo.xa-a"),
        ("submitted", "phong.kt"),
        ("approved", "thamdinh.h"),
        ("returned", "quantri.h"),
    ]
    assert set(reviewed.history.filter(status="draft").values_list("history_user__username", flat=True)) == {
        "canbo.xa-a"
    }


def test_return_and_reopen_reasons_are_kept_as_change_reasons(reviewed):
    reasons = reviewed.history.order_by("history_date").values_list("history_change_reason", flat=True)
    reasons = [r for r in reasons if r]
    assert reasons == ["Thiếu biên bản tiêu chí 1.", "Cập nhật số liệu 2.1."]
    assert reviewed.return_reason == "Cập nhật số liệu 2.1."


def test_result_changes_record_the_user_and_reason(reviewed):
    last = result(reviewed, "1.2").history.latest("history_date")
    assert (last.met, last.history_user.username, last.history_change_reason) == (True, "canbo.xa-a", "Đã có biên bản")


def test_the_department_check_is_in_the_results_history(reviewed, cast):
    last = result(reviewed, "2.1").history.latest("history_date")
    assert (last.verification_state, last.verification_comment, last.verified_by, last.history_user) == (
        "flagged",
        "Số liệu cũ.",
        cast.officer,
        cast.officer,
    )
    assert last.history_change_reason == "Số liệu cũ."


def test_evidence_uploads_and_removals_are_in_history(reviewed, cast, tree, cs):
    draft = make_draft(cast, cs, tree.a, as_of=datetime.date(2024, 12, 31))
    evidence = services.evidence_file_add(result=result(draft, "1.1"), upload=upload("anh.png", PDF), by=cast.staff)
    pk = evidence.pk
    services.evidence_file_remove(evidence=evidence, by=cast.staff)
    rows = EvidenceFile.history.filter(id=pk).order_by("history_date")
    assert [(r.history_type, r.history_user) for r in rows] == [("+", cast.staff), ("-", cast.staff)]


def _readable(entry):
    changes = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in entry.changes)
    where = f" {entry.indicator_code}" if entry.indicator_code else ""
    return f"{entry.user_name} {entry.action} {entry.subject}{where}: {changes}" + (
        f" ({entry.reason})" if entry.reason else ""
    )


def test_the_timeline_reads_as_who_changed_what_from_what_to_what(reviewed):
    assert [_readable(e) for e in selectors.assessment_timeline(reviewed)] == [
        "canbo.xa-a created assessment: ",
        "canbo.xa-a changed result 1.1: đạt: — → Đạt",
        "canbo.xa-a changed result 1.2: đạt: — → Chưa đạt",
        "canbo.xa-a changed result 2.1: giá trị: — → 75; đạt: — → Đạt",
        "canbo.xa-a changed result 2.2: đạt: — → Đạt",
        "canbo.xa-a changed result 3: đạt: — → Đạt",
        "canbo.xa-a created evidence 2.2: tệp minh chứng: — → bien-ban.pdf",
        "canbo.xa-a changed assessment: trạng thái: Nháp → Đã gửi",
        "thamdinh.h changed assessment: trạng thái: Đã gửi → Bị trả lại (Thiếu biên bản tiêu chí 1.)",
        "canbo.xa-a changed result 1.2: đạt: Chưa đạt → Đạt (Đã có biên bản)",
        "canbo.xa-a changed assessment: trạng thái: Bị trả lại → Đã gửi",
        "phong.kt changed result 2.1: rà soát của phòng, ban: Chưa rà soát → Cần xem lại; "
        "ý kiến rà soát: — → Số liệu cũ. (Số liệu cũ.)",
        "thamdinh.h changed assessment: trạng thái: Đã gửi → Đã duyệt",
        "quantri.h changed assessment: trạng thái: Đã duyệt → Bị trả lại (Cập nhật số liệu 2.1.)",
    ]


def test_the_timeline_names_the_assessment_a_copy_was_made_from(tree, cast, cs):
    make_approved(cast, cs, tree.a, as_of=datetime.date(2023, 12, 31))
    copy = services.assessment_create(
        commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 12, 31), by=cast.staff, copy_from_latest=True
    )
    first = selectors.assessment_timeline(copy)[0]
    assert (first.action, first.reason) == ("created", "Sao chép kết quả từ đánh giá ngày 31/12/2023.")


def test_the_timeline_costs_three_queries_however_long_the_history(tree, cast, cs, django_assert_num_queries):
    short = make_draft(cast, cs, tree.a)
    long = make_draft(cast, cs, tree.a, as_of=datetime.date(2024, 12, 31))
    for value in range(60, 80):
        services.indicator_results_update(assessment=long, entries={"2.1": {"value": str(value)}}, by=cast.staff)
    services.evidence_file_add(result=result(long, "1.1"), upload=upload("a.pdf", PDF), by=cast.staff)
    for assessment in (short, long):
        with django_assert_num_queries(3):
            entries = selectors.assessment_timeline(assessment)
    assert len(entries) == 1 + 5 + 20 + 1


def test_the_api_serves_the_timeline(client, reviewed, cast):
    client.force_login(cast.viewer)
    body = client.get(f"{BASE}/assessments/{reviewed.pk}/timeline/").json()
    assert body[-1] | {"at": None} == {
        "at": None,
        "user": "quantri.h",
        "subject": "assessment",
        "action": "changed",
        "indicator_code": "",
        "changes": [{"field": "status", "label": "trạng thái", "old": "Đã duyệt", "new": "Bị trả lại"}],
        "reason": "Cập nhật số liệu 2.1.",
    }


# Changes since the previous approved assessment


def test_changes_list_each_indicator_whose_value_or_met_moved(tree, cast, cs, django_assert_num_queries):
    make_approved(cast, cs, tree.a, as_of=datetime.date(2023, 12, 31))
    current = make_draft(cast, cs, tree.a, answers=ANSWERS | {"2.1": {"value": "65"}, "1.2": {"met": True}})
    with django_assert_num_queries(2):
        comparison = selectors.changes_since_previous_approved(current)
    assert comparison.previous.as_of == datetime.date(2023, 12, 31)
    assert [(c.code, c.old_value, c.new_value, c.old_met, c.new_met) for c in comparison.changes] == [
        ("1.2", None, None, False, True),
        ("2.1", Decimal("75"), Decimal("65"), True, False),
    ]


def test_changes_compare_with_the_latest_earlier_approved_one_only(tree, cast, cs):
    make_approved(cast, cs, tree.a, as_of=datetime.date(2022, 12, 31), answers=ANSWERS | {"3": {"met": False}})
    make_approved(cast, cs, tree.a, as_of=datetime.date(2023, 12, 31))
    make_draft(cast, cs, tree.a, as_of=datetime.date(2023, 12, 30), answers=ANSWERS | {"1.1": {"met": False}})
    current = make_draft(cast, cs, tree.a, as_of=datetime.date(2024, 12, 31))
    comparison = selectors.changes_since_previous_approved(current)
    assert comparison.previous.as_of == datetime.date(2023, 12, 31) and comparison.changes == []


def test_without_a_previous_approved_assessment_there_is_nothing_to_compare(tree, cast, cs):
    comparison = selectors.changes_since_previous_approved(make_draft(cast, cs, tree.a))
    assert (comparison.previous, comparison.changes) == (None, [])


def test_the_api_serves_the_changes(client, tree, cast, cs):
    previous = make_approved(cast, cs, tree.a, as_of=datetime.date(2023, 12, 31))
    current = make_draft(cast, cs, tree.a, answers=ANSWERS | {"2.1": {"value": "65.5"}})
    client.force_login(cast.reviewer)
    assert client.get(f"{BASE}/assessments/{current.pk}/changes/").json() == {
        "previous": {"id": previous.pk, "as_of": "2023-12-31"},
        "changes": [
            {
                "code": "2.1",
                "name": "Chỉ tiêu 2.1",
                "old_value": "75",
                "new_value": "65.5",
                "old_met": True,
                "new_met": False,
            }
        ],
    }
    assert Assessment.objects.count() == 2
