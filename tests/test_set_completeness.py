"""Never "Đạt chuẩn" on an incomplete set (issue 12, item 3): the completeness rule, the stored summary,
and the note next to every x/N on each path (API, commune page, review and entry pages, dashboards,
print report, xlsx); publishing an incomplete set needs a confirmation that names what is missing."""

import importlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Assessment
from criteria import services as criteria_services
from criteria.completeness import set_gaps
from criteria.models import Criterion, Indicator, IndicatorKind, SetStatus
from tests import factories
from tests.factories import ANSWERS, make_approved, make_draft, make_flow_set

pytestmark = pytest.mark.django_db

ALL_MET = ANSWERS | {"1.2": {"met": True}}
NOTE = "bộ tiêu chí chưa đầy đủ: 5/6 chỉ tiêu"
HELD = "Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)"


@pytest.fixture
def incomplete():
    """The flow set (5 indicators) whose decision states 6: like QĐ 318 NTM's 56 of 57."""
    return make_flow_set(code="thieu", name="Bộ thiếu", stated_indicator_count=6, stated_criteria_count=3)


# The rule


def test_a_set_holding_fewer_indicators_than_stated_is_incomplete(incomplete):
    gaps = set_gaps(incomplete)
    assert not gaps.complete and (gaps.indicators_held, gaps.indicators_stated) == (5, 6)
    assert gaps.describe() == ["có 5/6 chỉ tiêu theo quyết định"]


def test_a_numeric_indicator_without_any_target_makes_the_set_incomplete():
    cs = make_flow_set(stated_indicator_count=5)
    assert set_gaps(cs).complete
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(operator="", target_value=None)
    assert set_gaps(cs).targets_missing == ("2.1",)
    assert not set_gaps(cs).complete


def test_a_yes_no_indicator_is_judged_by_its_answer_and_needs_no_target_text():
    cs = factories.make_set(stated_indicator_count=5)
    assert Indicator.objects.filter(criteria_set=cs, kind=IndicatorKind.BOOLEAN, target_text="").count() == 5
    assert set_gaps(cs).complete


# The stored summary and the API


def test_all_met_on_an_incomplete_set_does_not_meet_the_standard(tree, cast, incomplete):
    a = make_approved(cast, incomplete, tree.a, answers=ALL_MET)
    a.refresh_from_db()
    assert (a.criteria_met, a.criteria_total, a.indicators_met, a.indicators_total) == (3, 3, 5, 5)
    assert (a.set_complete, a.indicators_stated, a.meets_standard) == (False, 6, False)
    assert a.status_label == HELD
    assert a.sentence("vi") == f"đạt 3/3 tiêu chí, 5/5 chỉ tiêu xây dựng NTM ({NOTE})."


def test_all_met_on_a_complete_set_meets_the_standard(tree, cast):
    cs = make_flow_set(stated_indicator_count=5)
    a = make_approved(cast, cs, tree.a, answers=ALL_MET)
    a.refresh_from_db()
    assert a.set_complete and a.meets_standard and a.status_label == "Đạt chuẩn"


def test_the_api_summary_says_the_set_is_incomplete(client, tree, cast, incomplete):
    make_approved(cast, incomplete, tree.a, answers=ALL_MET)
    client.force_login(cast.reviewer)
    body = client.get(f"/api/v1/units/pre2025/18436/summary/?set={incomplete.code}").json()
    assert (body["set_complete"], body["indicators_stated"], body["meets_standard"]) == (False, 6, False)
    assert NOTE in body["sentence"] and NOTE in body["sentence_met"]


# The pages


def test_the_commune_page_notes_the_incomplete_set_and_never_says_dat_chuan(client, tree, cast, incomplete):
    make_approved(cast, incomplete, tree.a, answers=ALL_MET)
    client.force_login(cast.viewer)
    html = client.get(reverse("web:unit", kwargs={"era": tree.a.era, "code": tree.a.code})).content.decode()
    assert f"({NOTE})" in html and HELD in html
    assert ">Đạt chuẩn<" not in html


def test_the_review_page_notes_the_incomplete_set(client, tree, cast, incomplete):
    a = make_approved(cast, incomplete, tree.a, answers=ALL_MET)
    client.force_login(cast.reviewer)
    html = client.get(reverse("web:assessment", kwargs={"pk": a.pk})).content.decode()
    assert f"({NOTE})" in html and HELD in html and ">Đạt chuẩn<" not in html


def test_the_entry_page_counters_note_the_incomplete_set(client, tree, cast, incomplete):
    a = make_draft(cast, incomplete, tree.a, answers=ALL_MET)
    client.force_login(cast.staff)
    html = client.get(reverse("web:assessment_edit", kwargs={"pk": a.pk})).content.decode()
    assert f"({NOTE})" in html and HELD in html


def _dashboard(client, cast, tree, name, cs):
    client.force_login(cast.viewer)
    path = reverse(f"dashboards:{name}", kwargs={"era": tree.h.era, "code": tree.h.code})
    return client.get(f"{path}?set={cs.code}")


def test_the_dashboard_notes_the_incomplete_set_on_each_row_and_in_the_headline(client, tree, cast, incomplete):
    make_approved(cast, incomplete, tree.a, answers=ALL_MET)
    html = _dashboard(client, cast, tree, "unit", incomplete).content.decode()
    assert html.count(NOTE) == 2  # the headline and the row's x/N
    assert HELD in html and "Xã đạt các chỉ tiêu đã có (bộ chưa đầy đủ)" in html


