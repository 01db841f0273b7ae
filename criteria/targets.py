"""Which target applies to a commune on a date: by region, by commune group and by year.

Rules (the reason for each is the way the decisions' tables are written):
- a variant for the commune's region / group wins over the general target ("chỉ tiêu chung");
- if an indicator has variants by region (or group) and the commune has none recorded, no target
  applies: judging it by the national column would be a guess;
- among year variants the latest year not after the as-of year applies (an income ladder
  2022…2025 still applies its 2025 value to a 2026 assessment); years after it never do.
"""

from collections.abc import Iterable

from criteria.models import Indicator, IndicatorTarget, Target


def resolve_target(
    indicator: Indicator, variants: Iterable[IndicatorTarget], *, region: str, group: str, year: int
) -> Target | None:
    variants = list(variants)
    if any(v.region for v in variants) and not region:
        return None
    if any(v.commune_group for v in variants) and not group:
        return None
    candidates = [
        v
        for v in variants
        if v.region in ("", region) and v.commune_group in ("", group) and v.year <= year
    ]
    if candidates:
        best = max(candidates, key=lambda v: (bool(v.region), bool(v.commune_group), v.year))
        return best.as_target()
    base = indicator.base_target
    if base.is_numeric or base.text:
        return base
    return None
