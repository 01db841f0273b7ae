"""The admin's unit scope on the writes the permission matrix does not make: list_editable saves (and the
recompute they start), lineage rows, new units, memberships, criteria sets (national ones read-only,
clones, publishing, the Excel import), roadmap rows and the foreign-key choices and autocomplete.

The cast (tests.factories.make_admin_world): a criteria admin of tỉnh P and one of huyện H, staff
with every Django permission; tỉnh Q (xã CQ, CQ2) is outside their scope.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from communes.models import AdministrativeUnit, CommuneGroup, Region, UnitSuccession
from criteria.models import CriteriaSet, Criterion, SetStatus
from jobs.models import Job
from roadmap.models import Plan
from tests import factories
from tests.factories import make_admin_world, make_cast
from tests.helpers import change_form_data, criteria_as_file, set_field, workbook_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return make_admin_world(tree, make_cast(tree))


@pytest.fixture
def province_admin(client, world):
    client.force_login(world.users["province_admin"])
    return client


def url(name, *args):
    return reverse(f"admin:{name}", args=args)


# --- Units: list_editable and the recompute it starts -------------------------------------------------


def _list_edit(client, unit, *, region, group):
    return client.post(
        url("communes_administrativeunit_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(unit.pk),
            "form-0-region": region,
            "form-0-commune_group": group,
            "_save": "Lưu",
        },
    )


def _recomputes():
    return Job.objects.filter(kind="recompute_summaries").count()


def test_a_list_editable_save_of_a_unit_outside_the_scope_changes_nothing_and_recomputes_nothing(province_admin, world):
    before = (world.cq.region, world.cq.commune_group)
    _list_edit(province_admin, world.cq, region=Region.TDMNPB, group=CommuneGroup.NHOM3)
    world.cq.refresh_from_db()
    assert (world.cq.region, world.cq.commune_group) == before
    assert world.cq.history.count() == 1 and _recomputes() == 0


def test_a_list_editable_save_inside_the_scope_is_saved_and_recomputes_the_commune(province_admin, world):
    response = _list_edit(province_admin, world.tree.a, region=Region.TDMNPB, group=CommuneGroup.NHOM3)
    assert response.status_code == 302
    world.tree.a.refresh_from_db()
    assert (world.tree.a.region, world.tree.a.commune_group) == (Region.TDMNPB, CommuneGroup.NHOM3)
    assert Job.objects.get(kind="recompute_summaries").params == {"unit": "pre2025/18436"}


def test_the_change_page_of_a_unit_outside_the_scope_saves_nothing(province_admin, world):
    response = province_admin.post(
        url("communes_administrativeunit_change", world.cq.pk),
        {"name": "Đổi tên", "region": Region.TDMNPB, "_save": "Lưu"},
    )
    assert response.status_code == 302 and response["Location"] == url("index")
    world.cq.refresh_from_db()
    assert world.cq.name == "Xã CQ" and _recomputes() == 0


def test_a_new_unit_hangs_under_a_unit_in_the_scope_in_its_era(province_admin, world):
    base = {"era": "pre2025", "code": "18999", "name": "Xã mới", "kind": "xa", "level": 3, "_save": "Lưu"}
    for inline in ("succession_from", "succession_to"):
        base |= {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
    add = url("communes_administrativeunit_add")
    assert "Đơn vị này nằm ngoài phạm vi bạn quản trị." in province_admin.post(add, base | {"parent": world.hq.pk}).text
    assert province_admin.post(add, base).status_code == 200  # no parent: a new province is the superuser's
    wrong_era = province_admin.post(add, base | {"parent": world.tree.h.pk, "era": "2025"})
    assert "Đơn vị mới phải cùng thời kỳ với đơn vị cấp trên." in wrong_era.text
    assert not AdministrativeUnit.objects.filter(code="18999").exists()
    assert province_admin.post(add, base | {"parent": world.tree.h.pk}).status_code == 302
    assert AdministrativeUnit.objects.get(code="18999").path == "42/443/18999/"


def test_unit_autocomplete_offers_only_units_in_the_scope(province_admin, world):
    response = province_admin.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "communes",
            "model_name": "unitsuccession",
            "field_name": "predecessor",
            "term": "Xã",
        },
    )
    names = {row["text"].split(" (")[0] for row in response.json()["results"]}
    assert {"Xã A", "Xã B", "Xã C"} <= names and not names & {"Xã CQ", "Xã CQ2", "Xã N"}


# --- Lineage ----------------------------------------------------------------------------------------


def test_lineage_rows_outside_the_scope_cannot_be_added(province_admin, world):
    add = url("communes_unitsuccession_add")
    data = {"partial": "", "effective": "01/07/2025", "_save": "Lưu"}
    for predecessor, successor in ((world.cq, world.tree.a), (world.tree.a, world.cq), (world.cq2, world.cq)):
        response = province_admin.post(add, data | {"predecessor": predecessor.pk, "successor": successor.pk})
        assert response.status_code == 200 and "Đơn vị này nằm ngoài phạm vi bạn quản trị." in response.text
    assert not UnitSuccession.objects.filter(successor__in=[world.tree.a, world.cq]).exists()
    inside = data | {"predecessor": world.tree.b.pk, "successor": world.tree.a.pk}
    assert province_admin.post(add, inside).status_code == 302
    assert UnitSuccession.objects.filter(predecessor=world.tree.b, successor=world.tree.a).exists()


def test_lineage_rows_outside_the_scope_cannot_be_changed_or_deleted(province_admin, world):
    outside = factories.make_succession(world.cq2, world.cq)
    # Xã A → xã N: N is in the new era, outside a pre-2025 province's admin: they read the row, not more.
    half = world.tree.a.succession_to.get()
    for row in (outside, half):
        province_admin.post(url("communes_unitsuccession_delete", row.pk), {"post": "yes"})
        province_admin.post(
            url("communes_unitsuccession_change", row.pk),
            {
                "predecessor": row.predecessor_id,
                "successor": row.successor_id,
                "partial": "on",
                "effective": "01/01/2020",
                "_save": "Lưu",
            },
        )
        row.refresh_from_db()
        assert (row.partial, row.effective) == (False, datetime.date(2025, 7, 1))
    province_admin.post(
        url("communes_unitsuccession_changelist"),
        {"action": "delete_selected", "_selected_action": [outside.pk, half.pk], "post": "yes"},
    )
    assert UnitSuccession.objects.filter(pk__in=[outside.pk, half.pk]).count() == 2
    assert province_admin.get(url("communes_unitsuccession_change", half.pk)).status_code == 200
    inside = factories.make_succession(world.tree.b, world.tree.a)
    province_admin.post(url("communes_unitsuccession_delete", inside.pk), {"post": "yes"})
    assert not UnitSuccession.objects.filter(pk=inside.pk).exists()


# --- Memberships ------------------------------------------------------------------------------------


def test_the_history_of_a_membership_outside_the_scope_is_a_404(province_admin, world):
    other = factories.make_user("xa-cq", unit=world.cq, role=Role.COMMUNE_STAFF).memberships.get()
    mine = Membership.objects.get(user=world.cast.staff)
    assert province_admin.get(url("accounts_membership_history", other.pk)).status_code == 404
    version = other.history.first().history_id
    assert province_admin.get(url("accounts_membership_simple_history", other.pk, version)).status_code == 404
    page = province_admin.get(url("accounts_membership_history", mine.pk))
    assert page.status_code == 200 and "xa-cq" not in page.text


def test_a_membership_form_names_no_unit_outside_the_scope(province_admin, world):
    data = {"user": world.cast.staff.pk, "unit": world.cq.pk, "role": Role.VIEWER, "_save": "Lưu"}
    response = province_admin.post(url("accounts_membership_add"), data)
    assert "Đơn vị này nằm ngoài phạm vi bạn quản trị." in response.text and "Xã CQ" not in response.text
    assert not Membership.objects.filter(unit=world.cq).exists()


def test_a_membership_is_granted_only_to_a_user_without_a_role_elsewhere(province_admin, world):
    elsewhere = factories.make_user("xa-cq", unit=world.cq, role=Role.COMMUNE_STAFF)
    data = {"user": elsewhere.pk, "unit": world.tree.a.pk, "role": Role.VIEWER, "_save": "Lưu"}
    response = province_admin.post(url("accounts_membership_add"), data)
    assert response.status_code == 200 and not Membership.objects.filter(user=elsewhere, unit=world.tree.a).exists()


# --- Criteria sets ----------------------------------------------------------------------------------


@pytest.fixture
def national(world):
    return factories.make_set(code="quoc-gia", name="Bộ quốc gia", status=SetStatus.DRAFT)


def test_a_national_set_is_read_only_for_a_provincial_admin(province_admin, national):
    page = province_admin.get(url("criteria_criteriaset_change", national.pk))
    assert page.status_code == 200 and "nên chỉ xem được" in page.text
    province_admin.post(
        url("criteria_criteriaset_change", national.pk),
        {"code": "quoc-gia", "name": "Đã sửa", "level": "ntm", "_save": "Lưu"},
    )
    criterion = national.criteria.first()
    province_admin.post(url("criteria_criterion_change", criterion.pk), {"number": 1, "name": "Đã sửa", "_save": "Lưu"})
    province_admin.post(url("criteria_criteriaset_delete", national.pk), {"post": "yes"})
    national.refresh_from_db()
    criterion.refresh_from_db()
    assert national.name == "Bộ quốc gia" and criterion.name == "Quy hoạch"
    _action(province_admin, "publish", national)
    _action(province_admin, "delete_selected", national, post="yes")
    national.refresh_from_db()
    assert national.status == SetStatus.DRAFT


def test_a_provincial_admin_creates_sets_of_their_province_only(province_admin, world):
    add = url("criteria_criteriaset_add")
    data = {
        "code": "bo-moi",
        "name": "Bộ mới",
        "level": "ntm",
        "completeness": "",
        "_save": "Lưu",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
    }
    assert province_admin.post(add, data).status_code == 200  # national: refused
    assert "ngoài phạm vi" in province_admin.post(add, data | {"province": world.q.pk}).text
    assert not CriteriaSet.objects.filter(code="bo-moi").exists()
    assert province_admin.post(add, data | {"province": world.tree.p.pk}).status_code == 302
    assert CriteriaSet.objects.get(code="bo-moi").province == world.tree.p


def test_a_criterion_is_added_only_to_a_set_the_admin_may_change(province_admin, world, national):
    mine = factories.make_set(code="bo-p", status=SetStatus.DRAFT, province=world.tree.p)
    add = url("criteria_criterion_add")
    data = {
        "number": 9,
        "name": "Môi trường",
        "_save": "Lưu",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
    }
    assert province_admin.post(add, data | {"criteria_set": national.pk}).status_code == 200
    assert not Criterion.objects.filter(number=9).exists()
    assert province_admin.post(add, data | {"criteria_set": mine.pk}).status_code == 302
    assert Criterion.objects.get(number=9).criteria_set == mine


def _action(client, action, *sets, **extra):
    data = {"action": action, "_selected_action": [cs.pk for cs in sets], **extra}
    return client.post(url("criteria_criteriaset_changelist"), data, follow=True)


def test_a_national_set_is_cloned_for_the_admins_province_only(province_admin, world, national):
    assert "chỉ tạo được bộ tiêu chí của tỉnh mình" in _action(province_admin, "clone_version", national).text
    _action(province_admin, "clone_for_province", national, province_code="40", era="pre2025")
    assert CriteriaSet.objects.count() == 1
    _action(province_admin, "clone_for_province", national, province_code="42", era="pre2025")
    assert CriteriaSet.objects.get(code="quoc-gia-42").province == world.tree.p


def test_a_district_admin_reads_their_provinces_sets_but_changes_none(client, world):
    mine = factories.make_set(code="bo-p", name="Bộ tỉnh P", status=SetStatus.DRAFT, province=world.tree.p)
    client.force_login(world.users["district_admin"])
    assert client.get(url("criteria_criteriaset_change", mine.pk)).status_code == 200
    data = {"code": "bo-p", "name": "Sửa", "level": "ntm", "_save": "Lưu"}
    client.post(url("criteria_criteriaset_change", mine.pk), data)
    mine.refresh_from_db()
    assert mine.name == "Bộ tỉnh P"


def test_the_excel_import_takes_sets_of_the_admins_province_only(province_admin, world, national):
    page = url("criteria_criteriaset_import_excel")
    assert list(province_admin.get(page).context["form"].fields["update"].queryset) == []
    for province, accepted in (("", False), ("pre2025/40", False), ("pre2025/42", True)):
        wb = workbook_of(national)
        set_field(wb, "code", f"nhap-{province[-2:] or 'qg'}")
        set_field(wb, "province", province)
        upload = criteria_as_file(wb)
        upload.name = "bo.xlsx"
        response = province_admin.post(page, {"file": upload})
        assert CriteriaSet.objects.filter(code=f"nhap-{province[-2:] or 'qg'}").exists() == accepted, province
        if not accepted:
            assert "chỉ nhập được bộ tiêu chí của tỉnh mình quản trị" in response.text
    response = province_admin.post(page, {"file": criteria_as_file(workbook_of(national)), "update": national.pk})
    assert "update" in response.context["form"].errors


# --- Roadmap ----------------------------------------------------------------------------------------


def test_a_plan_is_recorded_only_for_a_commune_in_the_scope(province_admin, world):
    add = url("roadmap_plan_add")
    data = {"level": "ntm", "target_year": 2027, "note": "", "_save": "Lưu"}
    assert province_admin.post(add, data | {"commune": world.cq.pk}).status_code == 200
    assert province_admin.post(add, data | {"commune": world.tree.a.pk}).status_code == 302
    assert list(Plan.objects.values_list("commune", flat=True)) == [world.tree.a.pk]


def test_change_form_data_helper_still_serves_scoped_pages(province_admin, world):
    page = province_admin.get(url("communes_administrativeunit_change", world.tree.a.pk))
    data = change_form_data(page) | {"commune_group": CommuneGroup.NHOM1}
    assert province_admin.post(url("communes_administrativeunit_change", world.tree.a.pk), data).status_code == 302
    world.tree.a.refresh_from_db()
    assert world.tree.a.commune_group == CommuneGroup.NHOM1
