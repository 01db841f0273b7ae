"""What base.html's menu needs: the user's roles, read lazily so a page that renders no menu (or an
anonymous one) pays nothing, and a page that already checked scope pays no extra query."""

from django.utils.functional import SimpleLazyObject

from accounts.models import Role
from accounts.selectors import memberships_of, sees_everything


def _menu(user) -> dict:
    everything = sees_everything(user)
    # A superuser's pages read no memberships (national scope); their menu needs none either.
    memberships = [] if everything else memberships_of(user)
    roles = {m.role for m in memberships}
    dashboard = next(
        (
            m.unit
            for m in memberships
            if m.role in (Role.REVIEWER, Role.VIEWER, Role.DEPARTMENT_OFFICER) and not m.unit.is_commune
        ),
        None,
    )
    return {
        "my_communes": Role.COMMUNE_STAFF in roles,
        "review": Role.REVIEWER in roles,
        "verify": Role.DEPARTMENT_OFFICER in roles,
        "dashboard": dashboard,
        "national": everything,
        "criteria": everything or Role.CRITERIA_ADMIN in roles,
    }


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": {}}
    return {"menu": SimpleLazyObject(lambda: _menu(user))}
