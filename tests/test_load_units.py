"""load_units: both eras of units and the 2025 lineage from the pinned vietnam-provinces package.

Expected numbers are computed from the package itself, so the tests follow a new package version.
"""

import time
from collections import Counter
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from vietnam_provinces import Province, Ward, legacy
from vietnam_provinces import _province_conversion_2025 as province_conversion
from vietnam_provinces import _ward_conversion_2025 as ward_conversion

from communes.loaders import REGIONS_FILE
from communes.models import AdministrativeUnit, CommuneGroup, Era, Level, Region, UnitKind, UnitSuccession
from tests import factories

pytestmark = pytest.mark.django_db

PRE, CUR = Era.PRE_2025, Era.CURRENT


def load(**options) -> str:
    out = StringIO()
    call_command("load_units", stdout=out, no_color=True, **options)
    return out.getvalue()


def unit(era, code) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(era=era, code=code)


def count(era, level) -> int:
    return AdministrativeUnit.objects.filter(era=era, level=level).count()


def package_province(code: int) -> dict:
    """What the package holds for province `code`, read straight from its public lookups."""
    districts = {int(d.code) for d in legacy.District.iter_all() if int(d.province_code) == code}
    old = {int(w.code) for w in legacy.Ward.iter_all() if int(w.district_code) in districts}
    new = {int(w.code) for w in Ward.iter_all() if int(w.province_code) == code}
    pairs = {
        (ref.code, new_code)
        for new_code, entry in ward_conversion.NEW_TO_OLD.items()
        for ref in entry.old_wards
        if ref.code in old and new_code in new
    }
    return {"districts": len(districts), "old": len(old), "new": len(new), "pairs": pairs}


def commune_lineage() -> set[tuple[str, str]]:
    return set(
        UnitSuccession.objects.filter(successor__level=Level.COMMUNE).values_list(
            "predecessor__code", "successor__code"
        )
    )


def snapshot() -> dict:
    return {
        "units": sorted(AdministrativeUnit.objects.values_list("pk", "era", "code", "name", "path", "region")),
        "lineage": sorted(UnitSuccession.objects.values_list("pk", "predecessor", "successor", "partial")),
        "history": AdministrativeUnit.history.count(),
    }


@pytest.fixture
def ha_tinh():
    return load(province="42")


def test_one_province_loads_its_subtree_in_both_eras(ha_tinh):
    expected = package_province(42)
    assert count(PRE, Level.PROVINCE) == 1 and count(CUR, Level.PROVINCE) == 1
    assert count(PRE, Level.DISTRICT) == expected["districts"]
    assert count(PRE, Level.COMMUNE) == expected["old"]
    assert count(CUR, Level.COMMUNE) == expected["new"]
    assert commune_lineage() == {(f"{old:05d}", f"{new:05d}") for old, new in expected["pairs"]}
    assert UnitSuccession.objects.filter(successor__level=Level.PROVINCE).count() == 1
    assert f"Trước 01/07/2025 (3 cấp) · Xã: tạo {expected['old']}, cập nhật 0, giữ nguyên 0." in ha_tinh


def test_can_loc_communes_and_their_lineage(ha_tinh):
    old, also_old, new = unit(PRE, "18436"), unit(PRE, "18439"), unit(CUR, "18436")
    assert (old.name, also_old.name, new.name) == ("Xã Kim Song Trường", "Xã Thường Nga", "Xã Trường Lưu")
    assert AdministrativeUnit.objects.filter(code="18436").count() == 2
    assert old.path == "42/443/18436/" and old.parent.name == "Huyện Can Lộc"
    assert new.path == "42/18436/" and new.parent == unit(CUR, "42") and new.level == Level.COMMUNE
    assert old.kind == new.kind == UnitKind.XA and unit(PRE, "443").kind == UnitKind.HUYEN
    assert str(old.valid_to) == "2025-06-30" and old.valid_from is None
    assert str(new.valid_from) == "2025-07-01" and new.valid_to is None
    predecessors = set(new.succession_from.values_list("predecessor__code", "partial"))
    package = {(f"{ref.code:05d}", ref.is_partly_merged) for ref in ward_conversion.NEW_TO_OLD[18436].old_wards}
    assert {("18436", False), ("18439", False)} <= predecessors == package


def test_regions_come_from_the_province(ha_tinh):
    assert set(AdministrativeUnit.objects.values_list("region", flat=True)) == {Region.BTB}
    assert not AdministrativeUnit.objects.exclude(commune_group="").exists()


