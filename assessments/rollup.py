"""The roll-up, as plain Python with no ORM: indicators → criteria → "đạt x/19 tiêu chí".

A criterion is met iff every one of its indicators is met; a criterion with no indicator is never
met. The same functions serve a single save, a demo load and a national bulk seed, so the stored
summaries of every path agree.
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class CriterionShape:
    number: int
    name: str
    codes: tuple[str, ...]


@dataclass
class Summary:
    criteria_met: int = 0
    criteria_total: int = 0
    indicators_met: int = 0
    indicators_total: int = 0
    indicators_unknown: int = 0
    # One entry per criterion not met: {"number", "name", "codes": indicators not met, "single"}
    unmet: list = field(default_factory=list)

    @property
    def meets_standard(self) -> bool:
        return self.criteria_total > 0 and self.criteria_met == self.criteria_total


def summarize(shape: list[CriterionShape], met_by_code: dict[str, bool | None]) -> Summary:
    summary = Summary(criteria_total=len(shape))
    for criterion in shape:
        not_met = [code for code in criterion.codes if met_by_code.get(code) is not True]
        summary.indicators_total += len(criterion.codes)
        summary.indicators_met += len(criterion.codes) - len(not_met)
        summary.indicators_unknown += sum(1 for code in criterion.codes if met_by_code.get(code) is None)
        if criterion.codes and not not_met:
            summary.criteria_met += 1
        else:
            summary.unmet.append(
                {"number": criterion.number, "name": criterion.name, "codes": not_met, "single": len(criterion.codes) <= 1}
            )
    return summary


def sentence(summary: Summary, language: str | None = None) -> str:
    """The report sentence: "đạt 14/19 tiêu chí, 60/75 chỉ tiêu. Các tiêu chí chưa đạt gồm: …"."""
    language = language or translation.get_language() or "vi"
    with translation.override(language):
        text = _("đạt %(cm)s/%(ct)s tiêu chí, %(im)s/%(it)s chỉ tiêu.") % {
            "cm": summary.criteria_met, "ct": summary.criteria_total,
            "im": summary.indicators_met, "it": summary.indicators_total,
        }
        if summary.unmet:
            text += " " + _("Các tiêu chí chưa đạt gồm: %(list)s.") % {"list": "; ".join(_unmet_phrases(summary, language))}
        if summary.indicators_unknown:
            text += " " + ngettext(
                "Chưa có kết quả: %(n)s chỉ tiêu.", "Chưa có kết quả: %(n)s chỉ tiêu.", summary.indicators_unknown
            ) % {"n": summary.indicators_unknown}
        return text


def _unmet_phrases(summary: Summary, language: str) -> list[str]:
    # Vietnamese reports write criterion names in lower case inside the sentence
    # ("tiêu chí giao thông"); in English the (Vietnamese) name keeps its capital.
    phrases = []
    for item in summary.unmet:
        name = item["name"].lower() if language.startswith("vi") else item["name"]
        phrase = _("tiêu chí %(name)s") % {"name": name}
        if not item["single"] and item["codes"]:
            codes = ngettext("chỉ tiêu %(codes)s", "chỉ tiêu %(codes)s", len(item["codes"])) % {
                "codes": ", ".join(item["codes"])
            }
            phrase += f" ({codes})"
        phrases.append(phrase)
    return phrases