def test_the_print_report_notes_the_incomplete_set(client, tree, cast, incomplete):
    make_approved(cast, incomplete, tree.a, answers=ALL_MET)
    html = _dashboard(client, cast, tree, "print", incomplete).content.decode()
    assert 'data-testid="row-set-incomplete">(' + NOTE in html and HELD in html
    assert f"5/5 chỉ tiêu xây dựng NTM ({NOTE})." in html


def test_the_xlsx_notes_the_incomplete_set_next_to_the_figures(client, tree, cast, incomplete):
    make_approved(cast, incomplete, tree.a, answers=ALL_MET)
    sheet = load_workbook(io.BytesIO(_dashboard(client, cast, tree, "xlsx", incomplete).content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    headers, row = rows[0], next(r for r in rows[1:] if r[1] == tree.a.name)
    assert row[headers.index("Trạng thái")] == HELD
    assert row[headers.index("Ghi chú")] == NOTE


# Publishing


def test_publishing_an_incomplete_set_needs_a_confirmation_naming_what_is_missing(cast, incomplete):
    incomplete.status = SetStatus.DRAFT
    incomplete.save()
    with pytest.raises(ValidationError) as exc:
        criteria_services.criteria_set_publish(criteria_set=incomplete, by=cast.superuser)
    assert exc.value.error_list[0].code == "needs_confirmation"
    assert "có 5/6 chỉ tiêu theo quyết định" in exc.value.messages[0]
    incomplete.refresh_from_db()
    assert incomplete.status == SetStatus.DRAFT
    criteria_services.criteria_set_publish(criteria_set=incomplete, by=cast.superuser, confirm_incomplete=True)
    incomplete.refresh_from_db()
    assert incomplete.status == SetStatus.PUBLISHED


def test_a_complete_set_publishes_without_a_confirmation(cast):
    cs = make_flow_set(status=SetStatus.DRAFT, stated_indicator_count=5)
    criteria_services.criteria_set_publish(criteria_set=cs, by=cast.superuser)
    cs.refresh_from_db()
    assert cs.status == SetStatus.PUBLISHED


def test_the_admin_publish_action_asks_to_confirm_then_publishes(client, cast, incomplete):
    incomplete.status = SetStatus.DRAFT
    incomplete.save()
    client.force_login(cast.superuser)
    changelist = reverse("admin:criteria_criteriaset_changelist")
    response = client.post(changelist, {"action": "publish", "_selected_action": [incomplete.pk]})
    assert response.status_code == 200
    assert "có 5/6 chỉ tiêu theo quyết định" in response.content.decode()
    incomplete.refresh_from_db()
    assert incomplete.status == SetStatus.DRAFT
    client.post(changelist, {"action": "publish", "_selected_action": [incomplete.pk], "confirm_incomplete": "1"})
    incomplete.refresh_from_db()
    assert incomplete.status == SetStatus.PUBLISHED


# The migration that backfills the stored summaries


def test_the_backfill_adds_totals_moves_undetermined_codes_and_marks_incomplete_sets():
    migration = importlib.import_module("assessments.migrations.0006_summary_undetermined_and_set_completeness")
    a = Assessment(
        criteria_met=3,
        criteria_total=3,
        meets_standard=True,
        unmet=[
            {"number": 2, "name": "Giao thông", "codes": ["2.1", "2.2"], "single": False},
            {"number": 14, "name": "Y tế", "codes": ["14.3"], "single": False},
        ],
    )
    migration._backfill_one(a, {"14.3"}, {1: 2, 2: 2, 14: 3}, complete=False, stated=57)
    assert a.unmet == [{"number": 2, "name": "Giao thông", "codes": ["2.1", "2.2"], "single": False, "total": 2}]
    assert a.undetermined == [{"number": 14, "name": "Y tế", "codes": ["14.3"]}]
    assert (a.set_complete, a.indicators_stated, a.meets_standard) == (False, 57, False)


def test_criteria_counts_stay_as_stated(incomplete):
    # The rule reads the criteria too: a set holding fewer criteria than stated is incomplete.
    incomplete.stated_indicator_count = 5
    incomplete.stated_criteria_count = 4
    assert not set_gaps(incomplete).complete
    assert set_gaps(incomplete).describe() == ["có 3/4 tiêu chí theo quyết định"]
    assert Criterion.objects.filter(criteria_set=incomplete).count() == 3


def test_the_backfill_reads_the_sets_completeness_as_the_rule_does(incomplete):
    from django.apps import apps

    migration = importlib.import_module("assessments.migrations.0006_summary_undetermined_and_set_completeness")
    complete, stated, totals = migration._set_facts(apps, incomplete)
    assert (complete, stated, totals) == (set_gaps(incomplete).complete, 6, {1: 2, 2: 2, 3: 1})


def test_the_backfill_runs_over_stored_assessments(tree, cast, incomplete):
    from django.apps import apps

    migration = importlib.import_module("assessments.migrations.0006_summary_undetermined_and_set_completeness")
    a = make_approved(cast, incomplete, tree.a, answers=ALL_MET)
    Assessment.objects.filter(pk=a.pk).update(set_complete=True, indicators_stated=None, meets_standard=True)
    migration.backfill(apps, None)
    a.refresh_from_db()
    assert (a.set_complete, a.indicators_stated, a.meets_standard) == (False, 6, False)