def test_second_run_changes_nothing_and_keeps_ids(ha_tinh):
    before = snapshot()
    output = load(province="42")
    assert snapshot() == before
    tallies = [line for line in output.splitlines() if "giữ nguyên" in line]
    assert len(tallies) == 7 and all("tạo 0, cập nhật 0," in line for line in tallies)


def test_a_region_or_group_set_by_hand_survives_a_reload(ha_tinh):
    AdministrativeUnit.objects.filter(era=PRE, code="18436").update(region=Region.TDMNPB)
    AdministrativeUnit.objects.filter(era=CUR, code="18436").update(commune_group=CommuneGroup.NHOM3)
    load(province="42")
    assert unit(PRE, "18436").region == Region.TDMNPB
    assert unit(CUR, "18436").commune_group == CommuneGroup.NHOM3
    assert unit(CUR, "18436").region == Region.BTB


def test_a_unit_that_drifted_from_the_package_is_put_back_with_its_id(ha_tinh):
    drifted = unit(PRE, "18436")
    AdministrativeUnit.objects.filter(pk=drifted.pk).update(name="Tên cũ", path="sai/", region="")
    output = load(province="42")
    fixed = unit(PRE, "18436")
    assert (fixed.pk, fixed.name, fixed.path) == (drifted.pk, "Xã Kim Song Trường", "42/443/18436/")
    assert fixed.region == Region.BTB
    assert "Trước 01/07/2025 (3 cấp) · Xã: tạo 0, cập nhật 1," in output
    assert fixed.history.first().history_change_reason == "load_units"


def test_dry_run_writes_nothing_and_reports_what_would_change():
    output = load(province="42", dry_run=True)
    assert not AdministrativeUnit.objects.exists() and not UnitSuccession.objects.exists()
    assert "CHẠY THỬ" in output
    assert f"Từ 01/07/2025 (2 cấp) · Xã: tạo {package_province(42)['new']}, cập nhật 0, giữ nguyên 0." in output


def test_one_era_at_a_time_links_once_both_ends_exist():
    load(province="42", era=PRE)
    assert not AdministrativeUnit.objects.filter(era=CUR).exists() and not UnitSuccession.objects.exists()
    load(province="42", era=CUR)
    assert commune_lineage() == {(f"{o:05d}", f"{n:05d}") for o, n in package_province(42)["pairs"]}


def test_a_current_unit_gets_a_region_only_when_its_predecessors_agree():
    load(province="42", era=PRE)
    AdministrativeUnit.objects.filter(era=PRE, code="18439").update(region=Region.TDMNPB)
    load(province="42", era=CUR)
    assert unit(CUR, "18436").region == ""
    assert unit(CUR, "42").region == Region.BTB


def test_a_new_province_formed_across_regions_gets_no_region():
    load(province="80")  # old Long An (ĐBSCL); new Tây Ninh = Long An + old Tây Ninh (ĐNB)
    assert unit(PRE, "80").region == Region.DBSCL
    assert unit(CUR, "80").region == ""
    assert unit(CUR, "80").name == "Tỉnh Tây Ninh"


def test_units_the_package_no_longer_has_are_reported_not_deleted(ha_tinh):
    gone = factories.make_unit(parent=unit(PRE, "443"), code="18999", name="Xã Đã Bỏ")
    output = load(province="42")
    assert AdministrativeUnit.objects.filter(pk=gone.pk).exists()
    assert "không còn trong gói (giữ lại, không xóa): 1: Trước 01/07/2025 (3 cấp): 18999 Xã Đã Bỏ" in output


def test_an_unknown_province_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError, match="không có tỉnh mã 99"):
        load(province="99")
    with pytest.raises(CommandError, match="Mã tỉnh"):
        load(province="Hà Tĩnh")
    assert not AdministrativeUnit.objects.exists()


def test_regions_file_maps_the_63_provinces_to_7_regions():
    data = yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))
    counts = {region: len(provinces) for region, provinces in data.items()}
    assert counts == {"tdmnpb": 14, "dbsh": 11, "btb": 6, "dhntb": 8, "tn": 5, "dnb": 6, "dbscl": 13}
    assert set(counts) == set(Region.values)
    codes = [code for provinces in data.values() for code in provinces]
    assert sorted(codes) == sorted(f"{int(p.code):02d}" for p in legacy.Province.iter_all())
    assert set(data["btb"]) == {"38", "40", "42", "44", "45", "46"}
    assert set(data["dhntb"]) == {"48", "49", "51", "52", "54", "56", "58", "60"}
    assert set(data["tn"]) == {"62", "64", "66", "67", "68"}


