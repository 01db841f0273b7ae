"""Reads that depend on the current user: which units they may see."""

from django.db.models import Q

from accounts.models import Membership


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
    memberships = Membership.objects.filter(user=user).select_related("unit") if user.is_authenticated else []
    for m in memberships:
        q |= Q(**{f"{prefix}era": m.unit.era, f"{prefix}path__startswith": m.unit.path})
    return q
