"""Reads that depend on the current user: which units they may see."""

from django.db.models import Q

from accounts.models import Membership


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
