"""The read-only JSON API: criteria sets, units by (era, code), commune summaries, scope and schema."""

import datetime

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from accounts.models import Role
from api import filters
from assessments.models import Status
from criteria.models import Criterion, Department, Indicator, SetLevel, SetStatus
from tests import factories
from tests.factories import make_assessment

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
EARLY, LATE = datetime.date(2023, 12, 31), datetime.date(2024, 6, 30)


@pytest.fixture
def yes_no_set():
    return factories.make_set(code="xa-ntm-test")


@pytest.fixture
def admin(db):
    return factories.make_user(is_superuser=True, is_staff=True)


@pytest.fixture
def reviewer(tree):
    """A reviewer of huyện H (pre-2025 era): communes A and B, not C, and nothing after the reform."""
    return factories.make_user(unit=tree.h, role=Role.REVIEWER)


def get(client, user, path, **params):
    client.force_login(user)
    return client.get(BASE + path, params)


def summary_path(unit):
    return f"/units/{unit.era}/{unit.code}/summary/"


# Criteria sets


def test_the_set_list_shows_each_set_with_counts_province_and_parent(client, tree):
    parent = factories.make_set(code="qd318-test", status=SetStatus.ARCHIVED)
    factories.make_set(
        code="ha-tinh-test",
        name="Bộ tiêu chí xã NTM tỉnh P",
        province=tree.p,
        derived_from=parent,
        version=2,
        decision_number="05/2022/QĐ-UBND",
        decision_date=datetime.date(2022, 4, 1),
        effective_date=datetime.date(2022, 4, 15),
        period_start=2021,
        period_end=2025,
    )
    body = get(client, factories.make_user(), "/criteria-sets/").json()
    assert body["count"] == 2
    row = next(r for r in body["results"] if r["code"] == "ha-tinh-test")
    assert row == {
        "code": "ha-tinh-test",
        "name": "Bộ tiêu chí xã NTM tỉnh P",
        "level": "ntm",
        "status": "published",
        "decision_number": "05/2022/QĐ-UBND",
        "decision_date": "2022-04-01",
        "effective_date": "2022-04-15",
        "period_start": 2021,
        "period_end": 2025,
        "province": {"era": "pre2025", "code": "42", "name": "Tỉnh P"},
        "derived_from": "qd318-test",
        "version": 2,
        "criteria_count": 3,
        "indicator_count": 5,
        "url": "http://testserver/api/v1/criteria-sets/ha-tinh-test/",
    }
    national = next(r for r in body["results"] if r["code"] == "qd318-test")
    assert (national["province"], national["derived_from"], national["status"]) == (None, None, "archived")


def test_the_set_list_filters_by_status_and_level(client):
    factories.make_set(code="published-ntm")
    factories.make_set(code="draft-ntm", status=SetStatus.DRAFT)
    factories.make_set(code="published-nc", level=SetLevel.NANG_CAO)
    user = factories.make_user()

    def codes(**params):
        return sorted(r["code"] for r in get(client, user, "/criteria-sets/", **params).json()["results"])

    assert codes(status="published") == ["published-nc", "published-ntm"]
    assert codes(status="published", level="ntm_nang_cao") == ["published-nc"]
    assert codes(status="draft") == ["draft-ntm"]
    assert get(client, user, "/criteria-sets/", status="bogus").status_code == 400


