"""Reads behind "Việc cần làm", the page every user lands on after signing in: the work of each of
their roles, first things first (returned assessments before drafts, the oldest submission first).

Each role's part costs a fixed number of queries, read only when the user holds that role.
"""

from dataclasses import dataclass, field

from accounts.models import Role
from accounts.selectors import memberships_of, sees_everything
from assessments.selectors import entry as entry_selectors
from assessments.selectors.review import review_queue_for, verification_queue_for

QUEUE_PREVIEW = 5  # items shown per queue; the queue's own page has them all


def roles_of(user) -> set[str]:
    """The roles the user holds anywhere (from the memberships kept on the user: no extra query)."""
    return {m.role for m in memberships_of(user)}


@dataclass
class Queue:
    items: list = field(default_factory=list)
    total: int = 0


@dataclass
class Todo:
    roles: set
    communes: list = field(default_factory=list)  # CommuneOverview with something to do
    review: Queue | None = None
    verify: Queue | None = None
    dashboards: list = field(default_factory=list)  # units whose dashboard the user reads
    admin_units: list = field(default_factory=list)  # units whose criteria sets / users the user keeps
    national: bool = False

    @property
    def has_commune_work(self) -> bool:
        return any(o.todo_count for o in self.communes)

    @property
    def is_empty(self) -> bool:
        nothing_queued = not any(q and q.total for q in (self.review, self.verify))
        return nothing_queued and not self.has_commune_work


def _queue(queryset) -> Queue:
    return Queue(items=list(queryset[:QUEUE_PREVIEW]), total=queryset.count())


def todo_for(user) -> Todo:
    """What each of the user's roles has to do now."""
    memberships = memberships_of(user)
    roles = {m.role for m in memberships}
    todo = Todo(roles=roles, national=sees_everything(user))
    if Role.COMMUNE_STAFF in roles:
        todo.communes = entry_selectors.my_communes(user)
    if Role.REVIEWER in roles:
        todo.review = _queue(review_queue_for(user))
    if Role.DEPARTMENT_OFFICER in roles:
        todo.verify = _queue(verification_queue_for(user))
    seen = set()
    for m in memberships:
        if m.role in (Role.REVIEWER, Role.VIEWER, Role.DEPARTMENT_OFFICER) and not m.unit.is_commune:
            if m.unit.pk not in seen:
                seen.add(m.unit.pk)
                todo.dashboards.append(m.unit)
        if m.role == Role.CRITERIA_ADMIN:
            todo.admin_units.append(m.unit)
    return todo
