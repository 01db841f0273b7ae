"""Load the administrative units of both eras and the 2025 lineage from the pinned vietnam-provinces package.

The package is the source of codes, names, kinds, the tree and the lineage; this module adds only the
region (communes/data/regions.yaml). A load is a diff against the database: new units are bulk-created,
changed ones bulk-updated, nothing is deleted, ids are kept. A region or commune group already set is
never overwritten, because an admin may have corrected it. Defects of the package data are handled and
listed in the report instead of stopping the load.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import vietnam_provinces
import yaml
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history
from vietnam_provinces import _province_conversion_2025 as province_conversion
from vietnam_provinces import _ward_conversion_2025 as ward_conversion
from vietnam_provinces import legacy

from communes.models import REFORM_DATE, AdministrativeUnit, Era, Level, Region, UnitKind, UnitSuccession
from ntm.lib import data_version

REGIONS_FILE = Path(__file__).parent / "data" / "regions.yaml"
PRE, CUR = Era.PRE_2025.value, Era.CURRENT.value
PRE_END = REFORM_DATE - datetime.timedelta(days=1)
WIDTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
BATCH = 1000
REASON = "load_units"
# The package's division types by level; "thành phố" is a provincial city only at district level.
KINDS = {
    (Level.PROVINCE, "tỉnh"): UnitKind.TINH,
    (Level.PROVINCE, "thành phố trung ương"): UnitKind.THANH_PHO_TW,
    (Level.DISTRICT, "huyện"): UnitKind.HUYEN,
    (Level.DISTRICT, "quận"): UnitKind.QUAN,
    (Level.DISTRICT, "thị xã"): UnitKind.THI_XA,
    (Level.DISTRICT, "thành phố"): UnitKind.THANH_PHO,
    (Level.COMMUNE, "xã"): UnitKind.XA,
    (Level.COMMUNE, "phường"): UnitKind.PHUONG,
    (Level.COMMUNE, "thị trấn"): UnitKind.THI_TRAN,
    (Level.COMMUNE, "đặc khu"): UnitKind.DAC_KHU,
}
SYNCED = ("name", "kind", "level", "parent_id", "path", "valid_from", "valid_to")


class LoadError(Exception):
    """The package or regions.yaml cannot be used, or the options name nothing: nothing was written."""


@dataclass(frozen=True)
class UnitSpec:
    era: str
    code: str
    name: str
    kind: str
    level: int
    parent: str | None
    path: str
    region: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.era, self.code

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Link:
    """Old unit `old` (pre-2025 code) became wholly or partly part of new unit `new` (current code)."""

    old: str
    new: str
    partial: bool
    level: int


@dataclass
class Defect:
    message: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (path used for --province, label)

    def within(self, scope: "Scope") -> "Defect":
        return Defect(self.message, [item for item in self.items if scope.covers(item[0])])


@dataclass
class Package:
    units: list[UnitSpec]
    links: list[Link]
    defects: list[Defect]

    def unit(self, era: str, code: str) -> UnitSpec | None:
        return self._index.get((era, code))

    def __post_init__(self):
        self._index = {spec.key: spec for spec in self.units}


@dataclass(frozen=True)
class Scope:
    eras: tuple[str, ...]
    province: str | None

    def covers(self, path: str) -> bool:
        return self.province is None or path.startswith(f"{self.province}/")

    def includes(self, era: str, path: str) -> bool:
        return era in self.eras and self.covers(path)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class UnitLoadReport:
    dry_run: bool
    scope: Scope
    units: dict[tuple[str, int], Tally] = field(default_factory=lambda: defaultdict(Tally))
    lineage: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    stale: list[str] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)


# --- reading the package -------------------------------------------------------------------------


def read_regions(path: Path = REGIONS_FILE) -> dict[str, str]:
    """Province code (2 digits, pre-2025) → Region value, from regions.yaml."""
    regions: dict[str, str] = {}
    for region, provinces in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
        if region not in Region.values:
            raise LoadError(_("regions.yaml: vùng “%(region)s” không có trong danh sách 7 vùng.") % {"region": region})
        for code in provinces or {}:
            code = str(code).zfill(2)
            if code in regions:
                raise LoadError(_("regions.yaml: tỉnh %(code)s có hai vùng.") % {"code": code})
            regions[code] = region
    return regions


def _code(value, level: int) -> str:
    return str(int(value)).zfill(WIDTH[level])


def _kind(level: int, division_type) -> str:
    try:
        return KINDS[level, str(division_type)]
    except KeyError:
        raise LoadError(
            _("Gói vietnam-provinces có loại đơn vị “%(type)s” ở cấp %(level)s chưa được ánh xạ.")
            % {"type": division_type, "level": level}
        ) from None


def _spec(era: str, level: int, item, parent: UnitSpec | None, region: str = "") -> UnitSpec:
    code = _code(item.code, level)
    path = f"{parent.path if parent else ''}{code}/"
    return UnitSpec(era, code, item.name, _kind(level, item.division_type), level, parent and parent.code, path, region)


def _legacy_units(regions: dict[str, str]) -> list[UnitSpec]:
    provinces, districts, units = {}, {}, []
    for p in legacy.Province.iter_all():
        code = _code(p.code, Level.PROVINCE)
        units.append(provinces.setdefault(int(p.code), _spec(PRE, Level.PROVINCE, p, None, regions.get(code, ""))))
    for d in legacy.District.iter_all():
        parent = provinces[int(d.province_code)]
        units.append(districts.setdefault(int(d.code), _spec(PRE, Level.DISTRICT, d, parent, parent.region)))
    for w in legacy.Ward.iter_all():
        parent = districts[int(w.district_code)]
        units.append(_spec(PRE, Level.COMMUNE, w, parent, parent.region))
    return units


def _current_units() -> list[UnitSpec]:
    provinces = {int(p.code): _spec(CUR, Level.PROVINCE, p, None) for p in vietnam_provinces.Province.iter_all()}
    wards = [_spec(CUR, Level.COMMUNE, w, provinces[int(w.province_code)]) for w in vietnam_provinces.Ward.iter_all()]
    return [*provinces.values(), *wards]


def read_package(regions: dict[str, str] | None = None) -> Package:
    """Every unit of both eras, every usable lineage row, and the defects found on the way."""
    regions = read_regions() if regions is None else regions
    package = Package([*_legacy_units(regions), *_current_units()], [], [])
    commune_links, link_defects = _commune_links(package)
    province_links, province_defect = _province_links(package, commune_links)
    package.links = commune_links + province_links
    package.defects = [*_tree_defects(package, regions), *link_defects, province_defect]
    return package


def _commune_links(package: Package) -> tuple[list[Link], list[Defect]]:
    unknown = Defect(_("Mã xã cũ có trong bảng chuyển đổi nhưng không có trong danh sách xã cũ (bỏ qua dòng kế thừa)"))
    misplaced = Defect(_("Dòng chuyển đổi ghi tỉnh/huyện khác với cây cũ (bảng ≠ cây; dùng cây cũ)"))
    disagree = Defect(_("Cặp kế thừa có cờ “một phần” khác nhau giữa OLD_TO_NEW và NEW_TO_OLD (ghi là một phần)"))
    links, unknown_targets = [], defaultdict(list)
    for new_code, entry in ward_conversion.NEW_TO_OLD.items():
        new = package.unit(CUR, _code(new_code, Level.COMMUNE))
        for ref in entry.old_wards:
            old = package.unit(PRE, _code(ref.code, Level.COMMUNE))
            if old is None:
                unknown_targets[_code(ref.code, Level.COMMUNE)].append(new)
                continue
            stated = f"{_code(ref.province_code, Level.PROVINCE)}/{_code(ref.district_code, Level.DISTRICT)}/"
            if not old.path.startswith(stated):
                misplaced.items.append((old.path, f"{old.label}: {stated} ≠ {old.path.rsplit('/', 2)[0]}/"))
            # OLD_TO_NEW keeps the package's documented is_partly_merged(); it is true whenever the
            # per-pair flag of NEW_TO_OLD is, so "partial" means "not wholly absorbed by this unit".
            partial = ward_conversion.is_partly_merged(ref.code) or ref.is_partly_merged
            if partial != ref.is_partly_merged:
                disagree.items.append((old.path, f"{old.label} → {new.label}"))
            links.append(Link(old.code, new.code, bool(partial), Level.COMMUNE))
    for code, targets in unknown_targets.items():
        unknown.items.append((targets[0].path, f"{code} → " + ", ".join(t.label for t in targets)))
    return links, [unknown, misplaced, disagree]


def _province_links(package: Package, commune_links: list[Link]) -> tuple[list[Link], Defect]:
    """Province lineage from the province table, kept only where some commune lineage supports it:
    that table is derived from the ward table, so one misplaced ward row adds a false pair."""
    supported = {(package.unit(PRE, ln.old).path[:2], package.unit(CUR, ln.new).path[:2]) for ln in commune_links}
    unsupported = Defect(_("Kế thừa cấp tỉnh không có xã nào làm căn cứ (bỏ qua)"))
    pairs = []
    for new_code, entry in province_conversion.NEW_TO_OLD.items():
        new = package.unit(CUR, _code(new_code, Level.PROVINCE))
        for ref in entry.old_provinces:
            old = package.unit(PRE, _code(ref.code, Level.PROVINCE))
            if old is None or (old.code, new.code) not in supported:
                unsupported.items.append((new.path, f"{_code(ref.code, Level.PROVINCE)} → {new.label}"))
            else:
                pairs.append((old.code, new.code))
    successors = defaultdict(int)
    for old, _new in pairs:
        successors[old] += 1
    return [Link(old, new, successors[old] > 1, Level.PROVINCE) for old, new in pairs], unsupported


def _tree_defects(package: Package, regions: dict[str, str]) -> list[Defect]:
    old_sources = {ln.old for ln in package.links if ln.level == Level.COMMUNE}
    new_targets = {ln.new for ln in package.links if ln.level == Level.COMMUNE}
    districts_used = {spec.parent for spec in package.units if spec.era == PRE and spec.level == Level.COMMUNE}
    pre = [spec for spec in package.units if spec.era == PRE]
    checks = [
        (
            _("Xã cũ không có đơn vị kế thừa trong gói (không ghi kế thừa)"),
            [s for s in pre if s.level == Level.COMMUNE and s.code not in old_sources],
        ),
        (
            _("Đơn vị mới không có nguồn trong bảng chuyển đổi (không ghi kế thừa, vùng để trống)"),
            [s for s in package.units if s.era == CUR and s.level == Level.COMMUNE and s.code not in new_targets],
        ),
        (
            _("Huyện cũ không có xã nào trong gói"),
            [s for s in pre if s.level == Level.DISTRICT and s.code not in districts_used],
        ),
        (
            _("Tỉnh cũ chưa có vùng trong regions.yaml (vùng để trống)"),
            [s for s in pre if s.level == Level.PROVINCE and s.code not in regions],
        ),
    ]
    return [Defect(message, [(s.path, s.label) for s in specs]) for message, specs in checks]


# --- writing -------------------------------------------------------------------------------------


def _scope(package: Package, province: str | None, era: str | None) -> Scope:
    eras = (era,) if era else (PRE, CUR)
    if era and era not in (PRE, CUR):
        raise LoadError(_("Thời kỳ “%(era)s” không hợp lệ (pre2025 hoặc 2025).") % {"era": era})
    if province is None:
        return Scope(eras, None)
    if not str(province).isdigit():
        raise LoadError(_("Mã tỉnh “%(code)s” không hợp lệ.") % {"code": province})
    code = _code(province, Level.PROVINCE)
    if not any(package.unit(e, code) for e in eras):
        raise LoadError(_("Gói vietnam-provinces không có tỉnh mã %(code)s trong thời kỳ đã chọn.") % {"code": code})
    return Scope(eras, code)


@transaction.atomic
def units_load(*, province: str | None = None, era: str | None = None, dry_run: bool = False) -> UnitLoadReport:
    """Create or update the units in scope and every lineage row whose both ends are then in the database.

    `province` limits the load to the pre-2025 and the current province with that code and their
    subtrees; `era` to one era. With `dry_run` everything runs and is rolled back, so the report
    says what a real run would change.
    """
    package = read_package()
    report = UnitLoadReport(dry_run=dry_run, scope=_scope(package, province, era))
    existing = {(u.era, u.code): u for u in AdministrativeUnit.objects.order_by()}
    regions = _desired_regions(package, existing)
    specs = [s for s in package.units if report.scope.includes(s.era, s.path)]
    _sync_units(specs, regions, existing, report)
    _sync_links(package.links, report)
    known = {spec.key for spec in package.units}
    report.stale = [
        f"{u.get_era_display()}: {u.code} {u.name}"
        for key, u in existing.items()
        if key not in known and u.level != Level.VILLAGE and report.scope.includes(u.era, u.path)
    ]
    report.defects = [d.within(report.scope) for d in package.defects]
    if dry_run:
        transaction.set_rollback(True)
    else:
        data_version.bump()  # bulk writes send no signals
    return report


def _desired_regions(package: Package, existing: dict) -> dict[tuple[str, str], str]:
    """Pre-2025 units: their province's region. Current units: the one region all their predecessors
    share, else blank. A region already set on a predecessor (a correction) counts as its region."""
    regions = {spec.key: spec.region for spec in package.units if spec.era == PRE}
    regions |= {key: unit.region for key, unit in existing.items() if unit.era == PRE and unit.region}
    predecessors = defaultdict(set)
    for link in package.links:
        predecessors[(CUR, link.new)].add(regions.get((PRE, link.old), ""))
    for spec in package.units:
        if spec.era == CUR:
            found = predecessors.get(spec.key, set())
            regions[spec.key] = next(iter(found)) if len(found) == 1 else ""
    return regions


def _wanted(spec: UnitSpec, ids: dict) -> dict:
    return {
        "name": spec.name,
        "kind": spec.kind,
        "level": spec.level,
        "path": spec.path,
        "parent_id": ids[spec.era, spec.parent] if spec.parent else None,
        "valid_from": REFORM_DATE if spec.era == CUR else None,
        "valid_to": PRE_END if spec.era == PRE else None,
    }


def _changes(unit: AdministrativeUnit, wanted: dict, region: str) -> list[str]:
    """Apply `wanted` to `unit`; return the changed field names. A region already set is kept."""
    changed = [name for name in SYNCED if getattr(unit, name) != wanted[name]]
    for name in changed:
        setattr(unit, name, wanted[name])
    if region and not unit.region:
        unit.region = region
        changed.append("region")
    return [name.removesuffix("_id") for name in changed]


def _sync_units(specs: list[UnitSpec], regions: dict, existing: dict, report: UnitLoadReport) -> None:
    ids = {key: unit.pk for key, unit in existing.items()}
    # Parents first, so that each level finds the ids of the level above, created or not.
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        new, changed, fields = [], [], set()
        for spec in (s for s in specs if s.level == level):
            tally, wanted = report.units[spec.era, level], _wanted(spec, ids)
            unit = existing.get(spec.key)
            if unit is None:
                new.append(AdministrativeUnit(era=spec.era, code=spec.code, region=regions[spec.key], **wanted))
                tally.created += 1
            elif diff := _changes(unit, wanted, regions[spec.key]):
                changed.append(unit)
                fields.update(diff)
                tally.updated += 1
            else:
                tally.unchanged += 1
        for unit in bulk_create_with_history(new, AdministrativeUnit, batch_size=BATCH, default_change_reason=REASON):
            ids[unit.era, unit.code] = unit.pk
        if changed:
            bulk_update_with_history(
                changed, AdministrativeUnit, sorted(fields), batch_size=BATCH, default_change_reason=REASON
            )


def _sync_links(links: list[Link], report: UnitLoadReport) -> None:
    ids = {(era, code): pk for era, code, pk in AdministrativeUnit.objects.values_list("era", "code", "pk")}
    have = {
        (old, new): (pk, partial)
        for pk, old, new, partial in UnitSuccession.objects.values_list("pk", "predecessor", "successor", "partial")
    }
    new_rows, changed = [], []
    for link in links:
        old, new = ids.get((PRE, link.old)), ids.get((CUR, link.new))
        if old is None or new is None:
            continue
        tally, current = report.lineage[link.level], have.get((old, new))
        if current is None:
            new_rows.append(UnitSuccession(predecessor_id=old, successor_id=new, partial=link.partial))
            tally.created += 1
        elif current[1] != link.partial:
            changed.append(UnitSuccession(pk=current[0], partial=link.partial))
            tally.updated += 1
        else:
            tally.unchanged += 1
    UnitSuccession.objects.bulk_create(new_rows, batch_size=BATCH)
    UnitSuccession.objects.bulk_update(changed, ["partial"], batch_size=BATCH)


# --- reporting -----------------------------------------------------------------------------------


def count_lines(report: UnitLoadReport) -> list[str]:
    lines = [_("Nguồn: gói vietnam-provinces %(version)s.") % {"version": vietnam_provinces.__version__}]
    if report.dry_run:
        lines.append(_("CHẠY THỬ: không ghi gì vào cơ sở dữ liệu; các số dưới đây là những gì sẽ thay đổi."))
    for (era, level), tally in sorted(report.units.items(), key=lambda item: (item[0][0] != PRE, item[0][1])):
        lines.append(_tally_line(f"{Era(era).label} · {Level(level).label}", tally))
    names = {Level.PROVINCE: _("Kế thừa cấp tỉnh"), Level.COMMUNE: _("Kế thừa cấp xã")}
    for level, tally in sorted(report.lineage.items()):
        lines.append(_tally_line(str(names[level]), tally))
    return lines


def _tally_line(label: str, tally: Tally) -> str:
    return _("%(label)s: tạo %(created)d, cập nhật %(updated)d, giữ nguyên %(unchanged)d.") % {
        "label": label,
        "created": tally.created,
        "updated": tally.updated,
        "unchanged": tally.unchanged,
    }


def defect_lines(report: UnitLoadReport, limit: int = 50) -> list[str]:
    """The stale units and the package's data defects, each with its count and codes/names."""
    sections = [(_("Đơn vị trong cơ sở dữ liệu không còn trong gói (giữ lại, không xóa)"), report.stale)]
    sections += [(d.message, [label for _path, label in d.items]) for d in report.defects]
    lines = []
    for message, labels in sections:
        if labels:
            more = len(labels) - limit
            tail = _("; … và %(n)d mục khác") % {"n": more} if more > 0 else ""
            lines.append(f"{message}: {len(labels)}: " + "; ".join(labels[:limit]) + tail)
    return lines