def test_the_set_tree_lists_criteria_indicators_and_target_variants(client):
    yes_no_set = factories.make_set(
        code="tree-test",
        criteria=[(1, "Quy hoạch", ["1.1", "1.2"]), (10, "Thu nhập", ["10"])],
        stated_criteria_count=19,
        stated_indicator_count=57,
        completeness="partial",
    )
    department = Department.objects.create(code="kt-ht", name="Phòng Kinh tế - Hạ tầng")
    Criterion.objects.filter(criteria_set=yes_no_set, number=1).update(
        department=department, group_number=1, group_name="Quy hoạch", name_verified=True, sources="S1"
    )
    Indicator.objects.filter(criteria_set=yes_no_set, code="1.1").update(
        verified=True, confidence="medium", sources="S1, Q2", note="Bảng 1", target_text="Đạt"
    )
    factories.make_numeric(
        yes_no_set,
        "10",
        value="48",
        unit="triệu đồng/người/năm",
        variants=[{"region": "btb", "year": 2025, "value": "52.5"}, {"region": "btb", "year": 2022, "value": 39}],
    )
    body = get(client, factories.make_user(), "/criteria-sets/tree-test/").json()
    assert (body["code"], body["criteria_count"], body["indicator_count"]) == ("tree-test", 2, 3)
    assert (body["stated_criteria_count"], body["stated_indicator_count"], body["completeness"]) == (19, 57, "partial")
    first, income = body["criteria"]
    assert {k: first[k] for k in ("number", "name", "group", "department", "name_verified", "sources")} == {
        "number": 1,
        "name": "Quy hoạch",
        "group": {"number": 1, "name": "Quy hoạch"},
        "department": {"code": "kt-ht", "name": "Phòng Kinh tế - Hạ tầng"},
        "name_verified": True,
        "sources": "S1",
    }
    assert [i["code"] for i in first["indicators"]] == ["1.1", "1.2"]
    keys = ("kind", "target_text", "verified", "confidence", "sources", "note")
    assert {k: first["indicators"][0][k] for k in keys} == {
        "kind": "boolean",
        "target_text": "Đạt",
        "verified": True,
        "confidence": "medium",
        "sources": "S1, Q2",
        "note": "Bảng 1",
    }
    assert (income["group"], income["department"]) == ({"number": None, "name": ""}, None)
    indicator = income["indicators"][0]
    assert {k: indicator[k] for k in ("code", "kind", "operator", "target_value", "unit")} == {
        "code": "10",
        "kind": "numeric",
        "operator": ">=",
        "target_value": "48",
        "unit": "triệu đồng/người/năm",
    }
    assert indicator["targets"] == [
        {
            "region": "btb",
            "commune_group": "",
            "year": 2022,
            "operator": ">=",
            "value": "39",
            "text": "",
            "unit": "triệu đồng/người/năm",
        },
        {
            "region": "btb",
            "commune_group": "",
            "year": 2025,
            "operator": ">=",
            "value": "52.5",
            "text": "",
            "unit": "triệu đồng/người/năm",
        },
    ]


def test_an_unknown_set_is_a_404_with_a_translated_detail(client):
    response = get(client, factories.make_user(), "/criteria-sets/no-such-set/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không có bộ tiêu chí mã “no-such-set”."}


# Units


def test_a_commune_shows_its_parent_and_its_successor_in_the_new_era(client, tree, admin):
    body = get(client, admin, "/units/pre2025/18436/").json()
    assert body == {
        "era": "pre2025",
        "code": "18436",
        "name": "Xã A",
        "kind": "xa",
        "level": 3,
        "region": "btb",
        "commune_group": "",
        "valid_from": None,
        "valid_to": "2025-06-30",
        "parent": {"era": "pre2025", "code": "443", "name": "Huyện H"},
        "children": [],
        "predecessors": [],
        "successors": [{"era": "2025", "code": "18436", "name": "Xã N", "partial": False, "effective": "2025-07-01"}],
        "url": "http://testserver/api/v1/units/pre2025/18436/",
    }


def test_the_same_code_in_two_eras_is_two_units(client, tree, admin):
    old = get(client, admin, "/units/pre2025/18436/").json()
    new = get(client, admin, "/units/2025/18436/").json()
    assert (old["name"], new["name"]) == ("Xã A", "Xã N")
    assert new["parent"] == {"era": "2025", "code": "42", "name": "Tỉnh P mới"}
    assert new["predecessors"] == [
        {"era": "pre2025", "code": "18436", "name": "Xã A", "partial": False, "effective": "2025-07-01"},
        {"era": "pre2025", "code": "18439", "name": "Xã B", "partial": True, "effective": "2025-07-01"},
    ]


def test_a_district_lists_its_communes(client, tree, reviewer):
    body = get(client, reviewer, "/units/pre2025/443/").json()
    assert body["children"] == [
        {"era": "pre2025", "code": "18436", "name": "Xã A", "kind": "xa"},
        {"era": "pre2025", "code": "18439", "name": "Xã B", "kind": "xa"},
    ]


