"""Completing a 2026-2030 set (QĐ 51/2025 shape): targets by commune group typed one row per indicator in
the workbook and on the admin's indicator lines, checked against the decision's stated counts before publishing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from criteria import services
from criteria import workbook as io_
from criteria.models import CriteriaSet, Indicator, IndicatorTarget, SetStatus
from criteria.targets import parse_target_cell
from tests import factories
from tests.helpers import (
    QD51,
    change_form_data,
    criteria_as_file,
    criteria_counts,
    criteria_refused,
    fill_qd51_workbook,
    load_criteria,
    problems,
    snapshot,
    workbook_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def qd51_draft(tree):
    load_criteria(QD51)
    official = CriteriaSet.objects.get(code="qd51-ntm-2026-2030")
    return services.criteria_set_clone(source=official, by=None, province=tree.p)


@pytest.mark.parametrize(
    ("typed", "default", "parsed"),
    [
        ("≥ 80%", "", (">=", Decimal("80.000"), "")),
        ("<=5", "", ("<=", Decimal("5.000"), "")),
        ("70,5", ">=", (">=", Decimal("70.500"), "")),
        (80, ">=", (">=", Decimal("80.000"), "")),
        ("Đạt", "", ("", None, "Đạt")),
        ("", ">=", ("", None, "")),
        (None, "", ("", None, "")),
    ],
)
def test_a_typed_target_cell_is_read_as_operator_value_or_words(typed, default, parsed):
    assert parse_target_cell(typed, default_operator=default) == parsed


@pytest.mark.parametrize("typed", ["80", "≥ nhiều"])
def test_a_bare_number_without_an_operator_or_an_operator_without_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_target_cell(typed, default_operator="")


def test_the_workbook_of_a_group_set_has_one_column_per_group(qd51_draft):
    ws = workbook_of(qd51_draft)[io_.INDICATORS_SHEET]
    keys = [ws.cell(1, c).value for c in range(1, ws.max_column + 1)]
    assert keys[-3:] == ["nhom1", "nhom2", "nhom3"]
    assert workbook_of(qd51_draft)[io_.SET_SHEET]["B1"].value == "2"


def test_a_filled_workbook_completes_the_draft_with_47_indicators_and_141_group_targets(qd51_draft):
    result = io_.criteria_set_import(criteria_as_file(fill_qd51_workbook(qd51_draft)), update=qd51_draft)
    assert result.ok, problems(result)
    assert Indicator.objects.filter(criteria_set=qd51_draft).count() == 47
    targets = IndicatorTarget.objects.filter(indicator__criteria_set=qd51_draft)
    assert targets.count() == 141 and not targets.exclude(region="", year=0).exists()
    t = targets.get(indicator__code="1.1", commune_group="nhom3")
    assert (t.operator, t.value, t.unit) == (">=", Decimal("70.5"), "%")
    assert targets.get(indicator__code="1.1", commune_group="nhom2").operator == ">"
    assert targets.get(indicator__code="1.2", commune_group="nhom1").text == "Đạt"
    assert services.criteria_set_count_problems(qd51_draft) == []


def test_group_columns_come_back_the_same(qd51_draft):
    io_.criteria_set_import(criteria_as_file(fill_qd51_workbook(qd51_draft)), update=qd51_draft)
    again = services.criteria_set_clone(source=qd51_draft, by=None)
    result = io_.criteria_set_import(criteria_as_file(workbook_of(qd51_draft)), update=again)
    assert result.ok, problems(result)
    assert snapshot(again)["indicators"] == snapshot(qd51_draft)["indicators"]
    assert not workbook_of(qd51_draft)[io_.TARGETS_SHEET].cell(io_.FIRST_ROW, 1).value  # all in the group columns


def test_a_format_1_workbook_without_group_columns_still_imports(qd51_draft):
    wb = fill_qd51_workbook(qd51_draft)
    ws = wb[io_.INDICATORS_SHEET]
    ws.delete_cols(ws.max_column - 2, 3)
    result = io_.criteria_set_import(criteria_as_file(wb), update=qd51_draft)
    assert result.ok, problems(result)
    assert result.counts["indicators"] == 47 and result.counts["targets"] == 0


def test_a_bad_group_cell_is_reported_with_its_cell_and_nothing_is_written(qd51_draft):
    wb = fill_qd51_workbook(qd51_draft)
    ws = wb[io_.INDICATORS_SHEET]
    column = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "nhom2")
    ws.cell(io_.FIRST_ROW + 1, column, "75")  # 1.2 is yes/no: no operator to borrow
    result = criteria_refused(criteria_as_file(wb), update=qd51_draft)
    ((sheet, cell, message),) = problems(result)
    assert (sheet, cell) == (io_.INDICATORS_SHEET, f"{ws.cell(1, column).column_letter}{io_.FIRST_ROW + 1}")
    assert "cần phép so sánh" in message


def test_a_group_target_typed_twice_is_a_clash(qd51_draft):
    wb = fill_qd51_workbook(qd51_draft)
    ws = wb[io_.TARGETS_SHEET]
    for col, value in enumerate(["1.1", None, "nhom1", 0, ">=", 95, None, "%"], start=1):
        ws.cell(io_.FIRST_ROW, col, value)
    result = criteria_refused(criteria_as_file(wb), update=qd51_draft)
    assert [(p[0], p[1]) for p in problems(result)] == [(io_.TARGETS_SHEET, f"A{io_.FIRST_ROW}")]


def test_publishing_short_of_the_stated_counts_needs_a_confirmation_naming_the_gap(qd51_draft):
    assert (qd51_draft.stated_criteria_count, qd51_draft.stated_indicator_count) == (10, 47)
    wb = fill_qd51_workbook(qd51_draft)
    wb[io_.INDICATORS_SHEET].delete_rows(io_.FIRST_ROW + 46)  # 46 indicators, every criterion still filled
    assert io_.criteria_set_import(criteria_as_file(wb), update=qd51_draft).ok
    with pytest.raises(ValidationError, match="46/47") as criteria_refused:
        services.criteria_set_publish(criteria_set=qd51_draft, by=None)
    assert criteria_refused.value.code == "needs_confirmation"
    qd51_draft.refresh_from_db()
    assert qd51_draft.status == SetStatus.DRAFT
    io_.criteria_set_import(criteria_as_file(fill_qd51_workbook(qd51_draft)), update=qd51_draft)
    services.criteria_set_publish(criteria_set=qd51_draft, by=None)
    assert qd51_draft.status == SetStatus.PUBLISHED


def test_the_panel_shows_the_count_gap_and_the_indicators_lacking_a_group(admin_client, qd51_draft):
    cs = qd51_draft
    criterion = cs.criteria.get(number=1)
    Indicator.objects.create(criterion=criterion, code="1.1", name="Thử", kind="numeric")
    page = admin_client.get(reverse("admin:criteria_criteriaset_change", args=[cs.pk])).text
    assert "Chênh lệch với số liệu quyết định nêu (1)" in page and "bộ có 1 chỉ tiêu, quyết định nêu 47" in page
    assert "Chỉ tiêu thiếu ngưỡng theo nhóm xã (1)" in page and "Nhóm 1, Nhóm 2, Nhóm 3" in page


def test_the_criterion_page_types_an_indicator_with_its_three_group_targets(admin_client, qd51_draft):
    criterion = qd51_draft.criteria.get(number=2)
    change = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    data = change_form_data(admin_client.get(change))
    data |= {
        "indicators-TOTAL_FORMS": "1",
        "indicators-0-code": "2.1",
        "indicators-0-name": "Thử",
        "indicators-0-position": "1",
        "indicators-0-kind": "numeric",
        "indicators-0-unit": "%",
        "indicators-0-nhom1": "≥95",
        "indicators-0-nhom2": ">=85",
        "indicators-0-nhom3": "Đạt",
    }
    assert admin_client.post(change, data).status_code == 302
    targets = {
        t.commune_group: (t.operator, t.value, t.text)
        for t in IndicatorTarget.objects.filter(indicator__criteria_set=qd51_draft)
    }
    assert targets == {
        "nhom1": (">=", Decimal("95"), ""),
        "nhom2": (">=", Decimal("85"), ""),
        "nhom3": ("", None, "Đạt"),
    }
    page = admin_client.get(change).text
    assert 'value="≥95"' in page and 'value="Đạt"' in page
    data = change_form_data(admin_client.get(change)) | {"indicators-0-nhom3": ""}
    assert admin_client.post(change, data).status_code == 302
    assert not IndicatorTarget.objects.filter(commune_group="nhom3").exists()


def test_a_bad_group_cell_on_the_criterion_page_is_a_form_error(admin_client, qd51_draft):
    criterion = qd51_draft.criteria.get(number=2)
    change = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    data = change_form_data(admin_client.get(change))
    data |= {
        "indicators-TOTAL_FORMS": "1",
        "indicators-0-code": "2.1",
        "indicators-0-name": "Thử",
        "indicators-0-position": "1",
        "indicators-0-kind": "boolean",
        "indicators-0-nhom1": "90",
    }
    before = criteria_counts()
    response = admin_client.post(change, data)
    assert response.status_code == 200 and "cần phép so sánh" in response.text and criteria_counts() == before


def test_a_2021_2025_criterion_page_has_no_group_columns(admin_client):
    cs = factories.make_set(status=SetStatus.DRAFT, period_start=2021, period_end=2025)
    page = admin_client.get(reverse("admin:criteria_criterion_change", args=[cs.criteria.first().pk])).text
    assert "indicators-0-nhom1" not in page and "indicators-0-code" in page


def test_the_set_page_types_indicators_of_any_criterion_with_their_group_targets(admin_client, qd51_draft):
    change = reverse("admin:criteria_criteriaset_change", args=[qd51_draft.pk])
    page = admin_client.get(change)
    assert "chỉ tiêu và ngưỡng theo nhóm xã" in page.text.lower()
    data = change_form_data(page)
    rows = [("1", "1.1", "numeric", "%", "≥90", "≥80", "≥70"), ("10", "10.1", "boolean", "", "Đạt", "Đạt", "Đạt")]
    for i, (criterion, code, kind, unit, g1, g2, g3) in enumerate(rows):
        data |= {
            f"indicators-{i}-criterion": str(qd51_draft.criteria.get(number=int(criterion)).pk),
            f"indicators-{i}-code": code,
            f"indicators-{i}-name": f"Thử {code}",
            f"indicators-{i}-position": "1",
            f"indicators-{i}-kind": kind,
            f"indicators-{i}-unit": unit,
            f"indicators-{i}-nhom1": g1,
            f"indicators-{i}-nhom2": g2,
            f"indicators-{i}-nhom3": g3,
        }
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Indicator.objects.get(criteria_set=qd51_draft, code="10.1").criterion.number == 10
    assert IndicatorTarget.objects.filter(indicator__criteria_set=qd51_draft).count() == 6
    again = admin_client.get(change).text
    assert 'value="≥70"' in again and "bộ có 2 chỉ tiêu, quyết định nêu 47" in again


def test_the_set_page_offers_only_the_sets_own_criteria(admin_client, qd51_draft):
    other = factories.make_set(status=SetStatus.DRAFT, period_start=2026, criteria=[(1, "Tiêu chí khác", [])])
    page = admin_client.get(reverse("admin:criteria_criteriaset_change", args=[qd51_draft.pk]))
    formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "indicators").formset
    choices = set(formset.forms[0].fields["criterion"].queryset)
    assert choices == set(qd51_draft.criteria.all()) and not set(other.criteria.all()) & choices


def test_a_2021_2025_set_page_has_no_indicator_lines(admin_client):
    cs = factories.make_set(status=SetStatus.DRAFT, period_start=2021, period_end=2025)
    page = admin_client.get(reverse("admin:criteria_criteriaset_change", args=[cs.pk])).text
    assert "indicators-TOTAL_FORMS" not in page


def test_group_targets_edited_on_a_used_draft_recompute_its_open_assessments(
    admin_client, qd51_draft, django_capture_on_commit_callbacks
):
    from jobs.models import Job

    criterion = qd51_draft.criteria.get(number=1)
    indicator = Indicator.objects.create(criterion=criterion, code="1.1", name="Thử", kind="numeric", unit="%")
    IndicatorTarget.objects.create(indicator=indicator, commune_group="nhom1", operator=">=", value=90, unit="%")
    CriteriaSet.objects.filter(pk=qd51_draft.pk).update(in_use=True)
    change = reverse("admin:criteria_criteriaset_change", args=[qd51_draft.pk])
    data = change_form_data(admin_client.get(change)) | {"indicators-0-nhom1": "≥85"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(change, data).status_code == 302
    assert IndicatorTarget.objects.get(indicator=indicator).value == Decimal("85")
    assert Job.objects.get().params == {"set": qd51_draft.code}
