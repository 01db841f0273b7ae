"""Who may do what to which commune's assessments, from the user's memberships.

A membership covers its unit's whole subtree, in that unit's era (as in accounts.selectors).
Checks answer yes or no; callers turn "may not even see it" into a 404 and "may see it but not
do this" into a refusal, so that a user never learns that something outside their scope exists.

The memberships are read once per user object and kept on it (accounts.selectors.memberships_of),
so a request that checks several things (a page, then the service it calls) pays one query.
"""

from accounts.models import Membership, Role
from accounts.selectors import memberships_of, sees_everything
from assessments.models import EDITABLE_STATUSES
from communes.models import AdministrativeUnit


def covers(membership_unit: AdministrativeUnit, unit: AdministrativeUnit) -> bool:
    return membership_unit.era == unit.era and unit.path.startswith(membership_unit.path)


def memberships_covering(user, unit: AdministrativeUnit, *roles: str) -> list[Membership]:
    """The user's memberships whose subtree contains `unit`, optionally only those of `roles`."""
    return [m for m in memberships_of(user) if (not roles or m.role in roles) and covers(m.unit, unit)]


def has_role(user, unit: AdministrativeUnit, role: str) -> bool:
    return bool(memberships_covering(user, unit, role))


def can_view_unit(user, unit: AdministrativeUnit) -> bool:
    """Superusers see everything; anyone else sees the subtrees of their memberships, any role."""
    return sees_everything(user) or bool(memberships_covering(user, unit))


def can_create_assessment(user, commune: AdministrativeUnit) -> bool:
    return has_role(user, commune, Role.COMMUNE_STAFF)


def can_edit_assessment(user, assessment) -> bool:
    """Commune staff of a unit covering the commune, while the assessment is a draft or returned."""
    return assessment.status in EDITABLE_STATUSES and has_role(user, assessment.commune, Role.COMMUNE_STAFF)


def can_submit(user, assessment) -> bool:
    return can_edit_assessment(user, assessment)


def can_review(user, assessment) -> bool:
    """A reviewer covering the commune (whatever the status; the services check the status)."""
    return has_role(user, assessment.commune, Role.REVIEWER)


def department_ids_for(user, commune: AdministrativeUnit) -> set[int]:
    """The departments whose criteria `user` verifies in `commune` (department officer memberships)."""
    return {
        m.department_id
        for m in memberships_covering(user, commune, Role.DEPARTMENT_OFFICER)
        if m.department_id is not None
    }


def can_verify(user, assessment, criterion) -> bool:
    return criterion.department_id is not None and criterion.department_id in department_ids_for(
        user, assessment.commune
    )


def can_reopen(user, assessment) -> bool:
    """A criteria admin covering the commune, or a superuser."""
    return sees_everything(user) or has_role(user, assessment.commune, Role.CRITERIA_ADMIN)