def test_lineage_outside_the_users_scope_is_not_listed(client, tree, reviewer):
    body = get(client, reviewer, "/units/pre2025/18436/").json()
    assert body["successors"] == []


def test_an_unknown_era_or_code_is_a_404(client, tree, admin):
    assert get(client, admin, "/units/2030/18436/").status_code == 404
    response = get(client, admin, "/units/pre2025/99999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy đơn vị mã 99999 trong thời kỳ “pre2025”."}


def test_unit_search_requires_an_era(client, tree, admin):
    response = get(client, admin, "/units/", q="18436")
    assert response.status_code == 400
    assert response.json() == {"era": [str(filters.ERA_MESSAGE)]}
    assert "pre2025" in str(filters.ERA_MESSAGE)
    assert get(client, admin, "/units/", era="2030").json() == {"era": [str(filters.ERA_MESSAGE)]}


def test_unit_search_by_code_stays_within_the_era(client, tree, admin):
    def found(**params):
        return [(u["era"], u["code"], u["name"]) for u in get(client, admin, "/units/", **params).json()["results"]]

    assert found(era="pre2025", q="18436") == [("pre2025", "18436", "Xã A")]
    assert found(era="2025", q="18436") == [("2025", "18436", "Xã N")]
    assert found(era="pre2025", q="042") == [("pre2025", "42", "Tỉnh P")]


def test_unit_search_by_name_level_and_parent(client, tree, admin):
    body = get(client, admin, "/units/", era="pre2025", q="xã", level=3, parent="443").json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "era": "pre2025",
        "code": "18436",
        "name": "Xã A",
        "kind": "xa",
        "level": 3,
        "region": "btb",
        "commune_group": "",
        "parent": {"era": "pre2025", "code": "443", "name": "Huyện H"},
        "url": "http://testserver/api/v1/units/pre2025/18436/",
    }
    districts = get(client, admin, "/units/", era="pre2025", level=2).json()["results"]
    assert [u["code"] for u in districts] == ["443", "444"]


def test_unit_search_is_limited_to_the_users_scope(client, tree, reviewer):
    pre = get(client, reviewer, "/units/", era="pre2025").json()
    assert [u["code"] for u in pre["results"]] == ["443", "18436", "18439"]
    assert get(client, reviewer, "/units/", era="2025", q="18436").json()["count"] == 0


# Scope and authentication


@pytest.mark.parametrize(
    "path",
    [
        "/criteria-sets/",
        "/criteria-sets/xa-ntm-test/",
        "/units/?era=pre2025",
        "/units/pre2025/18436/",
        "/units/pre2025/18436/summary/?set=xa-ntm-test",
    ],
)
def test_anonymous_requests_are_refused(client, tree, yes_no_set, path):
    make_assessment(tree.a, yes_no_set, EARLY)
    response = client.get(BASE + path)
    assert response.status_code in (401, 403)
    assert "Xã A" not in response.content.decode() and "xa-ntm-test" not in response.content.decode()


