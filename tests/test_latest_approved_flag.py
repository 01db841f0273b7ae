"""The stored latest-approved flag (Assessment.is_latest_approved) that the dashboards read: it
always marks, per commune and set, the approved assessment with the newest date, whatever wrote
the approval (services, bulk writers, the demo) and in whatever order the dates came."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from assessments import services
from assessments.bulk import AssessmentSpec, assessments_bulk_create
from assessments.models import Assessment, Status
from tests.factories import make_approved, make_submitted

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def flagged() -> set[int]:
    return set(Assessment.objects.filter(is_latest_approved=True).values_list("id", flat=True))


def ranked() -> set[int]:
    """The same answer the long way: rank every approved assessment of every commune and set."""
    rows = (
        Assessment.objects.approved()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("commune_id"), F("criteria_set_id")],
                order_by=[F("as_of").desc(), F("id").desc()],
            ),
        )
        .values_list("id", "rank")
    )
    return {pk for pk, rank in rows if rank == 1}


def test_approving_flags_the_newest_date_not_the_last_approved(tree, cast, cs):
    newer = make_approved(cast, cs, tree.a, as_of=day("2025-06-30"))
    older = make_approved(cast, cs, tree.a, as_of=day("2024-12-31"))  # approved later, dated earlier
    other = make_approved(cast, cs, tree.c, as_of=day("2024-12-31"))
    assert flagged() == {newer.pk, other.pk} == ranked()
    assert older.pk not in flagged()


def test_submitted_or_returned_assessments_are_never_flagged(tree, cast, cs):
    approved = make_approved(cast, cs, tree.a, as_of=day("2024-12-31"))
    pending = make_submitted(cast, cs, tree.a, as_of=day("2025-06-30"))
    assert flagged() == {approved.pk}
    services.assessment_return(assessment=pending, by=cast.province_reviewer, reason="Thiếu số liệu.")
    assert flagged() == {approved.pk} == ranked()


def test_reopening_the_latest_hands_the_flag_to_the_approval_before_it(tree, cast, cs):
    first = make_approved(cast, cs, tree.a, as_of=day("2024-12-31"))
    second = make_approved(cast, cs, tree.a, as_of=day("2025-06-30"))
    assert flagged() == {second.pk}
    services.assessment_reopen(assessment=second, reason="Sai số liệu.", by=cast.superuser)
    assert flagged() == {first.pk} == ranked()
    # Approved again: the flag comes back to it.
    services.assessment_submit(assessment=second, by=cast.staff)
    services.assessment_approve(assessment=second, by=cast.province_reviewer, confirm_unverified=True)
    assert flagged() == {second.pk} == ranked()


def test_reopening_the_only_approval_leaves_the_commune_unflagged(tree, cast, cs):
    only = make_approved(cast, cs, tree.a)
    services.assessment_reopen(assessment=only, reason="Sai số liệu.", by=cast.superuser)
    assert flagged() == set() == ranked()


def test_bulk_created_approvals_are_flagged_among_the_existing_ones(tree, cast, cs):
    existing = make_approved(cast, cs, tree.a, as_of=day("2025-06-30"))

    def spec(commune, as_of, status=Status.APPROVED):
        return AssessmentSpec(commune=commune, criteria_set=cs, as_of=day(as_of), answers={}, status=status)

    created = assessments_bulk_create(
        [
            spec(tree.a, "2024-12-31"),  # older than the existing approval: not the latest
            spec(tree.b, "2024-06-30"),
            spec(tree.b, "2024-12-31"),
            spec(tree.b, "2025-03-31", Status.SUBMITTED),
            spec(tree.c, "2024-12-31", Status.RETURNED),
        ],
        is_demo=True,
    )
    by_date = {(a.commune_id, a.as_of.isoformat()): a.pk for a in created}
    assert flagged() == {existing.pk, by_date[tree.b.pk, "2024-12-31"]} == ranked()


def test_deleting_the_latest_demo_approval_flags_the_one_before(tree, cast, cs):
    specs = [
        AssessmentSpec(commune=tree.a, criteria_set=cs, as_of=day(d), answers={}, status=Status.APPROVED)
        for d in ("2024-06-30", "2024-12-31")
    ]
    older, newer = assessments_bulk_create(specs, is_demo=True)
    assert flagged() == {newer.pk}
    newer.delete()
    assert flagged() == {older.pk} == ranked()


def test_a_full_refresh_repairs_a_flag_set_by_hand(tree, cast, cs):
    older = make_approved(cast, cs, tree.a, as_of=day("2024-12-31"))
    newer = make_approved(cast, cs, tree.a, as_of=day("2025-06-30"))
    Assessment.objects.filter(pk=newer.pk).update(is_latest_approved=False)
    Assessment.objects.filter(pk=older.pk).update(is_latest_approved=True)
    services.latest_approved_refresh(scope=Q())
    assert flagged() == {newer.pk} == ranked()


def test_the_database_refuses_two_flags_for_one_commune_and_set(tree, cast, cs):
    make_approved(cast, cs, tree.a, as_of=day("2024-12-31"))
    older = make_approved(cast, cs, tree.a, as_of=day("2024-06-30"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=older.pk).update(is_latest_approved=True)


def test_the_database_refuses_a_flag_on_an_assessment_not_approved(tree, cast, cs):
    pending = make_submitted(cast, cs, tree.a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=pending.pk).update(is_latest_approved=True)


def test_the_refresh_command_repairs_flags_and_its_dry_run_changes_nothing(tree, cast, cs):
    older = make_approved(cast, cs, tree.a, as_of=day("2024-12-31"))
    newer = make_approved(cast, cs, tree.a, as_of=day("2025-06-30"))
    Assessment.objects.filter(pk=newer.pk).update(is_latest_approved=False)  # written around the app
    Assessment.objects.filter(pk=older.pk).update(is_latest_approved=True)
    out = io.StringIO()
    call_command("refresh_latest_approved", "--dry-run", stdout=out)
    assert "1 latest approved assessment(s); 2 flag(s) would change." in out.getvalue()
    assert flagged() == {older.pk}
    out = io.StringIO()
    call_command("refresh_latest_approved", stdout=out)
    assert "2 flag(s) changed." in out.getvalue()
    assert flagged() == {newer.pk} == ranked()
