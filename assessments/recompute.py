"""Re-evaluating stored summaries in bulk, after what they were computed from changed outside the
assessment: a commune's region or group, or the targets of a set still being completed.

Each assessment goes through assessments.services.assessment_recompute_summary, the same code the
entry page uses; approved assessments keep the targets they were approved under and are skipped.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments import services
from assessments.models import Assessment, Status
from communes.models import AdministrativeUnit

BATCH_SIZE = 200
LISTED = 50  # changed assessments named in the report; the count covers them all


@dataclass
class RecomputeReport:
    examined: int = 0
    changed: int = 0
    changes: list[dict] = field(default_factory=list)
    dry_run: bool = False

    def add(self, assessment: Assessment, before) -> None:
        self.changed += 1
        if len(self.changes) < LISTED:
            after = assessment.summary
            self.changes.append(
                {
                    "id": assessment.pk,
                    "commune": assessment.commune.name,
                    "set": assessment.criteria_set.code,
                    "as_of": assessment.as_of.isoformat(),
                    "before": [
                        before.criteria_met,
                        before.criteria_total,
                        before.indicators_met,
                        before.indicators_total,
                    ],
                    "after": [after.criteria_met, after.criteria_total, after.indicators_met, after.indicators_total],
                }
            )

    def as_dict(self) -> dict:
        return {"examined": self.examined, "changed": self.changed, "changes": self.changes, "dry_run": self.dry_run}


def unit_by_key(key: str) -> AdministrativeUnit:
    """The unit named "ERA/CODE" (e.g. "pre2025/18436"), or a ValidationError naming the key."""
    era, _sep, code = key.partition("/")
    unit = AdministrativeUnit.objects.filter(era=era, code=code).first()
    if unit is None:
        raise ValidationError(_("Không có đơn vị %(key)s (cần dạng THỜI_KỲ/MÃ, ví dụ pre2025/18436).") % {"key": key})
    return unit


def summaries_recompute(
    *,
    set_code: str | None = None,
    unit: AdministrativeUnit | None = None,
    dry_run: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> RecomputeReport:
    """Recompute the stored summaries of the non-approved assessments of a set and/or under a unit.

    Works in batches, each in its own transaction with its rows locked, so a commune officer saving
    at the same moment waits for one batch at most and no summary is written from stale results.
    With `dry_run` every batch is rolled back: the report says what would change.
    """
    queryset = Assessment.objects.exclude(status=Status.APPROVED)
    if set_code:
        queryset = queryset.filter(criteria_set__code=set_code)
    if unit is not None:
        queryset = queryset.filter(commune__era=unit.era, commune__path__startswith=unit.path)
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    report, books = RecomputeReport(dry_run=dry_run), {}
    for start in range(0, len(ids), batch_size):
        _recompute_batch(ids[start : start + batch_size], report, books, dry_run)
        if on_progress:
            on_progress(min(start + batch_size, len(ids)), len(ids))
    return report


def _recompute_batch(ids: list[int], report: RecomputeReport, books: dict, dry_run: bool) -> None:
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("commune", "criteria_set")
            .filter(pk__in=ids)
            .exclude(status=Status.APPROVED)
            .order_by("pk")  # approved since the ids were read
        )
        for assessment in locked:
            report.examined += 1
            book = books.get(assessment.criteria_set_id) or services.TargetBook(assessment.criteria_set)
            books[assessment.criteria_set_id] = book
            before = assessment.summary
            if services.assessment_recompute_summary(assessment=assessment, book=book):
                report.add(assessment, before)
        if dry_run:
            transaction.set_rollback(True)