def test_a_token_authenticates(client, tree, reviewer):
    token = Token.objects.create(user=reviewer)
    response = client.get(f"{BASE}/units/pre2025/18436/", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200 and response.json()["name"] == "Xã A"
    assert client.get(f"{BASE}/units/pre2025/18436/").status_code in (401, 403)


def test_a_district_reviewer_sees_its_communes_only_in_its_era(client, tree, reviewer, yes_no_set):
    for commune in (tree.a, tree.b, tree.c):
        make_assessment(commune, yes_no_set, EARLY)
    make_assessment(tree.n, yes_no_set, datetime.date(2025, 12, 31))
    client.force_login(reviewer)
    for unit, expected in ((tree.a, 200), (tree.b, 200), (tree.c, 404), (tree.n, 404), (tree.p, 404)):
        assert client.get(f"{BASE}/units/{unit.era}/{unit.code}/").status_code == expected, unit.name
    for unit, expected in ((tree.a, 200), (tree.b, 200), (tree.c, 404), (tree.n, 404)):
        response = client.get(BASE + summary_path(unit), {"set": yes_no_set.code})
        assert response.status_code == expected, unit.name
    assert client.get(f"{BASE}/units/{tree.c.era}/{tree.c.code}/").json() == {
        "detail": "Không tìm thấy đơn vị mã 18500 trong thời kỳ “pre2025”."
    }


def test_a_superuser_sees_everything(client, tree, admin, yes_no_set):
    make_assessment(tree.c, yes_no_set, EARLY)
    make_assessment(tree.n, yes_no_set, datetime.date(2025, 12, 31))
    client.force_login(admin)
    for unit in (tree.p, tree.a, tree.c, tree.p_new, tree.n):
        assert client.get(f"{BASE}/units/{unit.era}/{unit.code}/").status_code == 200, unit.name
    for unit in (tree.c, tree.n):
        assert client.get(BASE + summary_path(unit), {"set": yes_no_set.code}).status_code == 200, unit.name
    assert get(client, admin, "/units/", era="2025").json()["count"] == 2


def test_a_user_without_membership_sees_sets_but_no_unit(client, tree, yes_no_set):
    user = factories.make_user()
    assert get(client, user, "/criteria-sets/").json()["count"] == 1
    assert get(client, user, "/units/", era="pre2025").json()["count"] == 0
    assert get(client, user, "/units/pre2025/18436/").status_code == 404


# Summaries


def test_the_summary_reports_the_stored_roll_up(client, tree, reviewer, yes_no_set):
    assessment = make_assessment(tree.a, yes_no_set, EARLY, met=["1.1", "1.2", "2.1"], unmet=["2.2", "3"])
    body = get(client, reviewer, summary_path(tree.a), set=yes_no_set.code).json()
    assert body == {
        "commune": {"era": "pre2025", "code": "18436", "name": "Xã A"},
        "criteria_set": "xa-ntm-test",
        "assessment_id": assessment.pk,
        "as_of": "2023-12-31",
        "status": "approved",
        "criteria_met": 1,
        "criteria_total": 3,
        "indicators_met": 3,
        "indicators_total": 5,
        "indicators_unknown": 0,
        "meets_standard": False,
        "set_complete": True,
        "indicators_stated": None,
        "unmet": [
            {"number": 2, "name": "Giao thông", "codes": ["2.2"]},
            {"number": 3, "name": "Thu nhập", "codes": ["3"]},
        ],
        "undetermined": [],
        "met": [{"number": 1, "name": "Quy hoạch"}],
        "sentence": "đạt 1/3 tiêu chí, 3/5 chỉ tiêu xây dựng NTM. Các tiêu chí, chỉ tiêu NTM chưa đạt, gồm: "
        "tiêu chí giao thông (chỉ tiêu 2.2); tiêu chí thu nhập.",
        "sentence_met": "đạt 1/3 tiêu chí xã NTM gồm: quy hoạch.",
    }


def test_a_commune_meeting_every_criterion_meets_the_standard(client, tree, reviewer, yes_no_set):
    make_assessment(tree.b, yes_no_set, EARLY, met=["1.1", "1.2", "2.1", "2.2", "3"])
    body = get(client, reviewer, summary_path(tree.b), set=yes_no_set.code).json()
    assert (body["meets_standard"], body["unmet"], body["sentence"]) == (
        True,
        [],
        "đạt 3/3 tiêu chí, 5/5 chỉ tiêu xây dựng NTM.",
    )


def test_the_summary_picks_the_latest_approved_and_ignores_a_newer_draft(client, tree, reviewer, yes_no_set):
    make_assessment(tree.a, yes_no_set, datetime.date(2022, 12, 31), met=["1.1"])
    approved = make_assessment(tree.a, yes_no_set, EARLY, met=["1.1", "1.2"])
    draft = make_assessment(tree.a, yes_no_set, LATE, met=["1.1", "1.2", "2.1", "2.2", "3"], status=Status.DRAFT)
    body = get(client, reviewer, summary_path(tree.a), set=yes_no_set.code).json()
    assert (body["assessment_id"], body["as_of"], body["status"], body["criteria_met"]) == (
        approved.pk,
        "2023-12-31",
        "approved",
        1,
    )
    body = get(client, reviewer, summary_path(tree.a), set=yes_no_set.code, status="any").json()
    assert (body["assessment_id"], body["as_of"], body["status"], body["criteria_met"]) == (
        draft.pk,
        "2024-06-30",
        "draft",
        3,
    )


def test_the_summary_is_per_set(client, tree, reviewer, yes_no_set):
    other = factories.make_set(code="other-set", criteria=[(1, "Quy hoạch", ["1"])])
    make_assessment(tree.a, yes_no_set, EARLY)
    mine = make_assessment(tree.a, other, LATE, met=["1"])
    body = get(client, reviewer, summary_path(tree.a), set="other-set").json()
    assert (body["assessment_id"], body["criteria_set"]) == (mine.pk, "other-set")
    assert body["sentence"] == "đạt 1/1 tiêu chí, 1/1 chỉ tiêu xây dựng NTM."


def test_the_summary_answers_in_english_when_asked(client, tree, reviewer, yes_no_set):
    make_assessment(tree.a, yes_no_set, EARLY, met=["1.1", "1.2", "2.1"], unmet=["2.2", "3"])
    client.force_login(reviewer)
    response = client.get(BASE + summary_path(tree.a), {"set": yes_no_set.code}, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response["Content-Language"] == "en"
    body = response.json()
    numbers = ("criteria_met", "criteria_total", "indicators_met", "indicators_total")
    assert tuple(body[k] for k in numbers) == (1, 3, 3, 5)
    assert "1/3" in body["sentence"] and "3/5" in body["sentence"]
    vietnamese = client.get(BASE + summary_path(tree.a), {"set": yes_no_set.code})
    assert vietnamese["Content-Language"] == "vi" and vietnamese.json()["sentence"].startswith("đạt 1/3 tiêu chí")


def test_a_summary_without_an_approved_assessment_is_a_404(client, tree, reviewer, yes_no_set):
    make_assessment(tree.a, yes_no_set, EARLY, status=Status.SUBMITTED)
    response = get(client, reviewer, summary_path(tree.a), set=yes_no_set.code)
    assert response.status_code == 404
    assert response.json() == {"detail": "Xã chưa có đánh giá nào được duyệt theo bộ tiêu chí này."}
    assert (
        get(client, reviewer, summary_path(tree.a), set=yes_no_set.code, status="any").json()["status"] == "submitted"
    )
    response = get(client, reviewer, summary_path(tree.b), set=yes_no_set.code, status="any")
    assert response.json() == {"detail": "Xã chưa có đánh giá nào theo bộ tiêu chí này."}


def test_a_summary_of_an_unknown_set_or_a_non_commune_is_a_404(client, tree, reviewer, yes_no_set):
    make_assessment(tree.a, yes_no_set, EARLY)
    response = get(client, reviewer, summary_path(tree.a), set="no-such-set")
    assert response.status_code == 404 and response.json() == {"detail": "Không có bộ tiêu chí mã “no-such-set”."}
    response = get(client, reviewer, summary_path(tree.h), set=yes_no_set.code)
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy xã mã 443 trong thời kỳ “pre2025”."}


def test_a_summary_needs_a_set_and_a_known_status(client, tree, reviewer, yes_no_set):
    make_assessment(tree.a, yes_no_set, EARLY)
    response = get(client, reviewer, summary_path(tree.a))
    assert response.status_code == 400 and response.json() == {"set": ["Hãy cho biết mã bộ tiêu chí (tham số set)."]}
    response = get(client, reviewer, summary_path(tree.a), set=yes_no_set.code, status="latest")
    assert response.status_code == 400 and response.json() == {"status": ["Tham số status chỉ nhận approved hoặc any."]}


# Schema and documentation


def test_the_schema_describes_every_endpoint(client):
    response = client.get(f"{BASE}/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/criteria-sets/:",
        "/api/v1/criteria-sets/{code}/:",
        "/api/v1/units/:",
        "/api/v1/units/{era}/{code}/:",
        "/api/v1/units/{era}/{code}/summary/:",
    ):
        assert path in text
    assert "name: set" in text and "name: era" in text


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/units/{era}/{code}/summary/" in (tmp_path / "schema.yml").read_text()


def test_the_docs_page_is_served_without_a_cdn(client):
    html = client.get(f"{BASE}/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
