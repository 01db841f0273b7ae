"""The roll-up, as plain Python with no ORM: indicators → criteria → "đạt x/19 tiêu chí".

A criterion is met iff every one of its indicators is met; a criterion with no indicator is never
met. The same functions serve a single save, a demo load and a national bulk seed, so the stored
summaries of every path agree.

Three kinds of "not met" are kept apart: failed (met is False), without a result (nothing entered
yet) and undetermined (a value was entered but no target applies to the commune): the last are
neither unmet nor "chưa có kết quả" in the sentence, and are listed in `undetermined`.

A summary over an incomplete set (criteria.completeness) never meets the standard: the status
reads "Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)" and every x/N carries the set's note.
"""

import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

# "Tiêu chí giao thông" is written "giao thông" after the sentence's own "tiêu chí".
_CRITERION_WORD = re.compile(r"^\s*tiêu\s+chí\s+", re.IGNORECASE)


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
    indicators_unknown: int = 0  # met is None: without a result, or undetermined
    # One entry per criterion not met: {"number", "name", "codes": indicators failed or without a
    # result, "single", "total": the criterion's number of indicators}.
    unmet: list = field(default_factory=list)
    # One entry per criterion with undetermined indicators: {"number", "name", "codes"}.
    undetermined: list = field(default_factory=list)
    # The set's completeness (criteria.completeness.SetGaps), as stored with the summary.
    set_complete: bool = True
    indicators_stated: int | None = None
    level: str = ""  # the set's level (criteria.models.SetLevel), named by the sentence

    @property
    def meets_held(self) -> bool:
        """Every criterion the set holds is met (on an incomplete set this is not the standard)."""
        return self.criteria_total > 0 and self.criteria_met == self.criteria_total

    @property
    def meets_standard(self) -> bool:
        return self.meets_held and self.set_complete

    @property
    def undetermined_count(self) -> int:
        return sum(len(item["codes"]) for item in self.undetermined)

    @property
    def without_result(self) -> int:
        return max(self.indicators_unknown - self.undetermined_count, 0)

    @property
    def set_note(self) -> str:
        return set_note(self)

    @property
    def status_label(self) -> str:
        return status_label(self)


def summarize(
    shape: list[CriterionShape],
    met_by_code: dict[str, bool | None],
    *,
    undetermined: frozenset[str] | set[str] = frozenset(),
    set_complete: bool = True,
    indicators_stated: int | None = None,
    level: str = "",
) -> Summary:
    """`undetermined`: codes with a value entered and no applicable target (their met is None)."""
    summary = Summary(
        criteria_total=len(shape), set_complete=set_complete, indicators_stated=indicators_stated, level=level
    )
    for criterion in shape:
        not_met = [code for code in criterion.codes if met_by_code.get(code) is not True]
        summary.indicators_total += len(criterion.codes)
        summary.indicators_met += len(criterion.codes) - len(not_met)
        summary.indicators_unknown += sum(1 for code in criterion.codes if met_by_code.get(code) is None)
        if criterion.codes and not not_met:
            summary.criteria_met += 1
            continue
        failed = [code for code in not_met if code not in undetermined]
        unsure = [code for code in not_met if code in undetermined]
        if failed or not criterion.codes:
            summary.unmet.append(
                {
                    "number": criterion.number,
                    "name": criterion.name,
                    "codes": failed,
                    "single": len(criterion.codes) <= 1,
                    "total": len(criterion.codes),
                }
            )
        if unsure:
            summary.undetermined.append({"number": criterion.number, "name": criterion.name, "codes": unsure})
    return summary


def level_phrase(level: str) -> str:
    """How a sentence names the set's level ("NTM nâng cao"); empty for a set of another kind."""
    phrases = {
        "ntm": pgettext("mức trong câu báo cáo", "NTM"),
        "ntm_nang_cao": pgettext("mức trong câu báo cáo", "NTM nâng cao"),
        "ntm_kieu_mau": pgettext("mức trong câu báo cáo", "NTM kiểu mẫu"),
        "ntm_hien_dai": pgettext("mức trong câu báo cáo", "NTM hiện đại"),
    }
    return phrases.get(level, "")


def set_note(summary: Summary) -> str:
    """The note every x/N of an incomplete set carries: "bộ tiêu chí chưa đầy đủ: 56/57 chỉ tiêu"."""
    if summary.set_complete:
        return ""
    stated = summary.indicators_stated
    if stated is not None and stated != summary.indicators_total:
        return _("bộ tiêu chí chưa đầy đủ: %(held)s/%(stated)s chỉ tiêu") % {
            "held": summary.indicators_total,
            "stated": stated,
        }
    return _("bộ tiêu chí chưa đầy đủ")


def status_label(summary: Summary) -> str:
    """ "Đạt chuẩn", or on an incomplete set "Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)"; else empty."""
    if summary.meets_standard:
        return _("Đạt chuẩn")
    if summary.meets_held:
        return _("Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)")
    return ""


