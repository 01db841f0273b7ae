"""Writes of the roadmap: a reviewer sets a commune's planned year for a level, or records a recognition.

Both keep their history through django-simple-history (who is set explicitly, so a service called
outside a request, from a test or a command, still records the user).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ntm.lib import notes
from roadmap.models import Plan, Recognition


@transaction.atomic
def plan_set(*, commune, level: str, target_year: int | None, note: str = "", by) -> Plan | None:
    """Create, change or (target_year None) remove the commune's plan for `level`.

    Saves only when something changed, so the history shows real changes only. Returns the plan,
    or None when there is none any more.
    """
    note = notes.clean_note(note)
    plan = Plan.objects.select_for_update().filter(commune=commune, level=level).first()
    if target_year is None:
        if plan is not None:
            plan._history_user = by
            plan.delete()
        return None
    if plan is None:
        plan = Plan(commune=commune, level=level)
    elif plan.target_year == target_year and plan.note == note:
        return plan
    plan.target_year, plan.note, plan.updated_by = target_year, note, by
    plan._history_user = by
    plan.full_clean(exclude=["commune"])
    plan.save()
    return plan


@transaction.atomic
def recognition_record(
    *, commune, level: str, decision_number: str, decision_date, issuing_body: str, note: str = "", by
) -> Recognition:
    """Record that `commune` was recognised at `level` by a decision; the same decision twice is refused."""
    note = notes.clean_note(note)
    if Recognition.objects.filter(commune=commune, level=level, decision_number=decision_number).exists():
        raise ValidationError(_("Quyết định này đã được ghi nhận cho xã."), code="duplicate")
    recognition = Recognition(
        commune=commune,
        level=level,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        issuing_body=issuing_body.strip(),
        note=note,
        recorded_by=by,
    )
    recognition._history_user = by
    recognition.full_clean(exclude=["commune"])
    recognition.save()
    return recognition
