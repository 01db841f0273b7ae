"""The stored "latest approved" flag (Assessment.is_latest_approved), kept true to the assessments.

The model's save and delete signals (assessments.models) refresh the commune and set of an assessment
whose approval starts or ends, whoever saved it (approve, reopen, the admin, a script); the bulk
writers, which send no signals, call latest_approved_refresh for the pairs they wrote. It re-derives
the flag from the approved rows, so it is right whatever the order of the approvals' dates.
"""

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from assessments.models import Assessment
from ntm.lib import data_version


@transaction.atomic
def latest_approved_refresh(*, scope: Q) -> None:
    """Re-derive the flag for the commune and set pairs that `scope` covers.

    `scope` is a Q on Assessment that filters on the commune and the set only (whole pairs): the
    winner of a pair is chosen among all its approved rows, so a narrower scope would lose some.

    Three statements whatever the number of pairs: clear, rank the approved rows, flag the winners.
    Clearing first keeps the one-per-commune-and-set constraint true between the statements.
    Bulk updates send no signals: the data version (ntm.lib.data_version) is bumped here.
    """
    refresh_rows(Assessment, scope)
    data_version.bump()


def refresh_rows(model, scope: Q) -> None:
    """The statements, on `model`: Assessment, or its historical version in a data migration."""
    pairs = model.objects.filter(scope)
    pairs.filter(is_latest_approved=True).update(is_latest_approved=False)
    winners = (
        pairs.filter(status="approved")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("commune_id"), F("criteria_set_id")],
                order_by=[F("as_of").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values_list("id", flat=True)
    )
    ids = list(winners)  # a list: some databases refuse to update a table read in the same statement
    for start in range(0, len(ids), 5000):
        model.objects.filter(id__in=ids[start : start + 5000]).update(is_latest_approved=True)


def latest_approved_refresh_for(assessment: Assessment) -> None:
    """After one assessment's approval started or ended: its commune and set."""
    latest_approved_refresh(scope=Q(commune_id=assessment.commune_id, criteria_set_id=assessment.criteria_set_id))