def supported_province_pairs() -> set[tuple[int, int]]:
    """Province pairs of the package's province table that some commune's lineage supports."""
    district_province = {int(d.code): int(d.province_code) for d in legacy.District.iter_all()}
    old_province = {int(w.code): district_province[int(w.district_code)] for w in legacy.Ward.iter_all()}
    new_province = {int(w.code): int(w.province_code) for w in Ward.iter_all()}
    communes = {
        (old_province[ref.code], new_province[new])
        for new, entry in ward_conversion.NEW_TO_OLD.items()
        for ref in entry.old_wards
        if ref.code in old_province
    }
    table = {(ref.code, new) for new, e in province_conversion.NEW_TO_OLD.items() for ref in e.old_provinces}
    return table & communes


@pytest.mark.slow
def test_the_whole_country_loads_in_under_a_minute_and_reloads_to_no_change():
    started = time.monotonic()
    load()
    assert time.monotonic() - started < 60
    assert [count(PRE, level) for level in (1, 2, 3)] == [63, 696, 10_051]
    assert [count(CUR, level) for level in (1, 3)] == [34, 3_321]
    assert (len(list(Province.iter_all())), len(list(Ward.iter_all()))) == (34, 3_321)
    old_codes = {int(w.code) for w in legacy.Ward.iter_all()}
    pairs = {(r.code, n) for n, e in ward_conversion.NEW_TO_OLD.items() for r in e.old_wards if r.code in old_codes}
    assert len(commune_lineage()) == len(pairs)
    province_pairs = set(
        UnitSuccession.objects.filter(successor__level=Level.PROVINCE).values_list(
            "predecessor__code", "successor__code"
        )
    )
    assert province_pairs == {(f"{o:02d}", f"{n:02d}") for o, n in supported_province_pairs()}
    assert not AdministrativeUnit.objects.filter(era=PRE, region="").exists()
    assert Counter(AdministrativeUnit.objects.filter(era=PRE, level=1).values_list("region", flat=True)) == {
        "tdmnpb": 14,
        "dbsh": 11,
        "btb": 6,
        "dhntb": 8,
        "tn": 5,
        "dnb": 6,
        "dbscl": 13,
    }
    before = snapshot()
    load()
    assert snapshot() == before


@pytest.mark.slow
def test_the_package_defects_are_handled_and_reported():
    output = load(dry_run=True)
    old_codes = {int(w.code) for w in legacy.Ward.iter_all()}
    orphans = sorted(old_codes - set(ward_conversion.OLD_TO_NEW))
    unknown = sorted(set(ward_conversion.OLD_TO_NEW) - old_codes)
    assert (len(orphans), len(unknown)) == (28, 10)
    assert f"không có đơn vị kế thừa trong gói (không ghi kế thừa): 28: {orphans[0]:05d}" in output
    assert "không có trong danh sách xã cũ (bỏ qua dòng kế thừa): 10:" in output
    assert all(f"{code:05d} → " in output for code in unknown)
    islands = ("Bạch Long Vĩ", "Cồn Cỏ", "Hoàng Sa", "Lý Sơn", "Côn Đảo")
    assert all(f"Đặc khu {name}" in output and f"Huyện {name}" in output for name in islands)
    assert "Kế thừa cấp tỉnh không có xã nào làm căn cứ (bỏ qua): 1: 82 → 80 Tỉnh Tây Ninh" in output
    # Worded as information a newcomer can read past, after the counts, one bullet each.
    notes = output.index("Ghi chú về dữ liệu nguồn (để tham khảo, không phải lỗi; đã nạp xong):")
    assert notes > output.index("Xã: tạo") and "\n  • Đặc khu" not in output[:notes]
    assert "\n  • " in output[notes:]


def test_an_island_special_zone_without_a_source_gets_no_lineage_and_no_region():
    load(province="79")
    con_dao = unit(CUR, "26732")
    assert con_dao.name == "Đặc khu Côn Đảo" and con_dao.kind == UnitKind.DAC_KHU
    assert con_dao.region == "" and not con_dao.succession_from.exists()
    assert unit(CUR, "79").region == Region.DNB
