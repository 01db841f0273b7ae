"""Synthetic criteria sets of the official shape, for load tests and the benchmark.

The bundled official sets are incomplete (many indicators and targets of QĐ 318 and QĐ 51 could not
be read, and a gap is never filled by guessing), so national-scale data needs sets with the full
official *shape*: 19 criteria / 57 indicators (xã NTM 2021-2025), 19 / 75 (xã NTM nâng cao
2021-2025) and 10 / 47 with targets by commune group (2026-2030). Criterion names come from the
bundled YAML (they are known); indicator names, counts per criterion and every target are invented.

How such a set is kept apart from the official ones (and why):
- code prefix ``synthetic-`` and ``is_synthetic=True``: the admin, the API and the set page already
  show the "Dữ liệu tổng hợp (không chính thức)" badge for this flag;
- no decision number, issuer or dates: nothing presents it as a legal text;
- ``status=published`` with ``published_by_demo=True``: the entry form, dashboards and API only
  offer published sets, and this flag is the existing way of saying "published automatically for
  generated data, not checked by an administrator" (the UI shows the demo badge);
- ``provenance`` records the generator and the seed.
"""

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from communes.models import CommuneGroup, Region
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorKind, IndicatorTarget, SetLevel, SetStatus

PREFIX = "synthetic-"
OFFICIAL_DIR = Path(settings.BASE_DIR) / "criteria" / "data" / "official"


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    level: str
    era: str
    period: tuple[int, int]
    names_from: str  # bundled YAML whose criterion names are reused
    per_criterion: tuple[int, ...]  # indicators per criterion (sums to the official count)
    by: str  # "region" (2021-2025 tables) or "group" (QĐ 51 commune groups)


SHAPES = [
    Shape(
        f"{PREFIX}xa-ntm-2021-2025",
        "Bộ tiêu chí tổng hợp dạng xã NTM 2021-2025 (19 tiêu chí, 57 chỉ tiêu)",
        SetLevel.NTM,
        "pre2025",
        (2021, 2025),
        "qd318-xa-ntm-2021-2025.yaml",
        (1, 5, 4, 1, 2, 3, 2, 4, 2, 1, 1, 3, 3, 4, 6, 1, 7, 6, 1),
        "region",
    ),
    Shape(
        f"{PREFIX}xa-ntm-nang-cao-2021-2025",
        "Bộ tiêu chí tổng hợp dạng xã NTM nâng cao 2021-2025 (19 tiêu chí, 75 chỉ tiêu)",
        SetLevel.NANG_CAO,
        "pre2025",
        (2021, 2025),
        "qd318-xa-ntm-2021-2025.yaml",
        (2, 6, 5, 2, 3, 3, 2, 4, 3, 2, 1, 3, 4, 5, 7, 3, 9, 8, 3),
        "region",
    ),
    Shape(
        f"{PREFIX}xa-ntm-2026-2030",
        "Bộ tiêu chí tổng hợp dạng xã NTM 2026-2030 (10 tiêu chí, 47 chỉ tiêu)",
        SetLevel.NTM,
        "2025",
        (2026, 2030),
        "qd51-2025-xa-ntm-2026-2030.yaml",
        (2, 8, 5, 4, 6, 5, 4, 6, 4, 3),
        "group",
    ),
]

# Invented regional offsets of numeric targets (percentage points); harder targets where the
# programme is further along, as the real tables do.
REGION_SHIFT = {
    Region.TDMNPB: -10,
    Region.DBSH: 5,
    Region.BTB: 0,
    Region.DHNTB: 0,
    Region.TN: -5,
    Region.DNB: 5,
    Region.DBSCL: -5,
}
GROUP_SHIFT = {CommuneGroup.NHOM1: 5, CommuneGroup.NHOM2: 0, CommuneGroup.NHOM3: -10}
# Income (triệu đồng/người/năm) by region in the first year, rising every year: the shape of the
# income criterion's table, with invented numbers.
INCOME_START = {
    Region.TDMNPB: 36,
    Region.DBSH: 46,
    Region.BTB: 39,
    Region.DHNTB: 41,
    Region.TN: 40,
    Region.DNB: 50,
    Region.DBSCL: 43,
}


def criterion_names(filename: str) -> list[str]:
    data = yaml.safe_load((OFFICIAL_DIR / filename).read_text(encoding="utf-8"))
    return [c["name"] for c in sorted(data["criteria"], key=lambda c: c["number"])]


