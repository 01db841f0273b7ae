"""The report sentence as district reports write it (issue 12, item 4), on each path that stores or shows
it: the services' stored summary, the API (summary, detail, submit), the entry and commune pages."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from criteria.models import Indicator, IndicatorKind
from tests import factories
from tests.factories import ANSWERS, D, make_approved, make_draft, make_flow_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def textual():
    """The flow set with 2.1 numeric but its target only a text: a value entered can't be judged."""
    cs = make_flow_set(code="chu", name="Bộ có ngưỡng bằng chữ")
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(
        kind=IndicatorKind.NUMERIC, operator="", target_value=None, target_text="Theo hướng dẫn của tỉnh"
    )
    return cs


def test_a_value_without_an_applicable_target_is_undetermined_not_unmet(tree, cast, textual):
    a = make_draft(cast, textual, tree.a)
    a.refresh_from_db()
    assert a.results.get(indicator__code="2.1").met is None
    assert a.undetermined == [{"number": 2, "name": "Giao thông", "codes": ["2.1"]}]
    assert a.unmet == [{"number": 1, "name": "Quy hoạch", "codes": ["1.2"], "single": False, "total": 2}]
    assert a.sentence("vi") == (
        "đạt 1/3 tiêu chí, 3/5 chỉ tiêu xây dựng NTM. Các tiêu chí, chỉ tiêu NTM chưa đạt, gồm: tiêu chí quy hoạch "
        "(chỉ tiêu 1.2). 1 chỉ tiêu chưa xác định được (chưa có ngưỡng áp dụng): 2.1."
    )


def test_the_api_summary_lists_undetermined_apart_from_unmet(client, tree, cast, textual):
    make_approved(cast, textual, tree.a)
    client.force_login(cast.reviewer)
    body = client.get(f"/api/v1/units/pre2025/18436/summary/?set={textual.code}").json()
    assert body["undetermined"] == [{"number": 2, "name": "Giao thông", "codes": ["2.1"]}]
    assert body["unmet"] == [{"number": 1, "name": "Quy hoạch", "codes": ["1.2"]}]
    assert body["met"] == [{"number": 3, "name": "Thu nhập"}]
    assert body["sentence_met"] == (
        "đạt 1/3 tiêu chí xã NTM gồm: thu nhập. 1 chỉ tiêu chưa xác định được (chưa có ngưỡng áp dụng): 2.1."
    )
    detail = client.get(f"/api/v1/assessments/{body['assessment_id']}/").json()
    assert detail["undetermined"] == body["undetermined"]


def test_the_api_submit_warns_but_does_not_block_on_undetermined_indicators(client, tree, cast, textual):
    a = make_draft(cast, textual, tree.a)
    client.force_login(cast.staff)
    response = client.post(
        f"/api/v1/assessments/{a.pk}/submit/", {"revision": a.revision}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["warnings"] == [
        "1 chỉ tiêu chưa xác định được (chưa có ngưỡng áp dụng): 2.1. Đánh giá vẫn được gửi; "
        "người thẩm định sẽ thấy các chỉ tiêu này riêng."
    ]


def test_the_api_submit_has_no_warning_when_everything_is_determined(client, tree, cast):
    a = make_draft(cast, make_flow_set(), tree.a)
    client.force_login(cast.staff)
    body = client.post(
        f"/api/v1/assessments/{a.pk}/submit/", {"revision": a.revision}, content_type="application/json"
    ).json()
    assert (body["status"], body["warnings"]) == ("submitted", [])


def test_the_submit_page_warns_but_submits(client, tree, cast, textual):
    a = make_draft(cast, textual, tree.a)
    client.force_login(cast.staff)
    response = client.post(reverse("web:assessment_submit", kwargs={"pk": a.pk}), {"revision": a.revision}, follow=True)
    a.refresh_from_db()
    assert a.status == "submitted"
    assert "1 chỉ tiêu chưa xác định được (chưa có ngưỡng áp dụng): 2.1." in response.content.decode()


def test_the_stored_sentence_names_a_wholly_failed_criterion_alone_and_the_level(tree, cast):
    cs = make_flow_set(level="ntm_nang_cao")
    a = make_draft(cast, cs, tree.a, answers=ANSWERS | {"1.1": {"met": False}, "2.1": {"value": "10"}})
    a.refresh_from_db()
    assert a.unmet[0] == {"number": 1, "name": "Quy hoạch", "codes": ["1.1", "1.2"], "single": False, "total": 2}
    assert a.sentence("vi") == (
        "đạt 1/3 tiêu chí, 2/5 chỉ tiêu xây dựng NTM nâng cao. Các tiêu chí, chỉ tiêu NTM nâng cao chưa đạt, gồm: "
        "tiêu chí quy hoạch; tiêu chí giao thông (chỉ tiêu 2.1)."
    )


def test_a_criterion_named_tieu_chi_is_not_doubled_in_the_stored_sentence(tree, cast):
    cs = factories.make_set(criteria=[(1, "Tiêu chí quy hoạch", ["1.1", "1.2"]), (2, "Giao thông", ["2"])])
    a = services.assessment_create(commune=tree.a, criteria_set=cs, as_of=D)
    services.indicator_results_update(
        assessment=a, entries={"1.1": {"met": False}, "1.2": {"met": True}, "2": {"met": True}}
    )
    a = Assessment.objects.get(pk=a.pk)
    assert "tiêu chí tiêu chí" not in a.sentence("vi").lower()
    assert a.sentence("vi").endswith("gồm: tiêu chí quy hoạch (chỉ tiêu 1.1).")


def test_the_commune_page_uses_the_met_form_when_it_is_shorter(client, tree, cast):
    cs = make_flow_set()
    make_approved(cast, cs, tree.a, answers=ANSWERS | {"1.1": {"met": False}, "2.2": {"met": False}})
    client.force_login(cast.viewer)
    html = client.get(reverse("web:unit", kwargs={"era": tree.a.era, "code": tree.a.code})).content.decode()
    assert '<p class="mb-2 mt-2" data-testid="sentence">đạt 1/3 tiêu chí xã NTM gồm: thu nhập.</p>' in html


def test_the_heatmap_and_holdbacks_count_a_criterion_with_undetermined_indicators_as_not_met():
    from types import SimpleNamespace

    from dashboards import figures

    summary = {
        "criteria_met": 1,
        "criteria_total": 3,
        "unmet": [{"number": 1, "name": "Quy hoạch", "codes": ["1.2"]}],
        "undetermined": [{"number": 2, "name": "Giao thông", "codes": ["2.1"]}],
    }
    row = figures.DashboardRow(commune=None, summary=summary)
    criteria = [SimpleNamespace(number=n, name=str(n)) for n in (1, 2, 3)]
    assert figures.heatmap_cells(row, criteria) == [figures.UNMET, figures.UNMET, figures.MET]
    indicators = [SimpleNamespace(code=c, name=c, criterion=SimpleNamespace(number=int(c[0]))) for c in ("1.2", "2.1")]
    by_criterion, by_indicator = figures.holdbacks([row], criteria, indicators)
    assert {h.key: h.failing for h in by_criterion} == {"1": 1, "2": 1, "3": 0}
    assert {h.key: h.failing for h in by_indicator} == {"1.2": 1, "2.1": 0}
