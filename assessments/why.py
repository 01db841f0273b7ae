"""Why an indicator or a criterion of an assessment is đạt, chưa đạt or chưa xác định.

One place computes the explanation every page and the API show behind a state badge: for a
criterion, the rule (every indicator met) and which indicators are met, not met or unknown; for an
indicator, the target applied and why that one (criteria.targets' rule: the ladder's year, the
commune's region or group, else the general target), where the target comes from and whether it
was checked against the decision, the value, the evidence, who verified it and when, and for an
unknown state the reason. Reads only, in a fixed number of queries (the assessment is loaded by
the caller, within the user's scope: assessments.selectors.assessment_for).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.models import Assessment, EvidenceFile, IndicatorResult, VerificationState
from communes.models import CommuneGroup, Region
from criteria.models import Criterion, Indicator, IndicatorKind, IndicatorTarget, SourceDocument, Target
from criteria.sources import source_keys
from criteria.targets import GENERAL, Resolution, resolve
from ntm.lib.html import safe_url

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"

# Why an indicator is "chưa xác định" (the `reason_code` of an explanation).
NO_ANSWER = "no_answer"  # a yes/no indicator not answered yet
NO_VALUE = "no_value"  # a numeric indicator without a value
NO_REGION = "no_region"  # the year's targets go by region and the commune has none recorded
NO_GROUP = "no_group"  # the same, by commune group
TARGET_GAP = "target_gap"  # the commune's target was not retrieved from the decision
NO_TARGET = "no_target"  # the set holds no target at all for the indicator
TARGET_IN_WORDS = "target_in_words"  # a numeric indicator whose target is only written in words
NO_INDICATORS = "no_indicators"  # a criterion the set holds no indicator of (an incomplete set)
INDICATORS_UNKNOWN = "indicators_unknown"  # a criterion with indicators still unknown, none failed


@dataclass
class SourceRef:
    key: str
    url: str = ""
    description: str = ""


@dataclass
class IndicatorWhy:
    assessment: Assessment
    indicator: Indicator
    result: IndicatorResult | None
    state: str
    target: str = ""  # the target that applies today under the set's rule
    target_applied: str = ""  # the target written with the result when it was saved
    basis: list[str] = field(default_factory=list)  # why that target, one sentence each
    reason_code: str = ""
    reason: str = ""  # why "chưa xác định"; empty otherwise
    sources: list[SourceRef] = field(default_factory=list)
    evidence: list[EvidenceFile] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def value(self) -> Decimal | None:
        return self.result.value if self.result else None

    @property
    def answer(self) -> bool | None:
        return self.result.met if self.result else None

    @property
    def is_numeric(self) -> bool:
        return self.indicator.kind == IndicatorKind.NUMERIC

    @property
    def verification_state(self) -> str:
        return self.result.verification_state if self.result else VerificationState.UNCHECKED


@dataclass
class IndicatorLine:
    """One indicator in a criterion's explanation: its state and, when unknown, why."""

    code: str
    name: str
    state: str
    reason: str = ""


@dataclass
class CriterionWhy:
    assessment: Assessment
    criterion: Criterion
    state: str
    lines: list[IndicatorLine] = field(default_factory=list)
    reason_code: str = ""
    reason: str = ""
    set_note: str = ""  # "bộ tiêu chí chưa đầy đủ: 56/57 chỉ tiêu" on an incomplete set
    sources: list[SourceRef] = field(default_factory=list)

    def codes(self, state: str) -> list[str]:
        return [line.code for line in self.lines if line.state == state]


def _state(met: bool | None) -> str:
    return MET if met is True else NOT_MET if met is False else UNKNOWN


def _source_refs(texts: list[str]) -> list[SourceRef]:
    """The source keys cited ("S29, S30"), resolved to their documents in one query; an unknown key stays text."""
    keys = source_keys(*texts)
    if not keys:
        return []
    docs = SourceDocument.objects.in_bulk(keys, field_name="key")
    refs = []
    for key in keys:
        doc = docs.get(key)
        refs.append(SourceRef(key, safe_url(doc.url) if doc else "", doc.description if doc else ""))
    return refs


def _column_of(target: Target) -> tuple[str, str]:
    """(region, group) of the column a resolved target was written in ("" for the general one)."""
    parts = [] if target.source == GENERAL else str(target.source).split("/")
    region = next((p for p in parts if p in Region.values), "")
    group = next((p for p in parts if p in CommuneGroup.values), "")
    return region, group


def _basis(resolution: Resolution, variants: list[IndicatorTarget], assessment: Assessment) -> list[str]:
    """Why the target that applies is that one: its column (region, group, general) and its year."""
    target, as_of_year = resolution.target, assessment.as_of.year
    region, group = _column_of(target)
    lines = []
    if region:
        lines.append(_("Ngưỡng riêng của vùng %(name)s, là vùng của xã.") % {"name": Region(region).label})
    elif group:
        lines.append(_("Ngưỡng riêng của %(name)s, là nhóm của xã.") % {"name": CommuneGroup(group).label})
    elif any(v.region or v.commune_group for v in variants):
        lines.append(_("Ngưỡng chung của chỉ tiêu: bộ tiêu chí không ghi ngưỡng riêng cho vùng hay nhóm của xã."))
    else:
        lines.append(_("Ngưỡng chung của chỉ tiêu, áp dụng cho mọi xã."))
    if resolution.year:
        lines.append(
            _("Theo lộ trình theo năm: áp dụng mức của năm %(year)s, năm gần nhất không sau năm đánh giá %(as_of)s.")
            % {"year": resolution.year, "as_of": as_of_year}
        )
    elif any(v.year for v in variants):
        lines.append(
            _("Lộ trình theo năm của chỉ tiêu bắt đầu sau năm đánh giá %(as_of)s, nên áp dụng mức không theo năm.")
            % {"as_of": as_of_year}
        )
    return lines


def _unknown_reason(indicator: Indicator, result: IndicatorResult | None, resolution: Resolution) -> tuple[str, str]:
    """(code, sentence) for an indicator neither met nor failed."""
    if indicator.kind != IndicatorKind.NUMERIC:
        return NO_ANSWER, _("Xã chưa trả lời chỉ tiêu này đạt hay chưa đạt.")
    if result is None or result.value is None:
        return NO_VALUE, _("Xã chưa nhập giá trị của chỉ tiêu này.")
    target = resolution.target
    if target is None:
        if resolution.lacks == "region":
            return NO_REGION, resolution.reason
        if resolution.lacks == "group":
            return NO_GROUP, resolution.reason
        if resolution.gap:
            return TARGET_GAP, resolution.reason
        return NO_TARGET, _(
            "Bộ tiêu chí chưa có ngưỡng cho chỉ tiêu này (chưa thu thập được từ văn bản), nên chưa "
            "so được giá trị với ngưỡng."
        )
    if not target.is_numeric:
        return TARGET_IN_WORDS, _("Ngưỡng “%(target)s” chỉ ghi bằng lời, không so được với một giá trị số.") % {
            "target": target.display()
        }
    # The stored result predates the target (a row added since): saving the assessment again judges it.
    return NO_TARGET, _("Kết quả được lưu khi chưa có ngưỡng; lưu lại đánh giá để so với ngưỡng hiện có.")


def _resolve(indicator: Indicator, variants: list[IndicatorTarget], assessment: Assessment) -> Resolution:
    commune = assessment.commune
    return resolve(indicator, variants, region=commune.region, group=commune.commune_group, year=assessment.as_of.year)


def indicator_explanation(assessment: Assessment, code: str) -> IndicatorWhy:
    """Why indicator `code` of `assessment` is met, not met or unknown; Http404 if the set has no such code.

    Four queries at most: the result (with its indicator, criterion, people), its evidence files, the
    indicator's target variants and the source documents cited.
    """
    evidence = EvidenceFile.objects.select_related("uploaded_by").order_by("uploaded_at", "id")
    result = (
        IndicatorResult.objects.filter(assessment=assessment, indicator__code=code)
        .select_related("indicator__criterion__department", "updated_by", "verified_by")
        .prefetch_related(Prefetch("evidence_files", queryset=evidence))
        .first()
    )
    if result is None:
        raise Http404(_("Đánh giá không có chỉ tiêu “%(code)s”.") % {"code": code})
    indicator = result.indicator
    variants = list(IndicatorTarget.objects.filter(indicator=indicator))
    resolution = _resolve(indicator, variants, assessment)
    why = IndicatorWhy(
        assessment=assessment,
        indicator=indicator,
        result=result,
        state=_state(result.met),
        target=resolution.target.display() if resolution.target else "",
        target_applied=result.target_applied,
        sources=_source_refs([indicator.sources]),
        evidence=list(result.evidence_files.all()),
    )
    if resolution.target is not None:
        why.basis = _basis(resolution, variants, assessment)
    if why.state == UNKNOWN:
        why.reason_code, why.reason = _unknown_reason(indicator, result, resolution)
    return why


def criterion_explanation(assessment: Assessment, number: int) -> CriterionWhy:
    """Why criterion `number` of `assessment` is met (all its indicators are), not met (one is not) or
    unknown (none failed, some unknown; or the set holds none of its indicators). Four queries at most."""
    criterion = (
        Criterion.objects.filter(criteria_set_id=assessment.criteria_set_id, number=number)
        .select_related("department")
        .first()
    )
    if criterion is None:
        raise Http404(_("Bộ tiêu chí không có tiêu chí %(number)s.") % {"number": number})
    results = list(
        IndicatorResult.objects.filter(assessment=assessment, indicator__criterion=criterion)
        .select_related("indicator")
        .order_by("indicator__position", "indicator__id")
    )
    unknown_ids = [r.indicator_id for r in results if r.met is None]
    variants: dict[int, list] = {i: [] for i in unknown_ids}
    if unknown_ids:
        for variant in IndicatorTarget.objects.filter(indicator_id__in=unknown_ids):
            variants[variant.indicator_id].append(variant)
    lines = []
    for r in results:
        line = IndicatorLine(r.indicator.code, r.indicator.name, _state(r.met))
        if line.state == UNKNOWN:
            resolution = _resolve(r.indicator, variants[r.indicator_id], assessment)
            line.reason = _unknown_reason(r.indicator, r, resolution)[1]
        lines.append(line)
    why = CriterionWhy(
        assessment=assessment,
        criterion=criterion,
        state=MET,
        lines=lines,
        set_note=assessment.set_note,
        sources=_source_refs([criterion.sources]),
    )
    if not lines:
        why.state, why.reason_code = UNKNOWN, NO_INDICATORS
        why.reason = _(
            "Bộ tiêu chí chưa có chỉ tiêu nào của tiêu chí này (bộ chưa đầy đủ), nên tiêu chí chưa tính là đạt."
        )
    elif any(line.state == NOT_MET for line in lines):
        why.state = NOT_MET
    elif any(line.state == UNKNOWN for line in lines):
        why.state, why.reason_code = UNKNOWN, INDICATORS_UNKNOWN
        why.reason = _(
            "Chưa có chỉ tiêu nào chưa đạt, nhưng còn chỉ tiêu chưa xác định được, nên tiêu chí chưa tính là đạt."
        )
    return why
