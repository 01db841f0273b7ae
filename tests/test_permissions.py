"""assessments.permissions: per-user, per-unit role checks built on memberships (subtree, same era)."""

import datetime

import pytest

from accounts.models import Membership, Role
from assessments import permissions, services
from assessments.models import Assessment, Status
from tests import factories
from tests.factories import make_flow_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(tree, cast):
    cs = make_flow_set(cast.department)
    return services.assessment_create(commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 6, 30))


def with_status(assessment, status):
    assessment.status = status
    return assessment


def test_every_role_sees_the_units_under_its_membership_in_its_era(tree, cast):
    for user in (cast.reviewer, cast.officer, cast.viewer, cast.admin):
        assert [permissions.can_view_unit(user, u) for u in (tree.h, tree.a, tree.b, tree.c, tree.p, tree.n)] == [
            True,
            True,
            True,
            False,
            False,
            False,
        ]
    assert [permissions.can_view_unit(cast.staff, u) for u in (tree.a, tree.b, tree.h)] == [True, False, False]


def test_a_superuser_sees_every_unit_and_a_user_without_membership_none(tree, cast):
    nobody = factories.make_user()
    assert all(permissions.can_view_unit(cast.superuser, u) for u in (tree.a, tree.c, tree.n))
    assert not any(permissions.can_view_unit(nobody, u) for u in (tree.a, tree.c, tree.n))


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        (Status.DRAFT, True),
        (Status.RETURNED, True),
        (Status.SUBMITTED, False),
        (Status.APPROVED, False),
    ],
)
def test_commune_staff_edit_drafts_and_returned_assessments_only(cast, assessment, status, editable):
    assert permissions.can_edit_assessment(cast.staff, with_status(assessment, status)) is editable


def test_only_commune_staff_edit(cast, assessment):
    assert [
        permissions.can_edit_assessment(getattr(cast, role), assessment)
        for role in ("reviewer", "officer", "viewer", "admin", "outsider", "superuser")
    ] == [False] * 6


def test_commune_staff_of_a_district_cover_its_communes(tree, assessment):
    district_staff = factories.make_user(unit=tree.h, role=Role.COMMUNE_STAFF)
    assert permissions.can_edit_assessment(district_staff, assessment)
    assert permissions.can_create_assessment(district_staff, tree.b)


def test_reviewers_review_the_communes_under_them(cast, assessment):
    assert [
        permissions.can_review(getattr(cast, role), assessment)
        for role in ("reviewer", "staff", "officer", "viewer", "admin", "outsider", "superuser")
    ] == [True, False, False, False, False, False, False]


def test_department_ids_come_from_department_officer_memberships_covering_the_commune(tree, cast):
    other = factories.make_user()
    second = cast.department.__class__.objects.create(code="y-te", name="Phòng Y tế")
    Membership.objects.create(user=other, unit=tree.h2, role=Role.DEPARTMENT_OFFICER, department=second)
    assert permissions.department_ids_for(cast.officer, tree.a) == {cast.department.pk}
    assert permissions.department_ids_for(cast.officer, tree.c) == set()
    assert permissions.department_ids_for(other, tree.c) == {second.pk}
    assert permissions.department_ids_for(cast.reviewer, tree.a) == set()


def test_criteria_admins_covering_the_commune_and_superusers_reopen(tree, cast, assessment):
    admin_h2 = factories.make_user(unit=tree.h2, role=Role.CRITERIA_ADMIN)
    assert [permissions.can_reopen(u, assessment) for u in (cast.admin, cast.superuser, admin_h2, cast.reviewer)] == [
        True,
        True,
        False,
        False,
    ]


def test_the_memberships_are_read_once_per_user_object(cast, assessment, django_assert_num_queries):
    user = type(cast.reviewer).objects.get(pk=cast.reviewer.pk)
    with django_assert_num_queries(1):
        permissions.can_view_unit(user, assessment.commune)
        permissions.can_review(user, assessment)
        permissions.can_edit_assessment(user, assessment)
        permissions.department_ids_for(user, assessment.commune)
    assert Assessment.objects.count() == 1
