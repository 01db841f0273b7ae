"""Reads on assessments for the entry and review pages and the API, each in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.selectors import unit_scope_q
from assessments.models import Assessment, EvidenceFile, IndicatorResult, Status, VerificationState


def assessments_for(user) -> QuerySet[Assessment]:
    """The assessments of communes in `user`'s scope (reads the memberships once, when called)."""
    return Assessment.objects.filter(unit_scope_q(user, prefix="commune__"))


def assessment_for(user, pk: int) -> Assessment:
    """One assessment `user` may see, with its commune and set; a 404 otherwise, the same as a missing one."""
    assessment = assessments_for(user).select_related("commune", "criteria_set").filter(pk=pk).first()
    if assessment is None:
        raise Http404(_("Không tìm thấy đánh giá."))
    return assessment


def assessment_with_results(user, pk: int) -> Assessment:
    """The assessment with its people, results (indicator, criterion, people) and evidence files.

    Four queries after the memberships, whatever the size of the set.
    """
    evidence = EvidenceFile.objects.select_related("uploaded_by").order_by("uploaded_at", "id")
    results = IndicatorResult.objects.select_related(
        "indicator__criterion", "updated_by", "verified_by"
    ).prefetch_related(Prefetch("evidence_files", queryset=evidence))
    queryset = (
        assessments_for(user)
        .select_related(
            "commune",
            "criteria_set",
            "created_by",
            "submitted_by",
            "returned_by",
            "approved_by",
        )
        .prefetch_related(Prefetch("results", queryset=results))
    )
    assessment = queryset.filter(pk=pk).first()
    if assessment is None:
        raise Http404(_("Không tìm thấy đánh giá."))
    return assessment


# Changes since the previous approved assessment


@dataclass
class IndicatorChange:
    code: str
    name: str
    old_value: Decimal | None
    new_value: Decimal | None
    old_met: bool | None
    new_met: bool | None


@dataclass
class Comparison:
    previous: Assessment | None
    changes: list[IndicatorChange] = field(default_factory=list)


def changes_since_previous_approved(assessment: Assessment) -> Comparison:
    """Per indicator whose value or met differ: old and new, against the commune's previous approved
    assessment for the same set (the latest approved one dated before this one). Two queries."""
    previous = (
        Assessment.objects.approved()
        .filter(
            commune_id=assessment.commune_id, criteria_set_id=assessment.criteria_set_id, as_of__lt=assessment.as_of
        )
        .exclude(pk=assessment.pk)
        .order_by("-as_of", "-id")
        .first()
    )
    if previous is None:
        return Comparison(previous=None)
    rows = IndicatorResult.objects.filter(assessment__in=[assessment.pk, previous.pk]).select_related("indicator")
    old, new = {}, {}
    for result in rows:
        (new if result.assessment_id == assessment.pk else old)[result.indicator_id] = result
    changes = []
    for indicator_id, now in new.items():
        before = old.get(indicator_id)
        old_value, old_met = (before.value, before.met) if before else (None, None)
        if (old_value, old_met) != (now.value, now.met):
            indicator = now.indicator
            changes.append(IndicatorChange(indicator.code, indicator.name, old_value, now.value, old_met, now.met))
    return Comparison(previous=previous, changes=changes)


# Timeline


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    at: datetime
    user: object | None
    user_name: str
    subject: str  # "assessment", "result" or "evidence"
    action: str  # "created", "changed" or "deleted"
    indicator_code: str = ""
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
ASSESSMENT_FIELDS = ("status", "as_of")
RESULT_FIELDS = ("value", "met", "note", "target_applied", "verification_state", "verification_comment")


def _display(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if name == "status":
        return str(Status(value).label)
    if name == "verification_state":
        return str(VerificationState(value).label)
    if name == "met":
        return _("Đạt") if value else _("Chưa đạt")
    if isinstance(value, Decimal):
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
        return formats.number_format(value, use_l10n=True)
    if name == "as_of":
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _entries(records, fields, labels, subject, *, code_of=lambda record: "", show_created=True) -> list[TimelineEntry]:
    """Diff consecutive history records of each object; one entry per record that shows something."""
    entries, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        action = ACTIONS[record.history_type]
        if action == "created" and not show_created:
            continue
        changes = []
        if action == "changed" and before is not None:
            for name in fields:
                old, new = getattr(before, name), getattr(record, name)
                if old != new:
                    changes.append(Change(name, labels[name], _display(name, old), _display(name, new)))
            if not changes:
                continue
        entries.append(
            TimelineEntry(
                at=record.history_date,
                user=record.history_user,
                user_name=_user_name(record.history_user),
                subject=subject,
                action=action,
                indicator_code=code_of(record),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    return entries


def _labels(model, fields) -> dict[str, str]:
    return {name: str(model._meta.get_field(name).verbose_name) for name in fields}


def assessment_timeline(assessment: Assessment) -> list[TimelineEntry]:
    """What happened to the assessment, its results and evidence, oldest first: who, when, which
    fields went from what to what, and the reason given. Three queries, however long the history.

    The results' creation rows (all empty, or copied) are left out: the assessment's own creation
    entry stands for them.
    """
    assessment_records = (
        Assessment.history.filter(id=assessment.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    result_records = (
        IndicatorResult.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "indicator")
        .order_by("history_date", "history_id")
    )
    evidence_records = (
        EvidenceFile.history.filter(result__assessment_id=assessment.pk)
        .select_related("history_user", "result__indicator")
        .order_by("history_date", "history_id")
    )
    entries = _entries(assessment_records, ASSESSMENT_FIELDS, _labels(Assessment, ASSESSMENT_FIELDS), "assessment")
    entries += _entries(
        result_records,
        RESULT_FIELDS,
        _labels(IndicatorResult, RESULT_FIELDS),
        "result",
        code_of=lambda record: record.indicator.code,
        show_created=False,
    )
    for record in evidence_records:
        if record.history_type == "~":
            continue
        name = record.original_name
        old, new = ("", name) if record.history_type == "+" else (name, "")
        entries.append(
            TimelineEntry(
                at=record.history_date,
                user=record.history_user,
                user_name=_user_name(record.history_user),
                subject="evidence",
                action=ACTIONS[record.history_type],
                indicator_code=record.result.indicator.code,
                changes=[Change("file", _("tệp minh chứng"), old or "—", new or "—")],
                reason=record.history_change_reason or "",
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries
