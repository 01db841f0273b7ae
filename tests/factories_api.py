"""Factories for the API tests: assessments built through the services, as the app builds them."""

import datetime

from assessments import services
from assessments.models import Assessment, Status
from criteria.models import CriteriaSet
from tests import factories


def make_assessment(
    commune, criteria_set, as_of: datetime.date, *, met=(), unmet=(), status=Status.APPROVED
) -> Assessment:
    """An assessment whose indicators `met` are met and `unmet` are not (the rest stay unknown)."""
    assessment = services.assessment_create(commune=commune, criteria_set=criteria_set, as_of=as_of)
    entries = {code: {"met": True} for code in met} | {code: {"met": False} for code in unmet}
    if entries:
        services.indicator_results_update(assessment=assessment, entries=entries)
    assessment.status = status
    assessment.save(update_fields=["status"])
    return assessment


def make_big_set(n_criteria: int = 19, per_criterion: int = 5) -> CriteriaSet:
    """A published set the size of the national one: 19 criteria × 5 indicators by default."""
    criteria = [
        (number, f"Tiêu chí {number}", [f"{number}.{i}" for i in range(1, per_criterion + 1)])
        for number in range(1, n_criteria + 1)
    ]
    return factories.make_set(criteria=criteria)


def all_codes(criteria_set: CriteriaSet) -> list[str]:
    return list(criteria_set.indicators.values_list("code", flat=True))
