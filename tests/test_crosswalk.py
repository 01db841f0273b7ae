"""Crosswalks between criteria sets and re-scoring under the newer set (criteria.crosswalks,
assessments.rescore): the rules on every path (service, admin, workbook, command), the re-score (carry,
re-judge, "cần đánh giá lại", roll-up), the pages and their scope, their query counts, and the new
assessment started from a re-score."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import Role
from assessments import rescore as rescoring
from assessments import services
from assessments.models import Assessment, IndicatorResult
from criteria import crosswalk_workbook as crosswalk_io
from criteria.crosswalks import LinkSpec, crosswalk_save, links_errors
from criteria.models import Crosswalk, CrosswalkLink, Indicator, LinkKind
from dashboards.area import Area
from tests import factories
from tests.factories import make_approved, make_flow_set

pytestmark = pytest.mark.django_db

ANSWERS = {"1.1": {"met": True}, "1.2": {"met": True}, "2.1": {"value": "75"}, "2.2": {"met": True}, "3": {"met": True}}
GROUPS = [
    {"commune_group": "nhom1", "value": 90},
    {"commune_group": "nhom2", "value": 80},
    {"commune_group": "nhom3", "value": 70},
]


@pytest.fixture
def old_set():
    return make_flow_set(period_start=2021, period_end=2025)


@pytest.fixture
def new_set():
    cs = factories.make_set(
        criteria=(
            (1, "Quy hoạch", ["1.1", "1.2"]),
            (2, "Hạ tầng kinh tế - xã hội", ["2.1", "2.2"]),
            (3, "Phát triển kinh tế nông thôn", ["3.1"]),
        ),
        period_start=2026,
        period_end=2030,
    )
    factories.make_numeric(cs, "2.1", value="80", variants=GROUPS)
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(operator="", target_value=None)  # by group only
    return cs


def ind(cs, code):
    return Indicator.objects.get(criteria_set=cs, code=code)


@pytest.fixture
def crosswalk(old_set, new_set):
    links = [
        LinkSpec(ind(old_set, "1.1"), ind(new_set, "1.1"), LinkKind.SAME, verified=True),
        LinkSpec(ind(old_set, "1.2"), ind(new_set, "1.2"), LinkKind.SAME),
        LinkSpec(ind(old_set, "2.1"), ind(new_set, "2.1"), LinkKind.VALUE_CARRIES),
        LinkSpec(ind(old_set, "2.2"), None, LinkKind.NONE),
    ]
    return crosswalk_save(from_set=old_set, to_set=new_set, note="Bảng thử.", links=links)


def by_code(result):
    return {row.indicator.code: row for row in result.indicators}


# The re-score


def test_values_carry_are_judged_again_and_the_rest_needs_re_assessment(tree, cast, old_set, new_set, crosswalk):
    tree.n.commune_group = "nhom3"
    tree.n.save()
    approved = make_approved(cast, old_set, tree.a, answers=ANSWERS)
    result = rescoring.rescore(approved, crosswalk)
    rows = by_code(result)
    assert result.on == datetime.date(2026, 1, 1)  # the 2024 assessment is judged on the new set's first year
    assert result.via == "Xã N"  # xã A (pre-2025, no group) is judged with the group of xã N it became
    assert (rows["1.1"].state, rows["1.1"].met, rows["1.1"].link.verified) == ("carried", True, True)
    assert (rows["2.1"].state, rows["2.1"].value, rows["2.1"].met, rows["2.1"].target_text) == (
        "carried",
        75,
        True,
        "≥70%",
    )
    assert rows["2.2"].state == rows["3.1"].state == "reassess"  # no link to 2.2 (old 2.2 is "none"), none to 3.1
    assert result.reassess_codes == ["2.2", "3.1"]
    assert (result.summary.criteria_met, result.summary.criteria_total) == (1, 3)
    assert (result.criteria_unmet, result.criteria_to_reassess) == (0, 2)
    assert [item["state"] for item in result.criteria] == ["met", "pending", "pending"]
    assert result.unverified_count == 2  # 1.2 and 2.1 carried by links not verified


def test_the_new_threshold_of_the_commune_s_own_group_decides(tree, cast, old_set, new_set, crosswalk):
    approved = make_approved(cast, old_set, tree.a, answers=ANSWERS)
    tree.a.commune_group = "nhom1"  # ≥90%: 75 no longer meets
    tree.a.save()
    approved.commune.refresh_from_db()
    result = rescoring.rescore(approved, crosswalk)
    row = by_code(result)["2.1"]
    assert (row.met, row.target_text, result.via) == (False, "≥90%", "")
    assert [item["state"] for item in result.criteria] == ["met", "unmet", "pending"]
    assert (result.summary.criteria_met, result.criteria_unmet, result.criteria_to_reassess) == (1, 1, 1)


def test_a_carried_value_without_a_target_for_the_commune_is_undetermined(tree, cast, old_set, new_set, crosswalk):
    other = factories.make_user(unit=tree.c, role=Role.COMMUNE_STAFF)
    draft = services.assessment_create(commune=tree.c, criteria_set=old_set, as_of=datetime.date(2024, 6, 30), by=other)
    services.indicator_results_update(assessment=draft, entries=ANSWERS, by=other)
    result = rescoring.rescore(draft, crosswalk)  # xã C: no group, no successor
    row = by_code(result)["2.1"]
    assert (row.state, row.met, row.value) == ("no_target", None, 75)
    assert "chưa được phân nhóm" in row.reason
    assert "2.1" in {code for item in result.summary.undetermined for code in item["codes"]}


def test_re_scoring_writes_nothing(tree, cast, old_set, new_set, crosswalk):
    approved = make_approved(cast, old_set, tree.a, answers=ANSWERS)
    with CaptureQueriesContext(connection) as queries:
        rescoring.rescore(approved, crosswalk)
        rescoring.rescore_area(Area(tree.h.era, tree.h), crosswalk)
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


def test_the_unit_view_re_scores_each_latest_approved_assessment(tree, cast, old_set, new_set, crosswalk):
    tree.n.commune_group = "nhom3"
    tree.n.save()
    make_approved(cast, old_set, tree.a, answers=ANSWERS)
    rows = rescoring.rescore_area(Area(tree.h.era, tree.h), crosswalk)
    assert [(r.commune.name, r.old_met, r.summary.criteria_met, r.criteria_to_reassess, r.reassess) for r in rows] == [
        ("Xã A", 3, 1, 2, 2)
    ]
    assert rescoring.rescore_area(Area(tree.h2.era, tree.h2), crosswalk) == []


# The rules, on the service


def test_the_rules_of_a_link(old_set, new_set):
    def errors(link):
        return " ".join(links_errors(old_set, new_set, [link]).get(0, []))

    assert "không thuộc bộ cũ" in errors(LinkSpec(ind(new_set, "1.1"), ind(new_set, "1.1"), LinkKind.SAME))
    assert "không thuộc bộ mới" in errors(LinkSpec(ind(old_set, "1.1"), ind(old_set, "1.2"), LinkKind.SAME))
    assert "không có chỉ tiêu bộ mới" in errors(LinkSpec(ind(old_set, "1.1"), ind(new_set, "1.1"), LinkKind.NONE))
    assert "Cần chọn chỉ tiêu của bộ mới" in errors(LinkSpec(ind(old_set, "1.1"), None, LinkKind.SAME))
    assert "không thể là “cùng nội dung”" in errors(LinkSpec(ind(old_set, "2.1"), ind(new_set, "1.1"), LinkKind.SAME))
    assert "chỉ dùng cho hai chỉ tiêu dạng số" in errors(
        LinkSpec(ind(old_set, "1.1"), ind(new_set, "1.2"), LinkKind.VALUE_CARRIES)
    )
    assert errors(LinkSpec(ind(old_set, "2.1"), ind(new_set, "2.1"), LinkKind.VALUE_CARRIES)) == ""


def test_a_new_indicator_has_one_source_and_none_stands_alone(old_set, new_set):
    twice = [
        LinkSpec(ind(old_set, "1.1"), ind(new_set, "1.1"), LinkKind.SAME),
        LinkSpec(ind(old_set, "1.2"), ind(new_set, "1.1"), LinkKind.SAME),
    ]
    assert "mỗi chỉ tiêu bộ mới chỉ có một nguồn" in links_errors(old_set, new_set, twice)[1][0]
    split = [
        LinkSpec(ind(old_set, "1.1"), ind(new_set, "1.1"), LinkKind.SAME),
        LinkSpec(ind(old_set, "1.1"), ind(new_set, "1.2"), LinkKind.SAME),
    ]
    assert links_errors(old_set, new_set, split) == {}  # an old indicator may feed several new ones
    both = [
        LinkSpec(ind(old_set, "1.1"), None, LinkKind.NONE),
        LinkSpec(ind(old_set, "1.1"), ind(new_set, "1.2"), LinkKind.SAME),
    ]
    assert "không có tương đương" in links_errors(old_set, new_set, both)[1][0]


def test_the_sets_of_a_crosswalk(old_set, new_set, crosswalk):
    assert "phải khác" in Crosswalk(from_set=old_set, to_set=old_set).field_errors()["to_set"]
    assert "giai đoạn sau" in Crosswalk(from_set=new_set, to_set=old_set).field_errors()["to_set"]
    assert "Đã có bảng chuyển đổi" in Crosswalk(from_set=old_set, to_set=new_set).field_errors()["to_set"]


def test_a_bad_link_saves_nothing(old_set, new_set, crosswalk):
    before = list(crosswalk.links.values_list("from_indicator__code", "to_indicator__code", "kind"))
    bad = [
        LinkSpec(ind(old_set, "1.1"), ind(new_set, "1.1"), LinkKind.SAME),
        LinkSpec(ind(old_set, "1.2"), ind(new_set, "1.1"), LinkKind.SAME),
    ]
    with pytest.raises(Exception) as caught:
        crosswalk_save(from_set=old_set, to_set=new_set, note="Khác.", links=bad, crosswalk=crosswalk)
    assert "2: " in " ".join(caught.value.messages)  # the second link
    crosswalk.refresh_from_db()
    assert crosswalk.note == "Bảng thử."
    assert list(crosswalk.links.values_list("from_indicator__code", "to_indicator__code", "kind")) == before


# The workbook and the command


def _filled(old_set, new_set, rows) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(crosswalk_io.crosswalk_export(from_set=old_set, to_set=new_set)))
    ws = wb[crosswalk_io.LINKS_SHEET]
    for r, (old, new, kind, verified) in enumerate(rows, start=3):
        ws.cell(r, 1, old)
        ws.cell(r, 3, new)
        ws.cell(r, 5, kind)
        ws.cell(r, 6, verified)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "chuyen-doi.xlsx"
    return buffer


def test_the_template_lists_every_old_indicator_and_imports_back(old_set, new_set):
    wb = load_workbook(io.BytesIO(crosswalk_io.crosswalk_export(from_set=old_set, to_set=new_set)))
    assert [wb[crosswalk_io.LINKS_SHEET].cell(r, 1).value for r in range(3, 8)] == ["1.1", "1.2", "2.1", "2.2", "3"]
    assert wb[crosswalk_io.HEAD_SHEET]["C3"].value == old_set.code
    result = crosswalk_io.crosswalk_import(
        _filled(
            old_set,
            new_set,
            [
                ("1.1", "1.1", "Cùng nội dung", "có"),
                ("1.2", None, None, None),
                ("2.1", "2.1", "value_carries", "không"),
                ("2.2", None, "Không có tương đương", None),
                ("3", None, None, None),
            ],
        )
    )
    assert result.ok, result.errors
    crosswalk = Crosswalk.objects.get(from_set=old_set, to_set=new_set)
    assert sorted(crosswalk.links.values_list("from_indicator__code", "kind", "verified")) == [
        ("1.1", "same", True),
        ("2.1", "value_carries", False),
        ("2.2", "none", False),
    ]
    again = load_workbook(
        io.BytesIO(crosswalk_io.crosswalk_export(from_set=old_set, to_set=new_set, crosswalk=crosswalk))
    )
    assert again[crosswalk_io.LINKS_SHEET].cell(3, 5).value == "Cùng nội dung"


def test_a_bad_row_imports_nothing_and_names_the_row(old_set, new_set, crosswalk):
    before = list(crosswalk.links.values_list("id", flat=True))
    result = crosswalk_io.crosswalk_import(
        _filled(
            old_set,
            new_set,
            [
                ("1.1", "1.1", "Cùng nội dung", None),
                ("1.2", "1.1", "Cùng nội dung", None),
                ("2.1", "9.9", "Giá trị chuyển sang, ngưỡng khác", None),
                ("2.2", "2.2", "gần giống", None),
            ],
        )
    )
    assert not result.ok
    messages = [f"{p.cell} {p.message}" for p in result.errors]
    assert any(m.startswith("C5 Dòng 5: Bộ mới") and "9.9" in m for m in messages), messages
    assert any(m.startswith("E6 Dòng 6: Quan hệ “gần giống” không hợp lệ") for m in messages), messages
    assert list(crosswalk.links.values_list("id", flat=True)) == before
    result = crosswalk_io.crosswalk_import(
        _filled(old_set, new_set, [("1.1", "1.1", "Cùng nội dung", None), ("1.2", "1.1", "Cùng nội dung", None)])
    )
    assert [(p.cell, p.message[:8]) for p in result.errors] == [("A4", "Dòng 4: ")]
    assert "một nguồn" in result.errors[0].message
    assert list(crosswalk.links.values_list("id", flat=True)) == before


def test_the_command_imports_and_refuses(old_set, new_set, tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(_filled(old_set, new_set, [("1.1", "1.1", "Cùng nội dung", None)]).getvalue())
    bad.write_bytes(_filled(old_set, new_set, [("1.1", "1.2", "Giá trị chuyển sang, ngưỡng khác", None)]).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_crosswalk", str(bad), stdout=io.StringIO(), stderr=err)
    assert "Dòng 3" in err.getvalue() and not Crosswalk.objects.exists()
    out = io.StringIO()
    call_command("import_crosswalk", str(good), stdout=out)
    assert "1 liên kết" in out.getvalue()


# The admin


def _admin_post(client, crosswalk, links):
    data = {
        "from_set": crosswalk.from_set_id,
        "to_set": crosswalk.to_set_id,
        "note": crosswalk.note,
        "links-TOTAL_FORMS": len(links),
        "links-INITIAL_FORMS": 0,
        "links-MIN_NUM_FORMS": 0,
        "links-MAX_NUM_FORMS": 1000,
        "_save": "1",
    }
    for n, (old, new, kind) in enumerate(links):
        data |= {
            f"links-{n}-from_indicator": old.pk,
            f"links-{n}-to_indicator": new.pk if new else "",
            f"links-{n}-kind": kind,
            f"links-{n}-crosswalk": crosswalk.pk,
        }
    return client.post(f"/admin/criteria/crosswalk/{crosswalk.pk}/change/", data)


def test_the_admin_checks_every_row_and_saves_nothing_on_error(client, cast, old_set, new_set):
    crosswalk = Crosswalk.objects.create(from_set=old_set, to_set=new_set)
    client.force_login(cast.superuser)
    response = _admin_post(
        client,
        crosswalk,
        [
            (ind(old_set, "1.1"), ind(new_set, "1.1"), "same"),
            (ind(old_set, "1.2"), ind(new_set, "1.1"), "same"),
            (ind(old_set, "2.2"), ind(new_set, "2.2"), "none"),
        ],
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "mỗi chỉ tiêu bộ mới chỉ có một nguồn" in content
    assert "không có chỉ tiêu bộ mới" in content
    assert not CrosswalkLink.objects.exists()
    response = _admin_post(
        client,
        crosswalk,
        [
            (ind(old_set, "1.1"), ind(new_set, "1.1"), "same"),
            (ind(old_set, "2.1"), ind(new_set, "2.1"), "value_carries"),
        ],
    )
    assert response.status_code == 302
    assert crosswalk.links.count() == 2
    unrelated = factories.make_set()
    page = client.get(f"/admin/criteria/crosswalk/{crosswalk.pk}/change/").content.decode()
    assert f'value="{ind(new_set, "3.1").pk}"' in page and f'value="{ind(old_set, "3").pk}"' in page
    assert f'value="{ind(unrelated, "1.1").pk}"' not in page  # only the two sets' indicators are offered


def test_the_admin_refuses_the_same_set_twice(client, cast, old_set):
    client.force_login(cast.superuser)
    response = client.post(
        "/admin/criteria/crosswalk/add/", {"from_set": old_set.pk, "to_set": old_set.pk, "note": "", "_save": "1"}
    )
    assert response.status_code == 200 and "phải khác bộ tiêu chí cũ" in response.content.decode()
    assert not Crosswalk.objects.exists()


def test_the_admin_import_page_reports_rows_and_writes_nothing(client, cast, old_set, new_set):
    client.force_login(cast.superuser)
    upload = _filled(old_set, new_set, [("1.1", "1.1", "Cùng nội dung", None), ("1.2", "1.1", "Cùng nội dung", None)])
    response = client.post("/admin/criteria/crosswalk/import-excel/", {"file": upload, "import": "1"})
    assert response.status_code == 200
    assert "Dòng 4" in response.content.decode() and not Crosswalk.objects.exists()
    assert 'id="crosswalk-import-errors"' in response.content.decode()  # the admin's one import page
    assert 'name="template"' in response.content.decode()  # and its own second button
    template = client.post(
        "/admin/criteria/crosswalk/import-excel/", {"from_set": old_set.pk, "to_set": new_set.pk, "template": "1"}
    )
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = _filled(old_set, new_set, [("1.1", "1.1", "Cùng nội dung", None)])
    response = client.post("/admin/criteria/crosswalk/import-excel/", {"file": upload, "import": "1"})
    assert response.status_code == 302 and Crosswalk.objects.get().links.count() == 1


def test_only_a_superuser_reaches_the_crosswalk_admin(client, cast, crosswalk):
    client.force_login(cast.admin)
    assert client.get("/admin/criteria/crosswalk/import-excel/").status_code in (302, 403)
    assert client.get(f"/admin/criteria/crosswalk/{crosswalk.pk}/change/").status_code in (302, 403, 404)


# Starting a new assessment from it


@pytest.fixture
def current(tree, cast, old_set):
    """Xã N (2025 tree, nhóm 2) with an approved assessment under the old set at the end of 2025."""
    tree.n.commune_group = "nhom2"
    tree.n.save()
    staff = factories.make_user("canbo.n", unit=tree.n, role=Role.COMMUNE_STAFF)
    draft = services.assessment_create(
        commune=tree.n, criteria_set=old_set, as_of=datetime.date(2025, 12, 31), by=staff
    )
    services.indicator_results_update(assessment=draft, entries=ANSWERS | {"2.1": {"value": "85"}}, by=staff)
    services.assessment_submit(assessment=draft, by=staff)
    reviewer = factories.make_user("thamdinh.p-moi", unit=tree.p_new, role=Role.REVIEWER)
    approved = services.assessment_approve(assessment=draft, by=reviewer, confirm_unverified=True)
    return type("Current", (), {"staff": staff, "approved": approved})


def test_a_new_assessment_starts_with_what_carries(tree, current, new_set, crosswalk):
    created = services.assessment_create(
        commune=tree.n,
        criteria_set=new_set,
        as_of=datetime.date(2026, 3, 31),
        by=current.staff,
        from_crosswalk=crosswalk,
        source=current.approved,
    )
    results = {r.indicator.code: (r.value, r.met) for r in created.results.select_related("indicator")}
    assert results == {
        "1.1": (None, True),
        "1.2": (None, True),
        "2.1": (85, True),
        "2.2": (None, None),
        "3.1": (None, None),
    }
    assert (created.criteria_met, created.status) == (1, "draft")
    assert "bảng chuyển đổi" in created.history.first().history_change_reason


def test_a_new_assessment_refuses_another_commune_or_set(tree, cast, current, old_set, new_set, crosswalk):
    other = make_approved(cast, old_set, tree.a, answers=ANSWERS)
    with pytest.raises(Exception, match="chính xã này"):
        services.assessment_create(
            commune=tree.n,
            criteria_set=new_set,
            as_of=datetime.date(2026, 3, 31),
            from_crosswalk=crosswalk,
            source=other,
        )
    with pytest.raises(Exception, match="không dẫn tới bộ tiêu chí này"):
        services.assessment_create(
            commune=tree.n,
            criteria_set=old_set,
            as_of=datetime.date(2025, 12, 30),
            from_crosswalk=crosswalk,
            source=current.approved,
        )
    assert Assessment.objects.filter(criteria_set=new_set).count() == 0


# The pages


def test_the_page_shows_the_re_score_and_is_linked(client, tree, cast, old_set, new_set, crosswalk):
    tree.n.commune_group = "nhom3"
    tree.n.save()
    approved = make_approved(cast, old_set, tree.a, answers=ANSWERS)
    client.force_login(cast.viewer)
    url = f"/assessments/{approved.pk}/rescore/{crosswalk.pk}/"
    assert url in client.get(f"/assessments/{approved.pk}/").content.decode()
    assert url in client.get(f"/units/{tree.a.era}/{tree.a.code}/").content.decode()
    content = client.get(url).content.decode()
    assert "Chấm lại theo bộ mới" in content and "1/3 tiêu chí" in content
    assert "Chỉ tiêu cần đánh giá lại: 2" in content and "Bảng thử." in content
    assert "Lập đánh giá mới" not in content  # a viewer does not create assessments
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/units/{tree.h.era}/{tree.h.code}/rescore/{crosswalk.pk}/").status_code == 404


def test_the_page_starts_a_new_assessment(client, tree, current, new_set, crosswalk):
    client.force_login(current.staff)
    url = f"/assessments/{current.approved.pk}/rescore/{crosswalk.pk}/"
    assert "Lập đánh giá mới" in client.get(url).content.decode()
    response = client.post(url + "start/", {"as_of": "2026-03-31"})
    created = Assessment.objects.get(criteria_set=new_set)
    assert response.status_code == 302 and response["Location"] == f"/assessments/{created.pk}/edit/"
    assert IndicatorResult.objects.get(assessment=created, indicator__code="2.1").value == 85
    again = client.post(url + "start/", {"as_of": "2026-03-31"})
    assert again.status_code == 400 and "đã có đánh giá" in again.content.decode()


def test_an_old_commune_cannot_start_a_new_set_assessment(client, tree, cast, old_set, new_set, crosswalk):
    approved = make_approved(cast, old_set, tree.a, answers=ANSWERS)
    client.force_login(cast.staff)
    content = client.get(f"/assessments/{approved.pk}/rescore/{crosswalk.pk}/").content.decode()
    assert "không lập được đánh giá mới" in content and "Lập đánh giá mới</button>" not in content


def test_the_unit_page_and_the_dashboard_link(client, tree, cast, old_set, new_set, crosswalk):
    make_approved(cast, old_set, tree.a, answers=ANSWERS)
    client.force_login(cast.viewer)
    url = f"/units/{tree.h.era}/{tree.h.code}/rescore/{crosswalk.pk}/"
    dashboard = client.get(f"/units/{tree.h.era}/{tree.h.code}/dashboard/?set={old_set.code}").content.decode()
    assert url in dashboard
    content = client.get(url).content.decode()
    assert "Xã A" in content and "Sẽ đạt theo bộ mới" in content


def test_the_unit_page_costs_the_same_for_one_and_many_communes(
    client, tree, cast, old_set, new_set, crosswalk, django_assert_num_queries
):
    make_approved(cast, old_set, tree.a, answers=ANSWERS)
    client.force_login(cast.viewer)
    url = f"/units/{tree.h.era}/{tree.h.code}/rescore/{crosswalk.pk}/"
    client.get(url)  # warm the frozen set's book
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    reviewer = factories.make_user(unit=tree.h, role=Role.REVIEWER)
    for n in range(6):
        commune = factories.make_unit(parent=tree.h, name=f"Xã thêm {n}")
        staff = factories.make_user(unit=commune, role=Role.COMMUNE_STAFF)
        draft = services.assessment_create(
            commune=commune, criteria_set=old_set, as_of=datetime.date(2024, 6, 30), by=staff
        )
        services.indicator_results_update(assessment=draft, entries=ANSWERS, by=staff)
        services.assessment_submit(assessment=draft, by=staff)
        services.assessment_approve(assessment=draft, by=reviewer, confirm_unverified=True)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="rescore-unit-row"') == 7


def test_the_api_starts_a_new_assessment_from_an_old_one(client, tree, cast, current, old_set, new_set, crosswalk):
    client.force_login(current.staff)
    body = {
        "commune": {"era": tree.n.era, "code": tree.n.code},
        "criteria_set": new_set.code,
        "as_of": "2026-03-31",
        "from_assessment": current.approved.pk,
    }
    response = client.post("/api/v1/assessments/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    values = {r["code"]: r.get("value") for r in response.json()["results"]}
    assert float(values["2.1"]) == 85 and values["3.1"] is None
    other = make_approved(cast, old_set, tree.a, answers=ANSWERS)  # another commune's assessment
    response = client.post(
        "/api/v1/assessments/",
        body | {"as_of": "2026-04-30", "from_assessment": other.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "Xã không có đánh giá mã" in response.content.decode()
    Crosswalk.objects.all().delete()
    response = client.post("/api/v1/assessments/", body | {"as_of": "2026-05-31"}, content_type="application/json")
    assert response.status_code == 400 and "Chưa có bảng chuyển đổi" in response.content.decode()
    assert Assessment.objects.filter(criteria_set=new_set).count() == 1
