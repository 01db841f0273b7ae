"""assessments.services.rows.rows_update: many rows, each with its own values, in one UPDATE —
every column type the results use, NULLs, and only the rows given (SQLite and PostgreSQL)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import IndicatorResult, VerificationState
from assessments.services.rows import rows_update
from tests.factories import make_cast, make_draft, make_flow_set

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_other_rows_stay(tree):
    cast = make_cast(tree)
    assessment = make_draft(cast, make_flow_set(cast.department), tree.a)
    results = list(IndicatorResult.objects.filter(assessment=assessment).order_by("id"))
    untouched = results[-1]
    before = IndicatorResult.objects.values().get(pk=untouched.pk)
    when = timezone.make_aware(datetime.datetime(2025, 3, 1, 9, 30))
    first, second = results[0], results[1]
    first.value, first.met, first.note, first.target_applied = Decimal("12.345"), True, "Biên bản “số 1”", "≥ 10"
    first.updated_at, first.updated_by, first.verification_state = when, cast.staff, VerificationState.FLAGGED
    second.value, second.met, second.note, second.target_applied = None, None, "", ""
    second.updated_at, second.updated_by, second.verification_state = when, None, VerificationState.UNCHECKED

    fields = ["value", "met", "note", "target_applied", "updated_at", "updated_by", "verification_state"]
    rows_update(IndicatorResult, [first, second], fields)

    got = {r.pk: r for r in IndicatorResult.objects.filter(pk__in=[first.pk, second.pk])}
    one, two = got[first.pk], got[second.pk]
    assert (one.value, one.met, one.note, one.target_applied) == (Decimal("12.345"), True, "Biên bản “số 1”", "≥ 10")
    assert (one.updated_at, one.updated_by, one.verification_state) == (when, cast.staff, VerificationState.FLAGGED)
    assert (two.value, two.met, two.note, two.target_applied, two.updated_by) == (None, None, "", "", None)
    assert IndicatorResult.objects.values().get(pk=untouched.pk) == before


def test_nothing_to_write_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        rows_update(IndicatorResult, [], ["value"])
