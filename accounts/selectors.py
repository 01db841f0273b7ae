"""Reads that depend on the current user: which units they may see."""

from django.db.models import Q

from accounts.models import Membership, Role
from communes.models import AdministrativeUnit

_CACHE = "_ntm_memberships"


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their units (one query, then cached on the user object, so a
    request that checks several things — a page, its scope, the service it calls — pays one query)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        setattr(user, _CACHE, cached)
    return cached


def sees_everything(user) -> bool:
    # National scope is the superuser's; every other role, criteria admins included, is scoped to units.
    return user.is_authenticated and user.is_superuser


def scope_key(user) -> tuple:
    """What decides what `user` sees and may do on a unit's pages (national scope, or each membership's role,
    era and subtree), as part of a cache key: users with the same memberships share the cached pages."""
    if sees_everything(user):
        return ("*",)
    return tuple(sorted((m.role, m.unit.era, m.unit.path) for m in memberships_of(user)))


def unit_scope_q(user, prefix: str = "") -> Q:
    """A Q object selecting the units `user` may see (prefix it to filter a related model).

    Everything for superusers (national scope); otherwise the subtrees of the
    user's memberships, each in its own era; nothing for a user with no membership.
    """
    if sees_everything(user):
        return Q()
    q = Q(pk__in=[])
    for m in memberships_of(user):
        q |= Q(**{f"{prefix}era": m.unit.era, f"{prefix}path__startswith": m.unit.path})
    return q


def administered_units_q(user, prefix: str = "") -> Q:
    """A Q object selecting the units `user` administers (prefix it to filter a related model): everything
    for a superuser, else the subtrees of their criteria-admin memberships (each in its era); nothing for
    anyone else. The Django admin is scoped by it: a criteria admin edits units, lineage, memberships,
    province sets, assessments and roadmap rows under these units only."""
    if sees_everything(user):
        return Q()
    q = Q(pk__in=[])
    for m in memberships_of(user):
        if m.role == Role.CRITERIA_ADMIN:
            q |= Q(**{f"{prefix}era": m.unit.era, f"{prefix}path__startswith": m.unit.path})
    return q


def criteria_sets_q(user, prefix: str = "", *, edit: bool) -> Q:
    """A Q object selecting the criteria sets `user` may read (edit=False) or change (edit=True) in the admin.

    A superuser: every set. A criteria admin changes only the sets of a province they administer, never a
    national one; they read those, the national sets and the sets of the province their units lie in.
    """
    if sees_everything(user):
        return Q()
    q = administered_units_q(user, f"{prefix}province__")
    if edit:
        return q
    q |= Q(**{f"{prefix}province__isnull": True})
    for m in memberships_of(user):
        if m.role == Role.CRITERIA_ADMIN:
            q |= Q(**{f"{prefix}province__era": m.unit.era, f"{prefix}province__path": f"{m.unit.province_code}/"})
    return q


def administers(user, unit) -> bool:
    """Whether `unit` (a province a set would belong to, say) is under the units `user` administers."""
    if sees_everything(user):
        return True
    if unit is None:
        return False
    return AdministrativeUnit.objects.filter(administered_units_q(user), pk=unit.pk).exists()
