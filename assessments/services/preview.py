"""What an assessment's summary would be with values a user has typed but not saved.

The entry page's live counters call this on every keystroke (debounced), so it must agree with
what "Lưu nháp" will store: it evaluates through the same TargetBook and roll-up as
indicator_results_update, and it writes nothing.
"""

from dataclasses import dataclass

from assessments import rollup
from assessments.models import Assessment, IndicatorResult
from assessments.services.book import TargetBook


@dataclass
class Preview:
    summary: rollup.Summary
    # Indicator code → met (True / False / None = unknown), in the set's order.
    met_by_code: dict[str, bool | None]
    # Criterion number → (indicators met, indicators total).
    counts: dict[int, tuple[int, int]]


def assessment_preview(
    *,
    assessment: Assessment,
    entries: dict,
    book: TargetBook | None = None,
    results: list[IndicatorResult] | None = None,
) -> Preview:
    """The summary of `assessment` if `entries` (as for indicator_results_update) were saved.

    Indicators missing from `entries` keep their stored result. Nothing is saved; four queries
    (three for the book, one for the results) unless the caller passes them in.
    """
    book = book or TargetBook.of(assessment.criteria_set)
    stored = {r.indicator_id: r for r in (results if results is not None else assessment.results.all())}
    met_by_code: dict[str, bool | None] = {}
    undetermined: set[str] = set()
    for indicator in book.indicators:
        result = stored.get(indicator.id)
        entry = entries.get(indicator.code, {})
        value = entry.get("value", result.value if result else None)
        answer = entry.get("met", result.met if result else None)
        met, _text = book.evaluate(indicator, assessment.commune, assessment.as_of, value=value, answer=answer)
        met_by_code[indicator.code] = met
        if book.is_undetermined(indicator, value, met):
            undetermined.add(indicator.code)
    counts = {
        shape.number: (sum(1 for code in shape.codes if met_by_code.get(code) is True), len(shape.codes))
        for shape in book.shape
    }
    return Preview(summary=book.summarize_codes(met_by_code, undetermined), met_by_code=met_by_code, counts=counts)
