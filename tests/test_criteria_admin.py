"""The criteria admin: pages, the completeness panel, clone / publish / archive actions, frozen sets."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from assessments import services as assessment_services
from criteria.models import (
    FROZEN_MESSAGE,
    CriteriaSet,
    Criterion,
    Department,
    Indicator,
    SetStatus,
    SourceDocument,
)
from tests import factories
from tests.helpers import change_form_data

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"admin:criteria_{name}", args=args)


@pytest.fixture
def draft():
    """A draft set with a gap of every kind: a criterion without indicators, unverified, untargeted."""
    cs = factories.make_set(
        code="draft-set",
        status=SetStatus.DRAFT,
        stated_criteria_count=5,
        stated_indicator_count=9,
        criteria=[(1, "Quy hoạch", ["1.1", "1.2"]), (2, "Giao thông", ["2.1"]), (4, "Y tế", [])],
    )
    SourceDocument.objects.create(key="S1", url="https://example.gov.vn/qd318", description="QĐ 318")
    factories.make_numeric(cs, "2.1", value="70", variants=[{"region": "btb", "value": 60}])
    Indicator.objects.filter(criteria_set=cs, code="1.1").update(verified=True, sources="S1, S99 (báo chí)")
    Indicator.objects.filter(criteria_set=cs, code="1.2").update(confidence="low")
    return cs


@pytest.fixture
def frozen(tree):
    cs = factories.make_set(code="frozen-set")
    factories.make_numeric(cs, "2.1", value="70", variants=[{"region": "btb", "value": 60}])
    assessment_services.assessment_create(commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 1, 1))
    cs.refresh_from_db()
    assert cs.is_frozen
    return cs


def test_every_criteria_page_opens(admin_client, draft):
    Department.objects.create(code="yte", name="Trạm y tế")
    criterion = draft.criteria.get(number=1)
    indicator = draft.indicators.get(code="2.1")
    pages = [
        url("criteriaset_changelist"),
        url("criteriaset_change", draft.pk),
        url("criteriaset_add"),
        url("criteriaset_history", draft.pk),
        url("criterion_changelist"),
        url("criterion_change", criterion.pk),
        url("criterion_add"),
        url("indicator_changelist"),
        url("indicator_change", indicator.pk),
        url("indicator_add"),
        url("department_changelist"),
        url("department_change", Department.objects.get().pk),
        url("sourcedocument_changelist"),
        url("sourcedocument_change", SourceDocument.objects.get().pk),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


def test_the_set_list_shows_counts_against_the_decision(admin_client, draft):
    response = admin_client.get(url("criteriaset_changelist"))
    row = response.context["cl"].result_list.get(pk=draft.pk)
    assert (row.criteria_count, row.indicator_count, row.verified_count) == (3, 3, 1)
    assert "3/5" in response.text and "3/9" in response.text


def test_the_list_filters_and_search_work(admin_client, draft, tree):
    factories.make_set(code="other-set", province=tree.p)
    assert admin_client.get(url("criteriaset_changelist"), {"status": "draft"}).context["cl"].result_count == 1
    assert admin_client.get(url("criteriaset_changelist"), {"q": "draft-set"}).context["cl"].result_count == 1
    response = admin_client.get(url("indicator_changelist"), {"verified__exact": "1"})
    assert [i.code for i in response.context["cl"].result_list] == ["1.1"]


def test_the_completeness_panel_lists_what_is_missing(admin_client, draft):
    html = admin_client.get(url("criteriaset_change", draft.pk)).text
    assert "<th>Tiêu chí trong bộ / theo quyết định</th><td>3 / 5</td>" in html
    assert "Tiêu chí chưa có chỉ tiêu (1)" in html and "4. Y tế" in html
    # 1.1 and 1.2 have no target; 2.1 has one (and a regional variant).
    assert "Chỉ tiêu chưa có ngưỡng (chưa lấy được từ văn bản) (2)" in html
    assert "Chỉ tiêu chưa kiểm chứng (2)" in html and "(thấp)" in html


def test_the_panel_links_each_source_to_its_document(admin_client, draft):
    html = admin_client.get(url("criteriaset_change", draft.pk)).text
    assert '<a href="https://example.gov.vn/qd318" title="QĐ 318" target="_blank" rel="noopener">S1</a>' in html
    assert ", S99 (báo chí)" in html


def test_the_indicator_page_shows_provenance_pretty_printed(admin_client, draft):
    indicator = draft.indicators.get(code="1.1")
    Indicator.objects.filter(pk=indicator.pk).update(provenance={"quote": "tỷ lệ ≥ 80%"})
    html = admin_client.get(url("indicator_change", indicator.pk)).text
    assert escape('"quote": "tỷ lệ ≥ 80%"') in html
    assert 'name="provenance"' not in html


def _action(client, action, *sets, **extra):
    data = {"action": action, "_selected_action": [cs.pk for cs in sets], **extra}
    return client.post(url("criteriaset_changelist"), data, follow=True)


def test_clone_action_creates_a_draft_version_and_opens_it(admin_client, frozen):
    response = _action(admin_client, "clone_version", frozen)
    clone = CriteriaSet.objects.get(code="frozen-set-v2")
    assert response.redirect_chain[-1][0] == url("criteriaset_change", clone.pk)
    assert clone.status == SetStatus.DRAFT and clone.indicators.count() == 5


def test_provincial_clone_action_uses_the_province_in_the_action_bar(admin_client, frozen, tree):
    _action(admin_client, "clone_for_province", frozen, province_code="42", era="pre2025")
    variant = CriteriaSet.objects.get(code="frozen-set-42")
    assert variant.province == tree.p and variant.derived_from == frozen


def test_provincial_clone_without_a_province_says_so_and_creates_nothing(admin_client, frozen):
    response = _action(admin_client, "clone_for_province", frozen, province_code="", era="pre2025")
    assert "Hãy nhập mã tỉnh" in response.text
    assert CriteriaSet.objects.count() == 1


def test_provincial_clone_with_an_unknown_province_says_so(admin_client, frozen, tree):
    response = _action(admin_client, "clone_for_province", frozen, province_code="443", era="pre2025")
    assert "Không có tỉnh mã 443" in response.text
    assert CriteriaSet.objects.count() == 1


def test_clone_action_reports_a_code_clash(admin_client, frozen):
    factories.make_set(code="frozen-set-v2", criteria=[])
    response = _action(admin_client, "clone_version", frozen)
    assert "Đã có bộ tiêu chí mã “frozen-set-v2”" in response.text
    assert CriteriaSet.objects.count() == 2


def test_publish_is_refused_for_a_set_with_an_empty_criterion(admin_client, draft):
    response = _action(admin_client, "publish", draft)
    assert "Chưa công bố được bộ tiêu chí draft-set: tiêu chí 4 chưa có chỉ tiêu." in response.text
    draft.refresh_from_db()
    assert draft.status == SetStatus.DRAFT


def test_publish_publishes_a_complete_draft(admin_client):
    cs = factories.make_set(status=SetStatus.DRAFT)
    response = _action(admin_client, "publish", cs)
    cs.refresh_from_db()
    assert cs.status == SetStatus.PUBLISHED and f"Đã công bố bộ tiêu chí {cs.code}." in response.text


def test_archive_works_on_a_frozen_set(admin_client, frozen):
    _action(admin_client, "archive", frozen)
    frozen.refresh_from_db()
    assert frozen.status == SetStatus.ARCHIVED


def test_a_frozen_set_can_be_archived_from_its_own_page(admin_client, frozen):
    data = {"CHANGE_FORM-action": "archive", "_selected_action": frozen.pk}
    admin_client.post(url("criteriaset_change", frozen.pk), data)
    frozen.refresh_from_db()
    assert frozen.status == SetStatus.ARCHIVED


def test_a_frozen_set_page_warns_and_is_read_only(admin_client, frozen):
    response = admin_client.get(url("criteriaset_change", frozen.pk))
    assert str(FROZEN_MESSAGE) in response.text
    assert 'name="name"' not in response.text and 'name="criteria-0-name"' not in response.text
    assert 'name="_save"' not in response.text


def test_a_criterion_name_change_is_saved_on_a_draft(admin_client, draft):
    criterion = draft.criteria.get(number=1)
    data = change_form_data(admin_client.get(url("criterion_change", criterion.pk))) | {"name": "Quy hoạch mới"}
    assert admin_client.post(url("criterion_change", criterion.pk), data).status_code == 302
    criterion.refresh_from_db()
    assert criterion.name == "Quy hoạch mới"


def test_a_criterion_name_change_on_a_frozen_set_is_refused(admin_client, frozen):
    criterion = frozen.criteria.get(number=1)
    draft_like = {
        "name": "Quy hoạch mới",
        "number": "1",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
        "_save": "Lưu",
    }
    response = admin_client.post(url("criterion_change", criterion.pk), draft_like, follow=True)
    assert "Thay đổi chưa được lưu." in response.text and str(FROZEN_MESSAGE) in response.text
    criterion.refresh_from_db()
    assert criterion.name == "Quy hoạch"


def test_a_criterion_name_change_through_the_frozen_set_page_is_refused(admin_client, frozen):
    criterion = frozen.criteria.get(number=1)
    data = {
        "name": frozen.name,
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "1",
        "criteria-0-id": criterion.pk,
        "criteria-0-criteria_set": frozen.pk,
        "criteria-0-number": "1",
        "criteria-0-name": "Quy hoạch mới",
        "_save": "Lưu",
    }
    response = admin_client.post(url("criteriaset_change", frozen.pk), data, follow=True)
    assert str(FROZEN_MESSAGE) in response.text
    criterion.refresh_from_db()
    assert criterion.name == "Quy hoạch"


def test_an_indicator_target_change_is_saved_on_a_draft(admin_client, draft):
    indicator = draft.indicators.get(code="2.1")
    data = change_form_data(admin_client.get(url("indicator_change", indicator.pk)))
    data |= {"target_value": "75", "targets-0-value": "65"}
    assert admin_client.post(url("indicator_change", indicator.pk), data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal("75") and indicator.targets.get().value == Decimal("65")


def test_an_indicator_target_change_on_a_frozen_set_is_refused(admin_client, frozen):
    indicator = frozen.indicators.get(code="2.1")
    variant = indicator.targets.get()
    data = {
        "code": "2.1",
        "kind": "numeric",
        "operator": ">=",
        "target_value": "50",
        "name": "x",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "1",
        "targets-0-id": variant.pk,
        "targets-0-indicator": indicator.pk,
        "targets-0-region": "btb",
        "targets-0-value": "10",
        "_save": "Lưu",
    }
    response = admin_client.post(url("indicator_change", indicator.pk), data, follow=True)
    assert "Thay đổi chưa được lưu." in response.text and str(FROZEN_MESSAGE) in response.text
    indicator.refresh_from_db()
    variant.refresh_from_db()
    assert (indicator.target_value, variant.value) == (Decimal("70"), Decimal("60"))


def test_adding_a_criterion_to_a_frozen_set_is_refused_with_the_message(admin_client, frozen):
    data = {
        "criteria_set": frozen.pk,
        "number": "9",
        "name": "Mới",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
        "_save": "Lưu",
    }
    response = admin_client.post(url("criterion_add"), data)
    assert response.status_code == 200 and str(FROZEN_MESSAGE) in response.text
    assert not Criterion.objects.filter(criteria_set=frozen, number=9).exists()


def test_adding_an_indicator_to_a_frozen_set_is_refused_with_the_message(admin_client, frozen):
    criterion = frozen.criteria.get(number=1)
    data = {
        "criterion": criterion.pk,
        "code": "1.9",
        "name": "Mới",
        "kind": "boolean",
        "position": "0",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "_save": "Lưu",
    }
    response = admin_client.post(url("indicator_add"), data)
    assert response.status_code == 200 and str(FROZEN_MESSAGE) in response.text
    assert not Indicator.objects.filter(criteria_set=frozen, code="1.9").exists()


def test_a_duplicate_indicator_code_in_the_set_is_a_form_error(admin_client, draft):
    criterion = draft.criteria.get(number=1)
    data = change_form_data(admin_client.get(url("criterion_change", criterion.pk))) | {"indicators-1-code": "2.1"}
    response = admin_client.post(url("criterion_change", criterion.pk), data)
    assert response.status_code == 200 and "Bộ tiêu chí đã có chỉ tiêu mã 2.1." in response.text
    assert list(criterion.indicators.values_list("code", flat=True).order_by("code")) == ["1.1", "1.2"]


def test_a_duplicate_criterion_number_is_a_form_error(admin_client, draft):
    criterion = draft.criteria.get(number=1)
    data = change_form_data(admin_client.get(url("criterion_change", criterion.pk))) | {"number": "2"}
    response = admin_client.post(url("criterion_change", criterion.pk), data)
    assert response.status_code == 200 and "Bộ tiêu chí đã có tiêu chí số 2." in response.text


def test_a_frozen_indicator_page_shows_its_variants_read_only(admin_client, frozen):
    indicator = frozen.indicators.get(code="2.1")
    response = admin_client.get(url("indicator_change", indicator.pk))
    assert str(FROZEN_MESSAGE) in response.text and "Bắc Trung Bộ" in response.text
    assert 'name="targets-0-value"' not in response.text and 'name="target_value"' not in response.text


def _new_set_data(*criteria):
    data = {
        "code": "new-set",
        "name": "Bộ mới",
        "level": "ntm",
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": "0",
        "_save": "Lưu",
    }
    for i, (number, name) in enumerate(criteria):
        data |= {f"criteria-{i}-number": str(number), f"criteria-{i}-name": name}
    return data


def test_a_new_set_is_added_as_a_draft_with_its_criteria(admin_client):
    response = admin_client.post(url("criteriaset_add"), _new_set_data((1, "Quy hoạch"), (2, "Giao thông")))
    assert response.status_code == 302
    cs = CriteriaSet.objects.get(code="new-set")
    assert cs.status == SetStatus.DRAFT and list(cs.criteria.values_list("number", flat=True)) == [1, 2]


def test_a_repeated_criterion_number_in_one_save_is_a_form_error(admin_client):
    response = admin_client.post(url("criteriaset_add"), _new_set_data((1, "Quy hoạch"), (1, "Giao thông")))
    assert response.status_code == 200 and not CriteriaSet.objects.filter(code="new-set").exists()


def test_a_repeated_indicator_code_in_one_save_is_a_form_error(admin_client, draft):
    criterion = draft.criteria.get(number=4)
    data = change_form_data(admin_client.get(url("criterion_change", criterion.pk)))
    data |= {"indicators-TOTAL_FORMS": "2"}
    for i in range(2):
        data |= {
            f"indicators-{i}-code": "4.1",
            f"indicators-{i}-name": "Y tế",
            f"indicators-{i}-kind": "boolean",
            f"indicators-{i}-position": str(i),
        }
    response = admin_client.post(url("criterion_change", criterion.pk), data)
    assert response.status_code == 200 and "Mã chỉ tiêu 4.1 bị lặp." in response.text
    assert not criterion.indicators.exists()


def test_the_set_list_takes_the_same_number_of_queries_for_more_sets(admin_client, draft):
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url("criteriaset_changelist"))
    factories.make_set()
    factories.make_set(status=SetStatus.ARCHIVED)
    with CaptureQueriesContext(connection) as three:
        admin_client.get(url("criteriaset_changelist"))
    assert len(three) == len(one)
