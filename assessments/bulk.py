"""Creating many assessments at once (demo data, national synthetic data).

Results are evaluated and summaries computed by the same TargetBook.evaluate / summarize that a
single save uses, so bulk-made summaries equal what the app would compute; only the writes are
batched.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessments.models import Assessment, IndicatorResult, Status
from assessments.services import TargetBook
from assessments.services.latest import latest_approved_refresh
from communes.models import AdministrativeUnit
from criteria import applicability
from criteria.models import CriteriaSet


@dataclass
class AssessmentSpec:
    commune: AdministrativeUnit
    criteria_set: CriteriaSet
    as_of: datetime.date
    # indicator code → {"value": Decimal | None, "met": bool | None (yes/no), "note": str}
    answers: dict
    status: str = Status.DRAFT
    stamps: dict = field(default_factory=dict)  # created_by, submitted_at, approved_by, return_reason …


def _entered_at(spec: "AssessmentSpec") -> datetime.datetime:
    """When the commune entered the assessment: its as-of date, at 08:00 local time."""
    return timezone.make_aware(datetime.datetime.combine(spec.as_of, datetime.time(8)))


@transaction.atomic
def assessments_bulk_create(
    specs: list[AssessmentSpec],
    *,
    is_demo: bool = False,
    with_history: bool = True,
    batch_size: int = 2000,
    insert_results=None,
) -> list[Assessment]:
    """`insert_results(results)`, when given, writes the results instead of bulk_create (the national
    synthetic seed passes a PostgreSQL COPY; it requires with_history=False)."""
    assert insert_results is None or not with_history
    books: dict[int, TargetBook] = {}
    assessments, result_lists = [], []
    now = timezone.now()
    for spec in specs:
        # The rule every other path obeys (no query for a national set): demo data cannot break it either.
        applicability.check_applies(criteria_set=spec.criteria_set, commune=spec.commune, as_of=spec.as_of)
        book = books.get(spec.criteria_set.pk) or books.setdefault(spec.criteria_set.pk, TargetBook(spec.criteria_set))
        results = []
        for indicator in book.indicators:
            answer = spec.answers.get(indicator.code, {})
            met, text = book.evaluate(
                indicator, spec.commune, spec.as_of, value=answer.get("value"), answer=answer.get("met")
            )
            results.append(
                IndicatorResult(
                    indicator=indicator,
                    value=answer.get("value"),
                    met=met,
                    target_applied=text,
                    note=answer.get("note", ""),
                )
            )
        assessment = Assessment(
            commune=spec.commune,
            criteria_set=spec.criteria_set,
            as_of=spec.as_of,
            status=spec.status,
            is_demo=is_demo,
            summary_updated_at=now,
            **spec.stamps,
        )
        assessment.apply_summary(book.summarize(results))
        # The history's creation entry names who entered the assessment and when, as if typed then.
        author, entered_at = spec.stamps.get("created_by"), _entered_at(spec)
        for record in (assessment, *results):
            record._history_user, record._history_date = author, entered_at
        assessments.append(assessment)
        result_lists.append(results)
    create = bulk_create_with_history if with_history else None
    if create:
        created = bulk_create_with_history(assessments, Assessment, batch_size=batch_size)
    else:
        created = Assessment.objects.bulk_create(assessments, batch_size=batch_size)
    all_results = []
    for assessment, results in zip(created, result_lists, strict=True):
        for result in results:
            result.assessment = assessment
        all_results.extend(results)
    if create:
        bulk_create_with_history(all_results, IndicatorResult, batch_size=batch_size)
    elif insert_results:
        insert_results(all_results)
    else:
        IndicatorResult.objects.bulk_create(all_results, batch_size=batch_size)
    CriteriaSet.objects.filter(pk__in=books.keys(), in_use=False).update(in_use=True)
    approved: dict[int, set[int]] = {}  # set → communes that got an approved assessment
    for spec in specs:
        if spec.status == Status.APPROVED:
            approved.setdefault(spec.criteria_set.pk, set()).add(spec.commune.pk)
    for set_id, commune_ids in approved.items():
        latest_approved_refresh(scope=Q(criteria_set_id=set_id, commune_id__in=sorted(commune_ids)))
    return created
