"""TargetBook.of: a frozen set's criteria, indicators and targets are read once per process (they
can no longer change); a draft set's are read again each time, so an admin's edit shows at once."""

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import IndicatorResult
from criteria.models import Indicator, SetStatus
from tests.factories import make_draft, make_flow_set

pytestmark = pytest.mark.django_db


def test_a_frozen_sets_book_is_read_once_and_a_drafts_each_time(cast, tree, django_assert_num_queries):
    frozen = make_flow_set(cast.department)
    make_draft(cast, frozen, tree.a)  # used for an assessment: frozen from now on
    frozen.refresh_from_db()
    draft = make_flow_set(cast.department, status=SetStatus.DRAFT)
    assert frozen.is_frozen and not draft.is_frozen
    first = services.TargetBook.of(frozen)
    with django_assert_num_queries(0):
        assert services.TargetBook.of(frozen) is first
    with django_assert_num_queries(3):  # criteria, indicators, target variants
        services.TargetBook.of(draft)
    assert services.TargetBook.of(draft) is not services.TargetBook.of(draft)


def test_a_frozen_set_refuses_the_changes_that_would_make_its_book_stale(cast, tree):
    cs = make_flow_set(cast.department)
    make_draft(cast, cs, tree.a)
    cs.refresh_from_db()
    assert cs.is_frozen
    indicator = Indicator.objects.filter(criteria_set=cs).first()
    indicator.name = "Tên khác"
    with pytest.raises(ValidationError):
        indicator.save()


def test_saving_a_full_form_on_a_frozen_set_reads_no_criteria(cast, tree, django_assert_num_queries):
    cs = make_flow_set(cast.department)
    assessment = make_draft(cast, cs, tree.a, answers=None)
    cs.refresh_from_db()
    services.TargetBook.of(cs)  # the book as any earlier request of this process would have left it
    answers = {
        "1.1": {"met": True},
        "1.2": {"met": False},
        "2.1": {"value": "80"},
        "2.2": {"met": True},
        "3": {"met": True},
    }
    # lock, results, the results' UPDATE and history, the assessment's UPDATE and history, and the
    # SAVEPOINT / RELEASE of its transaction (the test already runs in one)
    with django_assert_num_queries(8):
        services.indicator_results_update(assessment=assessment, entries=answers, by=cast.staff)
    assert IndicatorResult.objects.filter(assessment=assessment, met=True).count() == 4
