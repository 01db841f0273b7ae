"""The commune staff's pages: "Xã của tôi", creating an assessment, the entry form with its live
counters, evidence files and submitting; who may open them, what they save, and what they refuse."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Role
from assessments import services
from assessments.models import Assessment, EvidenceFile, IndicatorResult, Status
from tests import factories
from tests.factories import D, make_approved, make_big_set, make_draft, make_flow_set, make_returned
from tests.helpers import EXE, PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

# Every indicator of make_flow_set answered; 2.1 is numeric, ≥70%.
ALL_MET = {"met-1.1": "1", "met-1.2": "1", "value-2.1": "75", "met-2.2": "1", "met-3": "1"}


@pytest.fixture
def draft(tree, cast, cs):
    return make_draft(cast, cs, tree.a, answers={})


@pytest.fixture
def staff(client, cast):
    client.force_login(cast.staff)
    return cast.staff


def edit_url(assessment):
    return reverse("web:assessment_edit", kwargs={"pk": assessment.pk})


def create_url(unit):
    return reverse("web:assessment_create", kwargs={"era": unit.era, "code": unit.code})


def form_data(assessment, **values):
    return {"revision": str(assessment.revision), **values}


def results(assessment) -> dict:
    return {
        r.indicator.code: (r.value, r.met, r.note)
        for r in IndicatorResult.objects.filter(assessment=assessment).select_related("indicator")
    }


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# Xã của tôi


def test_my_page_lists_the_staff_commune_with_its_assessments_and_nothing_else(client, tree, cast, cs, staff):
    mine = make_draft(cast, cs, tree.a)
    make_draft(cast, cs, tree.c)  # xã C: another district
    response = client.get(reverse("web:my_communes"))
    assertContains(response, "Xã A")
    assertNotContains(response, "Xã C")
    assertNotContains(response, "Xã B")
    assertContains(response, edit_url(mine))
    assertContains(response, mine.sentence())
    assert len(response.context["overviews"]) == 1


def test_a_district_membership_lists_its_communes_in_vietnamese_order(client, tree, cs):
    factories.make_unit(parent=tree.h, name="Xã Yên Hòa")
    factories.make_unit(parent=tree.h, name="Xã Đông Kinh")
    user = factories.make_user(unit=tree.h, role=Role.COMMUNE_STAFF)
    client.force_login(user)
    response = client.get(reverse("web:my_communes"))
    names = [o.commune.name for o in response.context["overviews"]]
    assert names == ["Xã A", "Xã B", "Xã Đông Kinh", "Xã Yên Hòa"]
    assert text_of(response).index("Xã Đông Kinh") < text_of(response).index("Xã Yên Hòa")


def test_the_todo_list_shows_returned_with_reason_drafts_and_sets_not_yet_assessed(client, tree, cast, cs):
    returned = make_returned(cast, cs, tree.a)
    draft = make_draft(cast, cs, tree.a, as_of=datetime.date(2025, 3, 31))
    user = factories.make_user(unit=tree.a, role=Role.COMMUNE_STAFF)
    user.memberships.create(unit=tree.n, role=Role.COMMUNE_STAFF)  # xã N exists today: a set is due
    client.force_login(user)
    response = client.get(reverse("web:my_communes"))
    assertContains(response, "Thiếu biên bản.")
    assertContains(response, f'href="{edit_url(returned)}"')
    assertContains(response, f'href="{edit_url(draft)}"')
    due = [o for o in response.context["overviews"] if o.commune == tree.n][0].sets_due
    assert due == [cs]
    assertContains(response, f"{create_url(tree.n)}?set={cs.code}")
    # xã A no longer exists (merged in 2025): nothing is due there.
    assert [o for o in response.context["overviews"] if o.commune == tree.a][0].sets_due == []


def test_a_submitted_assessment_links_to_its_page_not_the_form(client, tree, cast, cs, staff):
    submitted = services.assessment_submit(assessment=make_draft(cast, cs, tree.a), by=cast.staff)
    response = client.get(reverse("web:my_communes"))
    assertContains(response, reverse("web:assessment", kwargs={"pk": submitted.pk}))
    assertNotContains(response, edit_url(submitted))


def test_a_user_without_commune_membership_gets_an_explanation(client, cast):
    client.force_login(cast.viewer)
    response = client.get(reverse("web:my_communes"))
    assert response.status_code == 200
    assertContains(response, "Bạn chưa được phân công làm cán bộ xã")


# Creating an assessment


def test_staff_create_an_assessment_and_land_on_its_form(client, tree, cs, staff):
    response = client.post(create_url(tree.a), {"criteria_set": cs.pk, "as_of": "2024-06-30"})
    assessment = Assessment.objects.get(commune=tree.a, criteria_set=cs)
    assertRedirects(response, edit_url(assessment))
    assert (assessment.as_of, assessment.created_by, assessment.status) == (D, staff, Status.DRAFT)


def test_the_create_form_offers_only_sets_that_apply_to_the_commune(client, tree, cs, staff):
    other_province = factories.make_unit(code="43", name="Tỉnh Q")
    factories.make_set(code="set-tinh-q", province=other_province)
    factories.make_set(code="set-2026", period_start=2026, period_end=2030)
    factories.make_set(code="set-nhap", status="draft")
    own = factories.make_set(code="set-tinh-p", province=tree.p)
    response = client.get(create_url(tree.a))
    offered = set(response.context["form"].fields["criteria_set"].queryset)
    assert offered == {cs, own}
    # xã A stopped existing on 30/06/2025: the date offered is its last day, not today.
    assert response.context["form"].fields["as_of"].initial == datetime.date(2025, 6, 30)


def test_a_duplicate_date_is_refused_on_the_form(client, tree, cs, draft, staff):
    response = client.post(create_url(tree.a), {"criteria_set": cs.pk, "as_of": "2024-06-30"})
    assert response.status_code == 200
    assertContains(response, "Xã đã có đánh giá theo bộ tiêu chí này vào ngày đó.")
    assert Assessment.objects.count() == 1


def test_a_date_outside_the_communes_life_is_refused_on_the_form(client, tree, cs, staff):
    response = client.post(create_url(tree.a), {"criteria_set": cs.pk, "as_of": "2025-08-01"})
    assertContains(response, "nằm ngoài thời gian tồn tại của Xã A")
    assert not Assessment.objects.exists()


def test_creating_for_a_commune_outside_the_scope_is_a_404(client, tree, cs, staff):
    assert client.get(create_url(tree.c)).status_code == 404
    assert client.post(create_url(tree.c), {"criteria_set": cs.pk, "as_of": "2024-06-30"}).status_code == 404
    assert not Assessment.objects.exists()


def test_a_viewer_who_sees_the_commune_gets_a_403(client, tree, cs, cast):
    client.force_login(cast.viewer)
    assert client.get(create_url(tree.a)).status_code == 403
    assert client.post(create_url(tree.a), {"criteria_set": cs.pk, "as_of": "2024-06-30"}).status_code == 403
    assert not Assessment.objects.exists()


def test_copying_from_the_latest_assessment_starts_from_its_values(client, tree, cast, cs, staff):
    make_draft(cast, cs, tree.a)  # 2.1 = 75
    client.post(create_url(tree.a), {"criteria_set": cs.pk, "as_of": "2025-03-31", "copy_from_latest": "on"})
    copy = Assessment.objects.get(as_of=datetime.date(2025, 3, 31))
    assert results(copy)["2.1"][0] == Decimal("75")


# The entry form


def test_the_form_shows_every_indicator_grouped_by_criterion(client, tree, cast, cs, staff):
    factories.make_numeric(cs, "1.2", value="1.5", unit="triệu đồng")  # not used yet: still editable
    assessment = make_draft(cast, cs, tree.a, answers={"2.1": {"value": "75.5"}})
    response = client.get(edit_url(assessment))
    html = response.content.decode()
    assert html.count('data-testid="criterion"') == 3
    assert html.count('data-testid="indicator"') == 5
    blocks = response.context["blocks"]
    assert [[r.indicator.code for r in b.rows] for b in blocks] == [["1.1", "1.2"], ["2.1", "2.2"], ["3"]]
    assertContains(response, 'name="value-2.1"')
    assertContains(response, 'value="75,5"')  # Vietnamese decimal comma
    assertContains(response, "≥70%")  # the target applied to xã A
    assertContains(response, 'name="met-1.1"')
    assertContains(response, f'name="revision" value="{assessment.revision}"')
    assertContains(response, 'id="ind-2-1"')


def test_a_returned_assessment_shows_its_reason_at_the_top(client, tree, cast, cs, staff):
    returned = make_returned(cast, cs, tree.a)
    response = client.get(edit_url(returned))
    assertContains(response, 'data-testid="return-reason"')
    assertContains(response, "Thiếu biên bản.")


def test_the_preview_counts_typed_values_on_the_server_and_saves_nothing(client, draft, staff):
    before = results(draft)
    data = form_data(draft, **{**ALL_MET, "met-3": "0"})
    response = client.post(reverse("web:assessment_preview", kwargs={"pk": draft.pk}), data, HTTP_HX_REQUEST="true")
    text = text_of(response)
    assert "2/3 tiêu chí, 4/5 chỉ tiêu" in text
    assert 'id="entry-counters"' in text and 'hx-swap-oob="true"' in text
    # Each criterion's badge comes back too: 1 and 2 met, 3 not.
    assert re.search(r'id="crit-state-2"[^>]*hx-swap-oob="true">\s*<span class="badge text-bg-success">Đạt', text)
    assert re.search(r'id="crit-state-3"[^>]*hx-swap-oob="true">\s*<span class="badge text-bg-danger">Chưa đạt', text)
    draft.refresh_from_db()
    assert results(draft) == before
    assert (draft.revision, draft.criteria_met) == (1, 0)


def test_the_preview_judges_numbers_against_the_target(client, draft, staff):
    url = reverse("web:assessment_preview", kwargs={"pk": draft.pk})
    below = client.post(url, form_data(draft, **{**ALL_MET, "value-2.1": "69,9"}))
    assert "2/3 tiêu chí, 4/5 chỉ tiêu" in text_of(below)
    invalid = client.post(url, form_data(draft, **{**ALL_MET, "value-2.1": "abc"}))
    assert "2/3 tiêu chí, 4/5 chỉ tiêu" in text_of(invalid)  # 2.1 unknown: criterion 2 not met
    assert "chưa xác định 1 chỉ tiêu" in text_of(invalid)


def test_saving_a_draft_stores_results_and_summary(client, draft, staff):
    data = form_data(draft, **ALL_MET, **{"note-1.1": "Biên bản\r\nngày 1/6"})
    response = client.post(edit_url(draft), data)
    assertRedirects(response, edit_url(draft))
    draft.refresh_from_db()
    assert results(draft)["2.1"] == (Decimal("75"), True, "")
    assert results(draft)["1.1"] == (None, True, "Biên bản\nngày 1/6")
    assert (draft.criteria_met, draft.indicators_met, draft.revision) == (3, 5, 2)
    assert draft.summary.meets_standard


def test_saving_an_unchanged_form_changes_nothing(client, tree, cast, cs, staff):
    assessment = make_draft(cast, cs, tree.a, answers={"1.1": {"met": True, "note": "Dòng 1\nDòng 2"}})
    revision = assessment.revision
    client.post(edit_url(assessment), form_data(assessment, **{"met-1.1": "1", "note-1.1": "Dòng 1\r\nDòng 2"}))
    assessment.refresh_from_db()
    assert assessment.revision == revision


def test_a_stale_save_is_refused_listing_what_changed_and_keeping_the_typed_values(client, draft, cast, staff):
    seen = draft.revision
    services.indicator_results_update(assessment=draft, entries={"2.1": {"value": "50"}}, by=cast.staff)
    response = client.post(edit_url(draft), {"revision": str(seen), **ALL_MET, "value-2.1": "88"})
    assert response.status_code == 200
    assertContains(response, 'data-testid="stale"')
    assertContains(response, "Đánh giá vừa được người khác sửa ở các chỉ tiêu 2.1")
    assertContains(response, 'href="#ind-2-1"')
    assertContains(response, 'value="88"')  # what the user typed stays in the form
    assertContains(response, f'name="revision" value="{seen}"')
    draft.refresh_from_db()
    assert results(draft)["2.1"][0] == Decimal("50")
    assert results(draft)["1.1"][1] is None


@pytest.mark.parametrize(
    "typed, message",
    [
        ("abc", "“abc” không phải là số."),
        ("-5", "Tỷ lệ phần trăm phải từ 0 đến 100, không phải -5."),
        ("100,5", "Tỷ lệ phần trăm phải từ 0 đến 100, không phải 100,5."),
    ],
)
def test_an_invalid_value_is_shown_next_to_its_field_and_nothing_is_saved(client, draft, staff, typed, message):
    response = client.post(edit_url(draft), form_data(draft, **{**ALL_MET, "value-2.1": typed}))
    assert response.status_code == 200
    assertContains(response, message)
    assert re.search(r'name="value-2.1" id="value-2.1"\s+value="[^"]*"', text_of(response))
    assertContains(response, 'aria-describedby="value-2.1-error"')
    draft.refresh_from_db()
    assert draft.revision == 1
    assert all(value is None and met is None for value, met, _note in results(draft).values())


def test_numbers_are_read_the_vietnamese_way(client, draft, staff):
    client.post(edit_url(draft), form_data(draft, **{"value-2.1": "72,5"}))
    assert results(draft)["2.1"][0] == Decimal("72.5")


# Evidence files


def upload_url(assessment, code):
    return reverse("web:assessment_evidence_upload", kwargs={"pk": assessment.pk, "code": code})


def test_an_evidence_file_is_uploaded_and_listed(client, draft, staff):
    response = client.post(upload_url(draft, "1.1"), {"file-1.1": upload("bien-ban.pdf", PDF)})
    assertRedirects(response, edit_url(draft) + "#ind-1-1", fetch_redirect_response=False)
    evidence = EvidenceFile.objects.get(result__assessment=draft, result__indicator__code="1.1")
    assert (evidence.original_name, evidence.uploaded_by) == ("bien-ban.pdf", staff)
    page = client.get(edit_url(draft))
    assertContains(page, reverse("api:evidence", kwargs={"pk": draft.pk, "evidence_pk": evidence.pk}))
    assertContains(page, reverse("web:assessment_evidence_remove", kwargs={"pk": draft.pk, "evidence_pk": evidence.pk}))


def test_an_htmx_upload_answers_with_the_indicators_evidence_block(client, draft, staff):
    response = client.post(upload_url(draft, "1.1"), {"file-1.1": upload("anh.pdf", PDF)}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assertContains(response, 'id="evidence-ind-1-1"')
    assertContains(response, "anh.pdf")
    assertNotContains(response, "<html")


def test_a_file_of_the_wrong_type_is_refused_with_the_services_message(client, draft, staff):
    response = client.post(upload_url(draft, "1.1"), {"file-1.1": upload("bien-ban.pdf", EXE)}, HTTP_HX_REQUEST="true")
    assertContains(response, "không thuộc loại được nhận")
    assert not EvidenceFile.objects.exists()


def test_a_file_too_large_is_refused(client, draft, staff, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    response = client.post(upload_url(draft, "1.1"), {"file-1.1": upload("bien-ban.pdf", PDF)}, follow=True)
    assertContains(response, "lớn hơn giới hạn")
    assert not EvidenceFile.objects.exists()


def test_an_evidence_file_is_removed(client, draft, staff):
    result = IndicatorResult.objects.get(assessment=draft, indicator__code="1.1")
    evidence = services.evidence_file_add(result=result, upload=upload("a.pdf", PDF), by=staff)
    url = reverse("web:assessment_evidence_remove", kwargs={"pk": draft.pk, "evidence_pk": evidence.pk})
    response = client.post(url, HTTP_HX_REQUEST="true")
    assertNotContains(response, "a.pdf")
    assert not EvidenceFile.objects.exists()


# Submitting


def test_submitting_with_unanswered_indicators_lists_them_as_links(client, draft, staff):
    response = client.post(
        reverse("web:assessment_submit", kwargs={"pk": draft.pk}),
        form_data(draft, **{"met-1.1": "1", "value-2.1": "80"}),
    )
    assert response.status_code == 200
    missing = re.search(r'data-testid="missing".*?</ul>', response.content.decode(), re.DOTALL).group()
    assert re.findall(r'href="#(ind-[\w-]+)"', missing) == ["ind-1-2", "ind-2-2", "ind-3"]
    # Their criteria are open; criterion 1's answered 1.1 was saved on the way.
    assertContains(response, 'id="crit-body-1" class="accordion-collapse collapse show"')
    assertContains(response, 'id="crit-body-3" class="accordion-collapse collapse show"')
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert results(draft)["1.1"][1] is True


def test_submitting_a_complete_form_saves_it_and_sends_it(client, draft, staff):
    response = client.post(reverse("web:assessment_submit", kwargs={"pk": draft.pk}), form_data(draft, **ALL_MET))
    assertRedirects(response, reverse("web:assessment", kwargs={"pk": draft.pk}), fetch_redirect_response=False)
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_by, draft.criteria_met) == (Status.SUBMITTED, staff, 3)


def test_submitting_an_invalid_form_sends_nothing(client, draft, staff):
    response = client.post(
        reverse("web:assessment_submit", kwargs={"pk": draft.pk}), form_data(draft, **{**ALL_MET, "value-2.1": "x"})
    )
    assertContains(response, "không phải là số")
    draft.refresh_from_db()
    assert (draft.status, draft.revision) == (Status.DRAFT, 1)


# Who may edit


def test_an_approved_assessments_form_is_refused(client, tree, cast, cs, staff):
    approved = make_approved(cast, cs, tree.a)
    response = client.get(edit_url(approved))
    assertRedirects(response, reverse("web:assessment", kwargs={"pk": approved.pk}), fetch_redirect_response=False)
    response = client.post(edit_url(approved), form_data(approved, **{**ALL_MET, "met-1.1": "0"}), follow=True)
    assertContains(response, "Đánh giá đã được duyệt nên không thể sửa.")
    assert results(approved)["1.1"][1] is True
    preview = client.post(reverse("web:assessment_preview", kwargs={"pk": approved.pk}), form_data(approved))
    assert preview.status_code == 403


def test_another_communes_form_is_a_404_and_a_viewers_is_a_403(client, tree, cast, cs, draft):
    other = make_draft(cast, cs, tree.c, answers={})
    client.force_login(cast.staff)
    assert client.get(edit_url(other)).status_code == 404
    assert client.post(reverse("web:assessment_submit", kwargs={"pk": other.pk})).status_code == 404
    client.force_login(cast.viewer)
    assert client.get(edit_url(draft)).status_code == 403
    assert client.post(edit_url(draft), form_data(draft, **ALL_MET)).status_code == 403
    assert results(draft)["1.1"][1] is None


def test_the_forms_query_count_does_not_grow_with_the_number_of_indicators(client, tree, cast, staff):
    small = make_draft(cast, make_flow_set(), tree.a, answers={})
    big = make_draft(cast, make_big_set(19, 5), tree.a, answers={})
    counts = []
    for assessment in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(edit_url(assessment)).status_code == 200
        counts.append(len(queries))
    # session, user, memberships (scope and role check, read once), the assessment, its results,
    # their evidence files
    assert counts == [6, 6]


def test_the_my_page_query_count_does_not_grow_with_the_communes(client, tree, cast, cs):
    user = factories.make_user(unit=tree.h, role=Role.COMMUNE_STAFF)
    client.force_login(user)
    make_draft(cast, cs, tree.a)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("web:my_communes"))
    for i in range(4):
        commune = factories.make_unit(parent=tree.h, name=f"Xã {i}")
        services.assessment_create(commune=commune, criteria_set=cs, as_of=D)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("web:my_communes"))
    assert len(response.context["overviews"]) == 6
    assert len(many) == len(few)


def test_a_draft_saved_more_than_a_thousand_times_still_saves_from_its_form(client, draft, staff):
    # The revision travels in a hidden field; written "1.234" the Vietnamese way it would come back
    # as no number at all, and every save of a long-lived draft would be refused.
    type(draft).objects.filter(pk=draft.pk).update(revision=1234)
    page = client.get(edit_url(draft)).content.decode()
    seen = re.search(r'name="revision" value="([^"]*)"', page).group(1)
    assert seen == "1234"
    response = client.post(edit_url(draft), {"revision": seen, **ALL_MET})
    assertRedirects(response, edit_url(draft))
    draft.refresh_from_db()
    assert (draft.revision, draft.criteria_met) == (1235, 3)
