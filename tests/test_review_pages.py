"""The review pages: an assessment's page (values, evidence, summary, changes since the previous
approved one, timeline), its steps (return, approve, reopen) with their roles, scope and stale
checks, the reviewers' queue, the departments' queue and verification page, and their query counts."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Membership, Role
from assessments import services
from assessments.models import Assessment, IndicatorResult, Status
from criteria.models import Criterion, Department, Indicator
from tests import factories
from tests.factories import (
    ANSWERS,
    make_approved,
    make_big_set,
    make_draft,
    make_flow_set,
    make_returned,
    make_submitted,
    staff_of,
)
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

D1, D2, D3 = datetime.date(2022, 6, 30), datetime.date(2023, 6, 30), datetime.date(2024, 6, 30)


def as_user(client, user):
    client.force_login(user)
    return client


def page_url(assessment, name="web:assessment"):
    return reverse(name, args=[assessment.pk])


def squeezed(response) -> str:
    return " ".join(response.content.decode().split())


def section(response, testid: str) -> str:
    """The element marked data-testid=`testid` up to the end of its section, whitespace squeezed."""
    text = squeezed(response)
    start = text.index(f'data-testid="{testid}"')
    end = text.find("</section>", start)
    return text[start : end if end != -1 else None]


def refreshed(assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


# The page: what it shows


def test_the_page_shows_values_targets_evidence_and_the_summary(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    services.indicator_results_update(
        assessment=draft,
        entries={"2.1": {"value": "75", "note": "Báo cáo giao thông năm 2024"}},
        by=cast.staff,
        expected_revision=draft.revision,
    )
    result = draft.results.get(indicator__code="2.1")
    evidence = services.evidence_file_add(result=result, upload=upload("bien-ban.pdf", PDF), by=cast.staff)
    submitted = services.assessment_submit(assessment=draft, by=cast.staff)
    response = as_user(client, cast.reviewer).get(page_url(submitted))
    assert response.status_code == 200
    row = re.search(r'data-code="2\.1".*?</tr>', squeezed(response)).group()
    assert "≥70%" in row and ">75%<" in row and "Đạt" in row
    assert "Báo cáo giao thông năm 2024" in row
    assert f'href="{reverse("api:evidence", args=[submitted.pk, evidence.pk])}"' in row and "bien-ban.pdf" in row
    row_12 = re.search(r'data-code="1\.2".*?</tr>', squeezed(response)).group()
    assert "Chưa đạt" in row_12
    assertContains(response, "2/3 tiêu chí, 4/5 chỉ tiêu")
    assertContains(response, refreshed(submitted).sentence())
    assertContains(response, 'data-testid="criterion"', count=3)
    assertContains(response, 'data-testid="indicator"', count=5)


def test_the_header_names_the_commune_set_date_status_revision_and_people(client, tree, cast, cs):
    cast.staff.first_name = "Nguyễn Văn Xã"
    cast.staff.save()
    submitted = make_submitted(cast, cs, tree.a)
    response = as_user(client, cast.reviewer).get(page_url(submitted))
    header = section(response, "assessment-header")
    assert f'href="{reverse("web:unit", args=["pre2025", "18436"])}"' in header and "Xã A" in header
    assert "30/06/2024" in header and cs.name in header
    assert "Đã gửi" in header and f"Lần sửa {submitted.revision}" in header
    assert "Huyện H, Tỉnh P" in header
    people = section(response, "people")
    assert people.count("Nguyễn Văn Xã") == 2  # created and submitted by


def test_demo_data_and_unverified_indicators_are_marked(client, tree, cast, cs):
    Indicator.objects.filter(criteria_set=cs).exclude(code="2.2").update(verified=True)
    submitted = make_submitted(cast, cs, tree.a)
    client = as_user(client, cast.reviewer)
    response = client.get(page_url(submitted))
    assertNotContains(response, "Dữ liệu demo")
    assert re.findall(
        r'data-code="([\d.]+)"[^<]*<th[^>]*>[^<]*</th> <td>[^<]*<span class="badge text-bg-warning"[^>]*>'
        r"Chưa kiểm chứng",
        squeezed(response),
    ) == ["2.2"]
    Assessment.objects.filter(pk=submitted.pk).update(is_demo=True)
    assertContains(client.get(page_url(submitted)), "Dữ liệu demo")


def test_the_departments_verification_shows_state_comment_who_and_when(client, tree, cast, cs):
    cast.officer.first_name = "Trần Thị Phòng"
    cast.officer.save()
    submitted = make_submitted(cast, cs, tree.a)
    with time_machine.travel(datetime.datetime(2024, 7, 2, 9, 30, tzinfo=datetime.UTC)):
        services.indicator_verify(
            result=submitted.results.get(indicator__code="2.1"),
            state="flagged",
            comment="Số liệu năm cũ.",
            by=cast.officer,
        )
    services.indicator_verify(result=submitted.results.get(indicator__code="2.2"), state="verified", by=cast.officer)
    response = as_user(client, cast.reviewer).get(page_url(submitted))
    text = squeezed(response)
    row_21 = re.search(r'data-code="2\.1".*?</tr>', text).group()
    assert 'data-state="flagged"' in row_21 and "Cần xem lại" in row_21 and "Số liệu năm cũ." in row_21
    assert "Trần Thị Phòng · 16:30 02/07/2024" in row_21  # Asia/Ho_Chi_Minh
    assert 'data-state="verified"' in re.search(r'data-code="2\.2".*?</tr>', text).group()
    # Criterion 1 has no department: nobody verifies it, so no state is shown.
    assert 'data-testid="verification"' not in re.search(r'data-code="1\.1".*?</tr>', text).group()


def test_a_returned_assessment_shows_its_reason_prominently(client, tree, cast, cs):
    returned = make_returned(cast, cs, tree.a)
    response = as_user(client, cast.staff).get(page_url(returned))
    assert "Thiếu biên bản." in section(response, "return-reason")


# Changes since the previous approved assessment


def test_the_page_shows_what_changed_since_the_previous_approved_assessment(client, tree, cast, cs):
    make_approved(cast, cs, tree.a, as_of=D1, answers=ANSWERS | {"2.1": {"value": "50"}, "3": {"met": False}})
    make_approved(cast, cs, tree.a, as_of=D2, answers=ANSWERS | {"2.1": {"value": "72"}})
    answers = ANSWERS | {"1.2": {"met": True}, "2.1": {"value": "65"}}
    current = make_submitted(cast, cs, tree.a, as_of=D3, answers=answers)
    response = as_user(client, cast.reviewer).get(page_url(current))
    changes = section(response, "changes")
    assert "30/06/2023" in changes  # compared with D2, the latest approved before D3, not D1
    rows = dict(re.findall(r'<tr data-code="([\d.]+)">(.*?)</tr>', changes))
    assert set(rows) == {"1.2", "2.1"}
    old_new = {
        code: [" ".join(cell.split()) for cell in re.findall(r'data-testid="(?:old|new)">(.*?)</td>', row)]
        for code, row in rows.items()
    }
    assert old_new == {"1.2": ["Chưa đạt", "Đạt"], "2.1": ["72 (Đạt)", "65 (Chưa đạt)"]}
    criteria = re.search(r'data-testid="criteria-changes">(.*?)</ul>', changes).group(1)
    assert re.findall(r'data-number="(\d+)"', criteria) == ["1", "2"]
    assert re.search(r"Tiêu chí 1\. Quy hoạch: <span[^>]*>Chưa đạt</span> → <span[^>]*>Đạt</span>", criteria)
    assert re.search(r"Tiêu chí 2\. Giao thông: <span[^>]*>Đạt</span> → <span[^>]*>Chưa đạt</span>", criteria)


def test_with_no_previous_approved_assessment_the_page_says_so(client, tree, cast, cs):
    current = make_submitted(cast, cs, tree.a)
    assertContains(
        as_user(client, cast.reviewer).get(page_url(current)),
        "Xã chưa có đánh giá nào theo bộ tiêu chí này được duyệt trước ngày đánh giá này.",
    )


# Timeline


def test_the_timeline_reads_newest_first_with_the_return_reason(client, tree, cast, cs):
    returned = make_returned(cast, cs, tree.a)
    response = as_user(client, cast.staff).get(page_url(returned))
    timeline = section(response, "timeline")
    headlines = re.findall(r'<span class="fw-semibold timeline-headline">(.*?)</span>', timeline)
    assert headlines[:2] == ["Trả lại cho xã", "Gửi đi thẩm định"]
    assert headlines[-1] == "Tạo đánh giá"
    first = timeline.split('data-testid="timeline-entry"')[1]
    assert "Lý do trả lại:</span> Thiếu biên bản." in first and "thamdinh.tinh" in first
    assert 'Trạng thái: <span class="text-body-secondary">Đã gửi</span> → <span>Bị trả lại</span>' in first
    assert "Sửa kết quả chỉ tiêu 2.1" in timeline


def test_the_timeline_names_a_reopening_and_its_reason(client, tree, cast, cs):
    approved = make_approved(cast, cs, tree.a)
    services.assessment_reopen(assessment=approved, reason="Sai số liệu tiêu chí 2.", by=cast.admin)
    timeline = section(as_user(client, cast.admin).get(page_url(approved)), "timeline")
    first = timeline.split('data-testid="timeline-entry"')[1]
    assert "Mở lại đánh giá đã duyệt" in first and "Lý do mở lại:</span> Sai số liệu tiêu chí 2." in first


# Who sees which action


@pytest.mark.parametrize(
    ("who", "state", "shown"),
    [
        ("reviewer", "submitted", {"approve-form", "return-form"}),
        ("staff", "submitted", set()),
        ("viewer", "submitted", set()),
        ("officer", "submitted", {"verify-link"}),
        ("admin", "submitted", set()),
        ("reviewer", "approved", set()),
        ("admin", "approved", {"reopen-form"}),
        ("reviewer", "returned", set()),
        ("staff", "returned", {"edit-link"}),
        ("staff", "draft", {"edit-link"}),
        ("reviewer", "draft", set()),
        ("staff", "approved", set()),
    ],
)
def test_each_action_is_shown_only_to_who_may_take_it(client, tree, cast, cs, who, state, shown):
    make = {"draft": make_draft, "submitted": make_submitted, "approved": make_approved, "returned": make_returned}
    assessment = make[state](cast, cs, tree.a)
    actions = section(as_user(client, getattr(cast, who)).get(page_url(assessment)), "actions")
    names = ("approve-form", "return-form", "reopen-form", "verify-link", "edit-link")
    assert {name for name in names if f'data-testid="{name}"' in actions} == shown
    if shown == {"edit-link"}:
        assert f'href="{reverse("web:assessment_edit", args=[assessment.pk])}"' in actions


# Return


def return_(client, assessment, *, reason="Thiếu biên bản nghiệm thu đường.", revision=None):
    revision = refreshed(assessment).revision if revision is None else revision
    return client.post(page_url(assessment, "web:assessment_return"), {"reason": reason, "revision": revision})


def test_a_reviewer_returns_a_submitted_assessment_with_a_reason(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client = as_user(client, cast.reviewer)
    response = return_(client, submitted)
    assertRedirects(response, page_url(submitted), fetch_redirect_response=False)
    submitted = refreshed(submitted)
    assert submitted.status == Status.RETURNED and submitted.return_reason == "Thiếu biên bản nghiệm thu đường."
    assert submitted.returned_by == cast.reviewer
    assertContains(client.get(page_url(submitted)), "Đã trả lại đánh giá cho xã kèm lý do.")


@pytest.mark.parametrize("who", ["staff", "viewer", "officer", "admin"])
def test_other_roles_may_not_return(client, tree, cast, cs, who):
    submitted = make_submitted(cast, cs, tree.a)
    assert return_(as_user(client, getattr(cast, who)), submitted).status_code == 403
    assert refreshed(submitted).status == Status.SUBMITTED


def test_returning_outside_the_scope_is_404(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    assert return_(as_user(client, cast.outsider), submitted).status_code == 404
    assert refreshed(submitted).status == Status.SUBMITTED


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_an_empty_reason_is_refused_and_nothing_changes(client, tree, cast, cs, reason):
    submitted = make_submitted(cast, cs, tree.a)
    response = return_(as_user(client, cast.reviewer), submitted, reason=reason)
    assertContains(response, "Hãy nêu lý do trả lại.", status_code=400)
    after = refreshed(submitted)
    assert (after.status, after.revision, after.return_reason) == (Status.SUBMITTED, submitted.revision, "")


def test_a_stale_page_cannot_return_and_shows_the_services_message(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    seen = submitted.revision
    services.indicator_verify(result=submitted.results.get(indicator__code="2.1"), state="verified", by=cast.officer)
    response = return_(as_user(client, cast.reviewer), submitted, revision=seen)
    assertContains(response, "Đánh giá vừa được người khác sửa", status_code=409)
    assert refreshed(submitted).status == Status.SUBMITTED
    # The textarea keeps what the reviewer wrote, and the form now carries the current revision.
    assertContains(response, "Thiếu biên bản nghiệm thu đường.", status_code=409)
    assertContains(response, f'name="revision" value="{refreshed(submitted).revision}"', status_code=409)


def test_a_post_without_the_revision_is_refused(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    response = as_user(client, cast.reviewer).post(page_url(submitted, "web:assessment_return"), {"reason": "Thiếu."})
    assertContains(response, "Trang đã cũ; hãy tải lại trang rồi thao tác lại.", status_code=400)
    assert refreshed(submitted).status == Status.SUBMITTED


def test_a_draft_cannot_be_returned(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    response = return_(as_user(client, cast.reviewer), draft)
    assertContains(response, "Chỉ trả lại được đánh giá đang chờ thẩm định.", status_code=400)
    assert refreshed(draft).status == Status.DRAFT


def test_the_steps_answer_only_post(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    assert as_user(client, cast.reviewer).get(page_url(submitted, "web:assessment_return")).status_code == 405


# Approve


def approve(client, assessment, *, revision=None, confirm=False):
    data = {"revision": refreshed(assessment).revision if revision is None else revision}
    if confirm:
        data["confirm"] = "on"
    return client.post(page_url(assessment, "web:assessment_approve"), data)


def verify_all(assessment, officer):
    for result in assessment.results.filter(indicator__criterion__department__isnull=False):
        services.indicator_verify(result=result, state="verified", by=officer)


def test_a_reviewer_approves_when_every_indicator_is_verified(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    verify_all(submitted, cast.officer)
    client = as_user(client, cast.reviewer)
    page = client.get(page_url(submitted))
    counts = section(page, "verification-counts")
    assert re.findall(r">(\d+)</span> (đã xác nhận|cần xem lại|chưa rà soát)", counts) == [
        ("2", "đã xác nhận"),
        ("0", "cần xem lại"),
        ("0", "chưa rà soát"),
    ]
    assert "3 chỉ tiêu không có phòng, ban phụ trách" in counts
    assertNotContains(page, 'name="confirm"')
    assertRedirects(approve(client, submitted), page_url(submitted))
    after = refreshed(submitted)
    assert (after.status, after.approved_by) == (Status.APPROVED, cast.reviewer)


def test_approving_with_unchecked_or_flagged_indicators_asks_for_confirmation(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    services.indicator_verify(
        result=submitted.results.get(indicator__code="2.1"), state="flagged", comment="Sai.", by=cast.officer
    )
    client = as_user(client, cast.reviewer)
    page = client.get(page_url(submitted))
    counts = section(page, "verification-counts")
    assert re.findall(r">(\d+)</span> (đã xác nhận|cần xem lại|chưa rà soát)", counts) == [
        ("0", "đã xác nhận"),
        ("1", "cần xem lại"),
        ("1", "chưa rà soát"),
    ]
    assertContains(page, 'name="confirm"')
    refused = approve(client, submitted)
    assertContains(refused, "Hãy đánh dấu xác nhận trước khi duyệt.", status_code=400)
    assert refreshed(submitted).status == Status.SUBMITTED
    assertRedirects(approve(client, submitted, confirm=True), page_url(submitted))
    assert refreshed(submitted).status == Status.APPROVED


@pytest.mark.parametrize("who", ["staff", "viewer", "officer", "admin"])
def test_other_roles_may_not_approve(client, tree, cast, cs, who):
    submitted = make_submitted(cast, cs, tree.a)
    assert approve(as_user(client, getattr(cast, who)), submitted, confirm=True).status_code == 403
    assert refreshed(submitted).status == Status.SUBMITTED


def test_approving_outside_the_scope_is_404(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    assert approve(as_user(client, cast.outsider), submitted, confirm=True).status_code == 404
    assert approve(as_user(client, cast.reviewer), Assessment(pk=99999), revision=1, confirm=True).status_code == 404


def test_a_stale_page_cannot_approve(client, tree, cast, cs):
    returned = make_returned(cast, cs, tree.a)
    seen = returned.revision
    resubmitted = services.assessment_submit(assessment=returned, by=cast.staff)
    response = approve(as_user(client, cast.reviewer), resubmitted, revision=seen, confirm=True)
    assertContains(response, "Đánh giá vừa được người khác sửa", status_code=409)
    assert refreshed(resubmitted).status == Status.SUBMITTED


# Reopen


def reopen(client, assessment, *, reason="Sai số liệu tiêu chí 2.", revision=None):
    revision = refreshed(assessment).revision if revision is None else revision
    return client.post(page_url(assessment, "web:assessment_reopen"), {"reason": reason, "revision": revision})


def test_a_criteria_admin_reopens_an_approved_assessment_with_a_reason(client, tree, cast, cs):
    approved = make_approved(cast, cs, tree.a)
    assertRedirects(reopen(as_user(client, cast.admin), approved), page_url(approved))
    after = refreshed(approved)
    assert (after.status, after.return_reason, after.approved_by) == (Status.RETURNED, "Sai số liệu tiêu chí 2.", None)


@pytest.mark.parametrize("who", ["reviewer", "staff", "viewer", "officer"])
def test_other_roles_may_not_reopen(client, tree, cast, cs, who):
    approved = make_approved(cast, cs, tree.a)
    assert reopen(as_user(client, getattr(cast, who)), approved).status_code == 403
    assert refreshed(approved).status == Status.APPROVED


def test_reopening_outside_the_scope_is_404(client, tree, cast, cs):
    approved = make_approved(cast, cs, tree.c)
    assert reopen(as_user(client, cast.admin), approved).status_code == 404
    assert refreshed(approved).status == Status.APPROVED


def test_reopening_needs_a_reason_and_a_current_page(client, tree, cast, cs):
    approved = make_approved(cast, cs, tree.a)
    client = as_user(client, cast.admin)
    assertContains(reopen(client, approved, reason=" "), "Hãy nêu lý do mở lại đánh giá.", status_code=400)
    assertContains(reopen(client, approved, revision=approved.revision - 1), "Đánh giá vừa được", status_code=409)
    assert refreshed(approved).status == Status.APPROVED


# Access to the page


def test_the_page_is_404_outside_the_scope_and_for_a_missing_assessment(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    assert as_user(client, cast.outsider).get(page_url(submitted)).status_code == 404
    assert as_user(client, cast.reviewer).get(reverse("web:assessment", args=[99999])).status_code == 404


def test_anyone_who_may_see_the_commune_opens_the_page(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    for user in (cast.staff, cast.viewer, cast.officer, cast.admin, cast.province_reviewer, cast.superuser):
        assert as_user(client, user).get(page_url(submitted)).status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    response = client.get(page_url(submitted))
    assert response.status_code == 302 and "next=" in response["Location"]


# The reviewers' queue


def submitted_on(assessment, when: datetime.datetime) -> Assessment:
    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=when)
    return assessment


def test_the_queue_lists_in_scope_submitted_assessments_oldest_submission_first(client, tree, cast, cs):
    now = timezone.now()
    newer = submitted_on(make_submitted(cast, cs, tree.a, as_of=D3), now - datetime.timedelta(days=1))
    older = submitted_on(make_submitted(cast, cs, tree.b, as_of=D3), now - datetime.timedelta(days=5))
    make_submitted(cast, cs, tree.c, as_of=D3)  # huyện H2: another reviewer's
    make_draft(cast, cs, tree.a, as_of=D2)
    make_approved(cast, cs, tree.a, as_of=D1)
    response = as_user(client, cast.reviewer).get(reverse("web:review_queue"))
    assert response.status_code == 200
    rows = re.findall(r'data-testid="queue-row" data-pk="(\d+)"', response.content.decode())
    assert rows == [str(older.pk), str(newer.pk)]
    text = squeezed(response)
    assert "5 ngày trước" in text and "1 ngày trước" in text
    assert "Huyện H, Tỉnh P" in text and f'href="{page_url(older)}"' in text


def test_the_queue_shows_criteria_met_and_the_departments_progress(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    services.indicator_verify(result=submitted.results.get(indicator__code="2.1"), state="verified", by=cast.officer)
    response = as_user(client, cast.reviewer).get(reverse("web:review_queue"))
    row = re.search(r'data-testid="queue-row".*?</tr>', squeezed(response)).group()
    assert ">2/3<" in row
    assert "1 đã xác nhận, 0 cần xem lại / 2" in row


@pytest.mark.parametrize("who", ["staff", "viewer", "officer", "admin"])
def test_a_user_who_is_not_a_reviewer_gets_a_friendly_note(client, tree, cast, cs, who):
    make_submitted(cast, cs, tree.a)
    response = as_user(client, getattr(cast, who)).get(reverse("web:review_queue"))
    assertContains(response, 'data-testid="not-reviewer"')
    assertNotContains(response, 'data-testid="queue-row"')


# The departments' queue and verification page


def other_department_officer(tree):
    department = Department.objects.create(code="van-hoa", name="Phòng Văn hóa - Thông tin")
    user = factories.make_user("phong.vh")
    Membership.objects.create(user=user, unit=tree.h, role=Role.DEPARTMENT_OFFICER, department=department)
    return user, department


def test_the_verification_queue_counts_the_officers_own_indicators(client, tree, cast, cs):
    first = submitted_on(make_submitted(cast, cs, tree.a), timezone.now() - datetime.timedelta(days=3))
    second = make_submitted(cast, cs, tree.b)
    make_submitted(cast, cs, tree.c)  # outside the officer's district
    make_draft(cast, cs, tree.a, as_of=D2)  # not submitted: nothing to verify yet
    services.indicator_verify(result=first.results.get(indicator__code="2.1"), state="verified", by=cast.officer)
    services.indicator_verify(
        result=first.results.get(indicator__code="2.2"), state="flagged", comment="Thiếu ảnh.", by=cast.officer
    )
    response = as_user(client, cast.officer).get(reverse("web:verification_queue"))
    text = squeezed(response)
    rows = dict(re.findall(r'data-testid="queue-row" data-pk="(\d+)">(.*?)</tr>', text))
    assert list(rows) == [str(first.pk), str(second.pk)]

    def counts(row):
        return [
            re.search(rf'data-testid="{name}"><span[^>]*>(\d+)', row).group(1)
            for name in ("unchecked", "verified", "flagged")
        ]

    assert counts(rows[str(first.pk)]) == ["0", "1", "1"]
    assert counts(rows[str(second.pk)]) == ["2", "0", "0"]
    # The same leading cells as the reviewers' queue (web/review/_queue_cells.html): how long each has waited.
    assert "3 ngày trước" in rows[str(first.pk)] and "hôm nay" in rows[str(second.pk)]


def test_the_verification_queue_leaves_out_sets_without_the_officers_criteria(client, tree, cast, cs):
    other_set = make_flow_set(None)
    make_submitted(cast, other_set, tree.a)
    response = as_user(client, cast.officer).get(reverse("web:verification_queue"))
    assertContains(response, 'data-testid="empty-queue"')


def test_a_user_who_is_not_an_officer_gets_a_friendly_note_on_the_verification_queue(client, tree, cast, cs):
    make_submitted(cast, cs, tree.a)
    response = as_user(client, cast.reviewer).get(reverse("web:verification_queue"))
    assertContains(response, 'data-testid="not-officer"')


def test_the_verification_page_lists_only_the_officers_departments_indicators(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    response = as_user(client, cast.officer).get(page_url(submitted, "web:assessment_verify"))
    assert response.status_code == 200
    assert re.findall(r'data-testid="verify-row" data-code="([\d.]+)"', squeezed(response)) == ["2.1", "2.2"]
    assertContains(response, "Phòng Kinh tế - Hạ tầng")


def test_an_officer_of_another_department_sees_only_theirs(client, tree, cast, cs):
    officer, department = other_department_officer(tree)
    Criterion.objects.filter(criteria_set=cs, number=3).update(department=department)
    submitted = make_submitted(cast, cs, tree.a)
    response = as_user(client, officer).get(page_url(submitted, "web:assessment_verify"))
    assert re.findall(r'data-testid="verify-row" data-code="([\d.]+)"', squeezed(response)) == ["3"]


@pytest.mark.parametrize("who", ["reviewer", "staff", "viewer", "admin"])
def test_other_roles_in_scope_get_403_on_the_verification_page(client, tree, cast, cs, who):
    submitted = make_submitted(cast, cs, tree.a)
    assert as_user(client, getattr(cast, who)).get(page_url(submitted, "web:assessment_verify")).status_code == 403


def test_the_verification_page_is_404_outside_the_scope(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.c)
    assert as_user(client, cast.officer).get(page_url(submitted, "web:assessment_verify")).status_code == 404


def verify(client, result, state, comment="", *, revision=None, htmx=False):
    assessment = refreshed(result.assessment)
    data = {"state": state, "comment": comment, "revision": assessment.revision if revision is None else revision}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("web:result_verify", args=[assessment.pk, result.pk]), data, headers=headers)


def test_an_officer_verifies_an_indicator(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    result = submitted.results.get(indicator__code="2.1")
    response = verify(as_user(client, cast.officer), result, "verified")
    assertRedirects(
        response, page_url(submitted, "web:assessment_verify") + f"#chi-tieu-{result.pk}", fetch_redirect_response=False
    )
    result.refresh_from_db()
    assert (result.verification_state, result.verified_by) == ("verified", cast.officer)


def test_an_officer_flags_an_indicator_with_a_comment(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    result = submitted.results.get(indicator__code="2.2")
    verify(as_user(client, cast.officer), result, "flagged", "Thiếu ảnh hiện trường.")
    result.refresh_from_db()
    assert (result.verification_state, result.verification_comment) == ("flagged", "Thiếu ảnh hiện trường.")


def test_flagging_without_a_comment_is_refused_and_nothing_changes(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    result = submitted.results.get(indicator__code="2.2")
    client = as_user(client, cast.officer)
    response = verify(client, result, "flagged", "  ", htmx=True)
    assert response.status_code == 200  # htmx swaps the row with its message in it
    assertContains(response, "Hãy ghi ý kiến khi đánh dấu chỉ tiêu cần xem lại.")
    result.refresh_from_db()
    assert (result.verification_state, result.verified_by) == ("unchecked", None)
    assert refreshed(submitted).revision == submitted.revision
    response = verify(client, result, "flagged", "", htmx=False)
    assertContains(client.get(response["Location"]), "Hãy ghi ý kiến khi đánh dấu chỉ tiêu cần xem lại.")


def test_an_htmx_verification_answers_the_row_and_the_counters(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    result = submitted.results.get(indicator__code="2.1")
    response = verify(as_user(client, cast.officer), result, "verified", htmx=True)
    text = squeezed(response)
    assert text.startswith('<article class="card mb-2 verify-row verify-verified" id="chi-tieu-')
    assert 'data-state="verified"' in text
    assert f'name="revision" value="{refreshed(submitted).revision}"' in text
    assert 'id="verify-counts"' in text and 'hx-swap-oob="true"' in text
    assert re.findall(r">(\d+)</span> (chưa rà soát|đã xác nhận|cần xem lại)", text) == [
        ("1", "chưa rà soát"),
        ("1", "đã xác nhận"),
        ("0", "cần xem lại"),
    ]


def test_verifying_another_departments_indicator_is_403(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    result = submitted.results.get(indicator__code="1.1")  # criterion 1 has no department
    assert verify(as_user(client, cast.officer), result, "verified").status_code == 403
    theirs = submitted.results.get(indicator__code="2.1")
    assert verify(as_user(client, cast.reviewer), theirs, "verified").status_code == 403
    assert IndicatorResult.objects.filter(assessment=submitted, verification_state="verified").count() == 0


def test_verifying_outside_the_scope_is_404(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.c)
    result = submitted.results.get(indicator__code="2.1")
    assert verify(as_user(client, cast.officer), result, "verified").status_code == 404


def test_a_stale_verification_of_a_changed_indicator_is_refused(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    result = submitted.results.get(indicator__code="2.1")
    seen = submitted.revision
    services.indicator_verify(result=result, state="flagged", comment="Sai.", by=cast.officer)
    response = verify(as_user(client, cast.officer), result, "verified", revision=seen, htmx=True)
    assertContains(response, "Đánh giá vừa được người khác sửa ở các chỉ tiêu 2.1")
    result.refresh_from_db()
    assert result.verification_state == "flagged"


def test_the_verification_page_of_a_returned_assessment_offers_no_buttons(client, tree, cast, cs):
    returned = make_returned(cast, cs, tree.a)
    response = as_user(client, cast.officer).get(page_url(returned, "web:assessment_verify"))
    assertContains(response, 'data-testid="not-open"')
    assertNotContains(response, 'data-testid="verify-form"')


# Query counts


def with_history(cast, cs, commune, as_of, rounds: int) -> Assessment:
    """A submitted assessment with evidence on every result and `rounds` of return and resubmission."""
    assessment = make_draft(cast, cs, commune, as_of=as_of)
    staff = staff_of(cast, commune)
    for result in assessment.results.all():
        services.evidence_file_add(result=result, upload=upload("a.pdf", PDF), by=staff)
    for _ in range(rounds):
        assessment = services.assessment_submit(assessment=assessment, by=staff)
        assessment = services.assessment_return(assessment=assessment, reason="Lý do.", by=cast.reviewer)
    return services.assessment_submit(assessment=assessment, by=staff)


def all_answers(criteria_set):
    return {code: {"met": True} for code in criteria_set.indicators.values_list("code", flat=True)}


# session, user, memberships (scope and actions, read once), assessment with people, results, evidence
# files, previous approved, both results, three history tables
PAGE_QUERIES = 11


def test_the_page_costs_the_same_whatever_the_number_of_indicators_and_history_rows(
    client, tree, cast, cs, django_assert_num_queries
):
    big = make_big_set(19, 5)
    Criterion.objects.filter(criteria_set=big, number__lte=10).update(department=cast.department)
    make_approved(cast, cs, tree.a, as_of=D1)
    small = with_history(cast, cs, tree.a, D3, rounds=0)
    large = make_draft(cast, big, tree.b, as_of=D3, answers=all_answers(big))
    for result in large.results.all()[:20]:
        services.evidence_file_add(result=result, upload=upload("a.pdf", PDF), by=cast.staff_c)
    large = services.assessment_submit(assessment=large, by=cast.staff_c)
    for result in large.results.filter(indicator__criterion__number__lte=3):
        services.indicator_verify(result=result, state="flagged", comment="Xem lại.", by=cast.officer)
    make_approved(cast, big, tree.b, as_of=D1, answers=all_answers(big))
    client = as_user(client, cast.reviewer)
    for assessment in (small, large):
        with django_assert_num_queries(PAGE_QUERIES):
            assert client.get(page_url(assessment)).status_code == 200


def test_the_page_costs_the_same_with_a_long_history(client, tree, cast, cs, django_assert_num_queries):
    make_approved(cast, cs, tree.a, as_of=D1)
    short, long = with_history(cast, cs, tree.a, D2, rounds=0), with_history(cast, cs, tree.a, D3, rounds=4)
    client = as_user(client, cast.reviewer)
    for assessment in (short, long):
        with django_assert_num_queries(PAGE_QUERIES):
            assert client.get(page_url(assessment)).status_code == 200


# session, user, memberships, the queue
QUEUE_QUERIES = 4


def test_the_queues_cost_the_same_for_one_and_many_assessments(client, tree, cast, cs, django_assert_num_queries):
    def queue(user, name):
        client.force_login(user)
        with django_assert_num_queries(QUEUE_QUERIES):
            return client.get(reverse(name))

    make_submitted(cast, cs, tree.a, as_of=D1)
    for user, name in ((cast.reviewer, "web:review_queue"), (cast.officer, "web:verification_queue")):
        assertContains(queue(user, name), 'data-testid="queue-row"', count=1)
    for commune, as_of in ((tree.a, D2), (tree.a, D3), (tree.b, D1), (tree.b, D2)):
        make_submitted(cast, cs, commune, as_of=as_of)
    for user, name in ((cast.reviewer, "web:review_queue"), (cast.officer, "web:verification_queue")):
        assertContains(queue(user, name), 'data-testid="queue-row"', count=5)


# session, user, memberships (scope and departments, read once), assessment, results, evidence files
VERIFY_PAGE_QUERIES = 6


def test_the_verification_page_costs_the_same_whatever_the_number_of_indicators(
    client, tree, cast, cs, django_assert_num_queries
):
    big = make_big_set(19, 5)
    Criterion.objects.filter(criteria_set=big).update(department=cast.department)
    small = with_history(cast, cs, tree.a, D3, rounds=0)
    large = make_submitted(cast, big, tree.b, as_of=D3, answers=all_answers(big))
    client = as_user(client, cast.officer)
    for assessment in (small, large):
        with django_assert_num_queries(VERIFY_PAGE_QUERIES):
            assert client.get(page_url(assessment, "web:assessment_verify")).status_code == 200
