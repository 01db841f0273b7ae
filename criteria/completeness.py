"""Whether a criteria set holds everything its decision states (the completeness rule).

A set is incomplete when the number of criteria or indicators the decision states (the
`stated_*_count` fields, loaded from the YAML's `counts.*_stated_by_*`) differs from what the set
holds, or when a numeric indicator has no target at all (no general target and no variant): the
decision has one, it was not retrieved, so no commune can be judged on it. A yes/no indicator is
judged by its answer, so a missing target text does not make the set incomplete.

A summary over an incomplete set never says "Đạt chuẩn" (assessments.rollup), and publishing one
for real use needs an explicit confirmation (criteria.services.criteria_set_publish).
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from criteria.models import CriteriaSet, Indicator, IndicatorKind, IndicatorTarget


@dataclass(frozen=True)
class SetGaps:
    criteria_held: int
    criteria_stated: int | None
    indicators_held: int
    indicators_stated: int | None
    targets_missing: tuple[str, ...] = ()  # codes of numeric indicators without any target

    @property
    def complete(self) -> bool:
        return (
            (self.criteria_stated is None or self.criteria_stated == self.criteria_held)
            and (self.indicators_stated is None or self.indicators_stated == self.indicators_held)
            and not self.targets_missing
        )

    def describe(self) -> list[str]:
        """What is missing, one phrase each (empty when complete), for the publish confirmation."""
        parts = []
        if self.criteria_stated is not None and self.criteria_stated != self.criteria_held:
            parts.append(
                _("có %(held)s/%(stated)s tiêu chí theo quyết định")
                % {"held": self.criteria_held, "stated": self.criteria_stated}
            )
        if self.indicators_stated is not None and self.indicators_stated != self.indicators_held:
            parts.append(
                _("có %(held)s/%(stated)s chỉ tiêu theo quyết định")
                % {"held": self.indicators_held, "stated": self.indicators_stated}
            )
        if self.targets_missing:
            parts.append(_("chỉ tiêu chưa có ngưỡng: %(codes)s") % {"codes": ", ".join(self.targets_missing)})
        return parts


def gaps_of(
    criteria_set: CriteriaSet, *, criteria_count: int, indicators: Iterable[Indicator], with_variants: Collection[int]
) -> SetGaps:
    """The gaps of a set whose indicators are already read; `with_variants`: ids of those with variants."""
    indicators = list(indicators)
    missing = tuple(
        i.code for i in indicators if i.kind == IndicatorKind.NUMERIC and i.target_missing and i.id not in with_variants
    )
    return SetGaps(
        criteria_held=criteria_count,
        criteria_stated=criteria_set.stated_criteria_count,
        indicators_held=len(indicators),
        indicators_stated=criteria_set.stated_indicator_count,
        targets_missing=missing,
    )


def set_gaps(criteria_set: CriteriaSet) -> SetGaps:
    """The gaps of `criteria_set`, read from the database (three queries)."""
    indicators = list(
        Indicator.objects.filter(criteria_set=criteria_set).order_by("criterion__number", "position", "id")
    )
    with_variants = set(
        IndicatorTarget.objects.filter(indicator__criteria_set=criteria_set).values_list("indicator_id", flat=True)
    )
    return gaps_of(
        criteria_set,
        criteria_count=criteria_set.criteria.count(),
        indicators=indicators,
        with_variants=with_variants,
    )