def sentence(summary: Summary, language: str | None = None) -> str:
    """The report sentence: "đạt 14/19 tiêu chí, 60/75 chỉ tiêu xây dựng NTM nâng cao. Các tiêu chí,
    chỉ tiêu NTM nâng cao chưa đạt, gồm: tiêu chí giao thông (chỉ tiêu 2.1, 2.2); tiêu chí nghèo đa chiều"."""
    language = language or translation.get_language() or "vi"
    with translation.override(language):
        level = level_phrase(summary.level)
        numbers = {
            "cm": summary.criteria_met,
            "ct": summary.criteria_total,
            "im": summary.indicators_met,
            "it": summary.indicators_total,
            "level": level,
        }
        if level:
            text = _("đạt %(cm)s/%(ct)s tiêu chí, %(im)s/%(it)s chỉ tiêu xây dựng %(level)s") % numbers
        else:
            text = _("đạt %(cm)s/%(ct)s tiêu chí, %(im)s/%(it)s chỉ tiêu") % numbers
        text += _note_and_stop(summary)
        if summary.unmet:
            phrases = "; ".join(_unmet_phrases(summary, language))
            if level:
                text += " " + _("Các tiêu chí, chỉ tiêu %(level)s chưa đạt, gồm: %(list)s.") % {
                    "level": level,
                    "list": phrases,
                }
            else:
                text += " " + _("Các tiêu chí chưa đạt gồm: %(list)s.") % {"list": phrases}
        return text + _tail(summary)


def met_criteria(summary: Summary, names: dict[int, str]) -> list[dict]:
    """The criteria met, in the set's order: every criterion of `names` (number → name, the set's
    criteria) that is neither unmet nor undetermined."""
    not_met = {item["number"] for item in summary.unmet} | {item["number"] for item in summary.undetermined}
    return [{"number": number, "name": name} for number, name in sorted(names.items()) if number not in not_met]


def sentence_met(summary: Summary, names: dict[int, str], language: str | None = None) -> str:
    """The met-form reports use far from the standard: "đạt 5/19 tiêu chí xã NTM nâng cao gồm: điện, …"."""
    language = language or translation.get_language() or "vi"
    with translation.override(language):
        level = level_phrase(summary.level)
        met = [_criterion_name(item["name"], language) for item in met_criteria(summary, names)]
        values = {"cm": summary.criteria_met, "ct": summary.criteria_total, "level": level, "list": ", ".join(met)}
        if met and level:
            text = _("đạt %(cm)s/%(ct)s tiêu chí xã %(level)s gồm: %(list)s") % values
        elif met:
            text = _("đạt %(cm)s/%(ct)s tiêu chí gồm: %(list)s") % values
        elif level:
            text = _("đạt %(cm)s/%(ct)s tiêu chí xã %(level)s") % values
        else:
            text = _("đạt %(cm)s/%(ct)s tiêu chí") % values
        return text + _note_and_stop(summary) + _tail(summary)


def shorter_sentence(summary: Summary, names: dict[int, str], language: str | None = None) -> str:
    """The shorter of the two forms, what the commune page and the print report show: the one naming
    fewer criteria (the unmet-form on a tie), as reports list the criteria met only far from the standard."""
    if len(met_criteria(summary, names)) < len(summary.unmet):
        return sentence_met(summary, names, language)
    return sentence(summary, language)


def _note_and_stop(summary: Summary) -> str:
    note = set_note(summary)
    return f" ({note})." if note else "."


def _tail(summary: Summary) -> str:
    text = ""
    undetermined = [code for item in summary.undetermined for code in item["codes"]]
    if undetermined:
        text += " " + ngettext(
            "%(n)s chỉ tiêu chưa xác định được (chưa có ngưỡng áp dụng): %(codes)s.",
            "%(n)s chỉ tiêu chưa xác định được (chưa có ngưỡng áp dụng): %(codes)s.",
            len(undetermined),
        ) % {"n": len(undetermined), "codes": ", ".join(undetermined)}
    if summary.without_result:
        text += " " + ngettext(
            "Chưa có kết quả: %(n)s chỉ tiêu.", "Chưa có kết quả: %(n)s chỉ tiêu.", summary.without_result
        ) % {"n": summary.without_result}
    return text


def _criterion_name(name: str, language: str) -> str:
    # Vietnamese reports write criterion names in lower case inside the sentence
    # ("tiêu chí giao thông"); in English the (Vietnamese) name keeps its capital.
    name = _CRITERION_WORD.sub("", name) or name
    return name.lower() if language.startswith("vi") else name[:1].upper() + name[1:]


def _named_alone(item: dict) -> bool:
    # Every indicator of the criterion failed (this includes every unmet one-indicator criterion);
    # a summary stored before "total" existed falls back to the one-indicator rule.
    total = item.get("total")
    if total is None:
        return item["single"]
    return not item["codes"] or len(item["codes"]) >= total


def _unmet_phrases(summary: Summary, language: str) -> list[str]:
    phrases = []
    for item in summary.unmet:
        phrase = _("tiêu chí %(name)s") % {"name": _criterion_name(item["name"], language)}
        if not _named_alone(item):
            codes = ngettext("chỉ tiêu %(codes)s", "chỉ tiêu %(codes)s", len(item["codes"])) % {
                "codes": ", ".join(item["codes"])
            }
            phrase += f" ({codes})"
        phrases.append(phrase)
    return phrases