def synthetic_sets() -> dict[str, CriteriaSet]:
    """The synthetic sets by code, created on first use (criteria, indicators, targets)."""
    existing = {cs.code: cs for cs in CriteriaSet.objects.filter(code__in=[s.code for s in SHAPES])}
    for shape in SHAPES:
        if shape.code not in existing:
            existing[shape.code] = _create(shape)
    return existing


def shape_of(criteria_set: CriteriaSet) -> Shape:
    return next(s for s in SHAPES if s.code == criteria_set.code)


@transaction.atomic
def _create(shape: Shape) -> CriteriaSet:
    names = criterion_names(shape.names_from)
    assert len(names) == len(shape.per_criterion), shape.code
    rng = random.Random(shape.code)  # the structure never depends on the run's seed
    cs = CriteriaSet.objects.create(
        code=shape.code,
        name=shape.name,
        level=shape.level,
        period_start=shape.period[0],
        period_end=shape.period[1],
        status=SetStatus.DRAFT,
        is_synthetic=True,
        completeness="synthetic",
        stated_criteria_count=len(names),
        stated_indicator_count=sum(shape.per_criterion),
        notes="Bộ tiêu chí sinh tự động để thử tải và đo hiệu năng (manage.py seed_synthetic); "
        "chỉ tiêu và ngưỡng là giả định, không phải văn bản chính thức.",
        provenance={"generator": "synthetic.sets", "shape_of": shape.names_from, "official": False},
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            criteria_set=cs, number=n, name=name, note="Tên tiêu chí theo bộ chính thức; nội dung chỉ tiêu giả định."
        )
        for n, name in enumerate(names, start=1)
    )
    indicators, targets = [], []
    for criterion, count in zip(criteria, shape.per_criterion, strict=True):
        for position in range(1, count + 1):
            code = str(criterion.number) if count == 1 else f"{criterion.number}.{position}"
            numeric = position % 3 == 1 and count > 1
            indicator = Indicator(
                criteria_set=cs,
                criterion=criterion,
                code=code,
                position=position,
                name=f"Chỉ tiêu tổng hợp {code} ({criterion.name})",
                verified=False,
                note="Dữ liệu tổng hợp.",
                provenance={"synthetic": True},
            )
            if criterion.name == "Thu nhập" and position == 1:
                indicator.kind, indicator.unit = IndicatorKind.NUMERIC, "triệu đồng/người/năm"
            elif numeric:
                indicator.kind, indicator.unit = IndicatorKind.NUMERIC, "%"
                indicator.operator, indicator.target_value = ">=", Decimal(rng.choice((60, 70, 80, 85, 90)))
                indicator.target_text = f"≥{indicator.target_value}%"
            else:
                indicator.target_text = "Đạt"
            indicators.append(indicator)
    Indicator.objects.bulk_create(indicators)
    for indicator in indicators:
        targets.extend(_variants(indicator, shape))
    IndicatorTarget.objects.bulk_create(targets)
    cs.status, cs.published_by_demo = SetStatus.PUBLISHED, True
    cs.save(update_fields=["status", "published_by_demo", "updated_at"])
    return cs


def _variants(indicator: Indicator, shape: Shape) -> list[IndicatorTarget]:
    if indicator.kind != IndicatorKind.NUMERIC:
        return []
    if indicator.unit != "%":  # income: by region and by year
        return [
            IndicatorTarget(
                indicator=indicator,
                region=region,
                year=year,
                operator=">=",
                value=Decimal(start + 3 * (year - shape.period[0])),
                unit=indicator.unit,
            )
            for region, start in INCOME_START.items()
            for year in range(shape.period[0], shape.period[1] + 1)
        ]
    if shape.by == "group":
        shifts = [(dict(commune_group=g), s) for g, s in GROUP_SHIFT.items()]
    elif int(indicator.code.split(".")[0]) % 2:  # half of the 2021-2025 criteria differ by region
        shifts = [(dict(region=r), s) for r, s in REGION_SHIFT.items()]
    else:
        return []
    return [
        IndicatorTarget(
            indicator=indicator,
            operator=">=",
            unit="%",
            value=min(Decimal(100), max(Decimal(30), indicator.target_value + shift)),
            **where,
        )
        for where, shift in shifts
    ]
