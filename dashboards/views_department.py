"""A department officer's page (phòng, ban chuyên môn): their department's criteria across their communes."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext

from criteria.models import Department
from dashboards import department as dept


@login_required
def department(request):
    """A department officer's page: their department's criteria across the communes they cover."""
    memberships = dept.department_memberships(request.user)
    if not memberships:
        raise PermissionDenied(gettext("Trang này dành cho cán bộ phòng, ban chuyên môn."))
    departments = {d.pk: d for d in Department.objects.filter(pk__in={m.department_id for m in memberships})}
    chosen = request.GET.get("department")
    department_id = (
        int(chosen) if chosen and chosen.isdigit() and int(chosen) in departments else next(iter(departments))
    )
    mine = [m for m in memberships if m.department_id == department_id]
    sets = dept.sets_with_approved(dept.communes_q(mine))
    code = request.GET.get("set")
    criteria_set = next((s for s in sets if s.code == code), sets[0] if sets else None)
    view = dept.department_view(departments[department_id], mine, criteria_set)
    return render(
        request,
        "dashboards/department.html",
        {
            "view": view,
            "sets": sets,
            "departments": list(departments.values()),
            "memberships": mine,
        },
    )
