"""TargetBook: one criteria set's indicators and targets, read once, evaluated many times."""

import datetime
from collections import defaultdict
from decimal import Decimal

from assessments import rollup
from communes.models import AdministrativeUnit
from criteria.completeness import gaps_of
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorKind, IndicatorTarget
from criteria.targets import Resolution, resolve

# Books of frozen sets, per process: (set id, created at) → book. A frozen set can no longer change
# (the criteria models refuse to save or delete anything in it), so its book never goes stale.
_FROZEN: dict[tuple, "TargetBook"] = {}


class TargetBook:
    """One set's criteria, indicators and target variants, read once (three queries)."""

    @classmethod
    def of(cls, criteria_set: CriteriaSet) -> "TargetBook":
        """The set's book: read again for a draft set, kept once read for a frozen one (the daily case:
        every save and every live preview of an assessment then skips three queries)."""
        if not criteria_set.is_frozen:
            return cls(criteria_set)
        key = (criteria_set.pk, criteria_set.created_at)  # ids may come back in a test database
        book = _FROZEN.get(key)
        if book is None:
            book = _FROZEN[key] = cls(criteria_set)
        return book

    def __init__(self, criteria_set: CriteriaSet):
        self.criteria_set = criteria_set
        criteria = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("number"))
        self.indicators = list(
            Indicator.objects.filter(criteria_set=criteria_set).order_by("criterion__number", "position", "id")
        )
        self.variants = defaultdict(list)
        for variant in IndicatorTarget.objects.filter(indicator__criteria_set=criteria_set):
            self.variants[variant.indicator_id].append(variant)
        codes = defaultdict(list)
        for indicator in self.indicators:
            codes[indicator.criterion_id].append(indicator.code)
        self.shape = [rollup.CriterionShape(c.number, c.name, tuple(codes[c.id])) for c in criteria]
        self.by_code = {i.code: i for i in self.indicators}
        self.by_id = {i.id: i for i in self.indicators}
        self.gaps = gaps_of(
            criteria_set, criteria_count=len(criteria), indicators=self.indicators, with_variants=set(self.variants)
        )

    def resolve(self, indicator: Indicator, commune: AdministrativeUnit, as_of: datetime.date) -> Resolution:
        """The target (criteria.targets' rule) and, when none applies, the reason."""
        return resolve(
            indicator,
            self.variants[indicator.id],
            region=commune.region,
            group=commune.commune_group,
            year=as_of.year,
        )

    def target_for(self, indicator: Indicator, commune: AdministrativeUnit, as_of: datetime.date):
        return self.resolve(indicator, commune, as_of).target

    def evaluate(self, indicator, commune, as_of, *, value, answer) -> tuple[bool | None, str]:
        """(met, target text) for one result: numeric ones are computed, yes/no ones answered."""
        target = self.target_for(indicator, commune, as_of)
        text = target.display() if target else ""
        if indicator.kind == IndicatorKind.NUMERIC:
            if value is None or target is None or not target.is_numeric:
                return None, text
            return target.evaluate(Decimal(value)), text
        return answer, text

    def summarize(self, results) -> rollup.Summary:
        met_by_code, undetermined = {}, set()
        for r in results:
            indicator = self.by_id[r.indicator_id]
            met_by_code[indicator.code] = r.met
            if self.is_undetermined(indicator, r.value, r.met):
                undetermined.add(indicator.code)
        return self.summarize_codes(met_by_code, undetermined)

    def summarize_codes(self, met_by_code: dict, undetermined: set[str]) -> rollup.Summary:
        """The summary of met by code, with the set's completeness and level (rollup.summarize)."""
        return rollup.summarize(
            self.shape,
            met_by_code,
            undetermined=undetermined,
            set_complete=self.gaps.complete,
            indicators_stated=self.gaps.indicators_stated,
            level=self.criteria_set.level,
        )

    @staticmethod
    def is_undetermined(indicator: Indicator, value, met) -> bool:
        """A value was entered but no target applies: neither met nor failed, and not "no result"."""
        return indicator.kind == IndicatorKind.NUMERIC and value is not None and met is None

    def unanswered(self, results) -> list[str]:
        """Codes, in set order, of the results the commune has not filled in yet.

        A numeric indicator is answered by its value (its "met" may stay unknown when the set has
        no target for it yet); a yes/no indicator by its answer.
        """
        by_indicator = {r.indicator_id: r for r in results}
        missing = []
        for indicator in self.indicators:
            result = by_indicator.get(indicator.id)
            answer = (
                None if result is None else (result.value if indicator.kind == IndicatorKind.NUMERIC else result.met)
            )
            if answer is None:
                missing.append(indicator.code)
        return missing
