"""Commune groups (nhóm xã, QĐ 51/2025): the province's criteria admin sets them on a list page or from a
CSV/xlsx file, all or nothing; each change is in the unit's history and the open assessments follow."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Role
from assessments import services as assessment_services
from communes import services
from communes.models import AdministrativeUnit, Era, Level, UnitKind
from criteria.models import Indicator, IndicatorTarget
from jobs.models import Job, JobStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    """Tỉnh P mới with xã N and M and a phường; another province Q with xã Z; their users."""
    m = factories.make_unit(parent=tree.p_new, code="18440", name="Xã M", level=Level.COMMUNE)
    ward = factories.make_unit(
        parent=tree.p_new, code="18441", name="Phường W", level=Level.COMMUNE, kind=UnitKind.PHUONG
    )
    q = factories.make_unit(code="44", name="Tỉnh Q", era=Era.CURRENT)
    z = factories.make_unit(parent=q, code="19000", name="Xã Z", level=Level.COMMUNE)
    admin = factories.make_user("qt.p", unit=tree.p_new, role=Role.CRITERIA_ADMIN)
    outsider = factories.make_user("qt.q", unit=q, role=Role.CRITERIA_ADMIN)
    reviewer = factories.make_user("td.p", unit=tree.p_new, role=Role.REVIEWER)
    return type(
        "World",
        (),
        dict(
            tree=tree,
            n=tree.n,
            m=m,
            ward=ward,
            q=q,
            z=z,
            admin=admin,
            outsider=outsider,
            reviewer=reviewer,
            province=tree.p_new,
        ),
    )


def page_url(province):
    return reverse("web:commune_groups", args=[province.era, province.code])


def upload(client, world, name, content):
    return client.post(
        page_url(world.province), {"action": "upload", "file": SimpleUploadedFile(name, content)}, follow=True
    )


def groups(*units):
    return [AdministrativeUnit.objects.get(pk=u.pk).commune_group for u in units]


def test_the_page_lists_the_provinces_xa_with_their_group(client, world):
    world.m.commune_group = "nhom3"
    world.m.save()
    client.force_login(world.admin)
    page = client.get(page_url(world.province)).text
    assert "Xã N" in page and "Xã M" in page and "Xã Z" not in page and "Phường W" not in page
    assert '<option value="nhom3" selected>' in page and 'name="group-18436"' in page


@pytest.mark.parametrize("who", ["outsider", "reviewer"])
def test_someone_not_admin_of_the_province_gets_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(page_url(world.province)).status_code == 404
    assert client.post(page_url(world.province), {"group-18436": "nhom1"}).status_code == 404
    assert groups(world.n) == [""]


def test_an_old_era_province_has_no_group_page(admin_client, world):
    assert admin_client.get(page_url(world.tree.p)).status_code == 404
    assert admin_client.get(page_url(world.province)).status_code == 200


def test_the_list_saves_changed_groups_with_history_and_recomputes_after_commit(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(world.province), {"group-18436": "nhom1", "group-18440": ""}, follow=True)
    assert "Đã đổi nhóm của 1 xã" in response.text
    assert groups(world.n, world.m) == ["nhom1", ""]
    record = world.n.history.first()
    assert (record.history_user, record.history_change_reason, record.commune_group) == (
        world.admin,
        services.GROUP_REASON,
        "nhom1",
    )
    job = Job.objects.get()
    assert (job.kind, job.params, job.status) == ("recompute_summaries", {"unit": "2025/42"}, JobStatus.SUCCEEDED)
    assert "Xã N: Nhóm 1" in client.get(page_url(world.province)).text  # the recent changes list


def test_a_csv_sets_groups_and_reads_headers_semicolons_and_lost_leading_zeros(client, world):
    client.force_login(world.admin)
    upload(client, world, "nhom.csv", "Mã;Tên;Nhóm\n18436;Xã N;Nhóm 3\n18440;Xã M;2\n".encode())
    assert groups(world.n, world.m) == ["nhom3", "nhom2"]


def test_an_xlsx_sets_groups(client, world):
    wb = Workbook()
    wb.active.append(["mã", "nhóm"])
    wb.active.append([18436, "nhom1"])
    buffer = io.BytesIO()
    wb.save(buffer)
    client.force_login(world.admin)
    upload(client, world, "nhom.xlsx", buffer.getvalue())
    assert groups(world.n) == ["nhom1"]


def test_a_file_with_bad_lines_changes_nothing_and_names_each_line(client, world):
    client.force_login(world.admin)
    content = b"ma,nhom\n18436,1\n19000,2\n18441,1\n18440,4\n18436,2\n"
    response = upload(client, world, "nhom.csv", content)
    assert groups(world.n, world.m) == ["", ""]
    text = response.text
    assert "Dòng 3: không có xã mã “19000” thuộc Tỉnh P mới." in text  # another province's xã
    assert "Dòng 4: Phường W (18441) là phường; nhóm xã chỉ áp dụng cho xã." in text
    assert "Dòng 5: nhóm “nhom4” không hợp lệ (1, 2 hoặc 3)." in text
    assert "Dòng 6: mã 18436 đã có ở dòng 2." in text
    assert not Job.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(client, world):
    client.force_login(world.admin)
    response = upload(client, world, "nhom.xlsx", b"not a workbook")
    assert "Tệp không phải là sổ tính Excel (.xlsx) đọc được." in response.text


def test_the_service_refuses_a_unit_that_is_not_a_province(world):
    with pytest.raises(ValidationError):
        services.commune_groups_assign(province=world.n, assignments=[(1, "18436", "nhom1")], by=None)


def test_an_empty_group_in_a_file_is_an_error_but_clears_on_the_list(world):
    with pytest.raises(ValidationError, match="Dòng 1: thiếu nhóm."):
        services.commune_groups_assign(
            province=world.province, assignments=[(1, "18436", "")], by=None, allow_clear=False
        )


def test_the_targets_follow_the_group(client, world, django_capture_on_commit_callbacks):
    """A draft under a set with targets by group is judged again when its commune changes group."""
    cs = factories.make_set(period_start=2026, period_end=2030, criteria=[(1, "Quy hoạch", ["1.1"])])
    indicator = Indicator.objects.get(criteria_set=cs, code="1.1")
    Indicator.objects.filter(pk=indicator.pk).update(kind="numeric", unit="%")
    for group, value in (("nhom1", 90), ("nhom2", 80), ("nhom3", 70)):
        IndicatorTarget.objects.create(indicator=indicator, commune_group=group, operator=">=", value=value, unit="%")
    services.commune_groups_assign(
        province=world.province, assignments=[(1, "18436", "nhom2")], by=None, recompute=False
    )
    staff = factories.make_user("cb.n", unit=world.n, role=Role.COMMUNE_STAFF)
    n = AdministrativeUnit.objects.get(pk=world.n.pk)
    draft = assessment_services.assessment_create(
        commune=n, criteria_set=cs, as_of=datetime.date(2026, 6, 30), by=staff
    )
    assessment_services.indicator_results_update(assessment=draft, entries={"1.1": {"value": Decimal(85)}}, by=staff)
    draft.refresh_from_db()
    assert draft.meets_standard
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(world.province), {"group-18436": "nhom1"})
    draft.refresh_from_db()
    assert not draft.meets_standard and draft.criteria_met == 0


def test_uploading_without_a_file_says_so_and_changes_nothing(client, world):
    client.force_login(world.admin)
    response = client.post(page_url(world.province), {"action": "upload"})
    assert response.status_code == 200 and "Trường này là bắt buộc." in response.text
    assert groups(world.n) == [""]


def test_the_admin_refuses_a_group_on_a_phuong(admin_client, world):
    from tests.helpers import change_form_data

    change = reverse("admin:communes_administrativeunit_change", args=[world.ward.pk])
    data = change_form_data(admin_client.get(change)) | {"commune_group": "nhom1"}
    response = admin_client.post(change, data)
    assert response.status_code == 200 and "nhóm xã chỉ áp dụng cho xã" in response.text
    assert groups(world.ward) == [""]
