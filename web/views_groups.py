"""Commune groups (nhóm xã, QĐ 51/2025): the province's criteria admin assigns them on a list page or
by uploading a file of code → group. The rules are in communes.services; this module only reads input."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.selectors import sees_everything
from assessments.permissions import has_role
from communes import group_io, services
from communes.models import AdministrativeUnit, CommuneGroup, Era, Level
from ntm.lib.collation import vietnamese_key


class GroupFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp CSV hoặc Excel (.xlsx): mã xã, nhóm"))


def province_for_groups(user, era: str, code: str) -> AdministrativeUnit:
    """The current-era province whose groups `user` may set (criteria admin covering it), else 404."""
    province = get_object_or_404(AdministrativeUnit, era=era, code=code, level=Level.PROVINCE)
    if era != Era.CURRENT or not (sees_everything(user) or has_role(user, province, Role.CRITERIA_ADMIN)):
        raise Http404
    return province


def can_set_groups(user, unit: AdministrativeUnit) -> bool:
    return (
        unit.level == Level.PROVINCE
        and unit.era == Era.CURRENT
        and (sees_everything(user) or has_role(user, unit, Role.CRITERIA_ADMIN))
    )


def _assign(request, province, assignments, *, allow_clear: bool) -> bool:
    try:
        changed = services.commune_groups_assign(
            province=province, assignments=assignments, by=request.user, allow_clear=allow_clear
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    if changed:
        messages.success(
            request,
            _("Đã đổi nhóm của %(n)s xã; các đánh giá chưa duyệt của tỉnh được tính lại theo nhóm mới.")
            % {"n": len(changed)},
        )
    else:
        messages.info(request, _("Không có nhóm nào thay đổi."))
    return True


@login_required
def commune_groups(request, era, code):
    province = province_for_groups(request.user, era, code)
    communes = sorted(
        services.groupable_communes(province).select_related("parent"), key=lambda u: vietnamese_key(u.name)
    )
    upload = GroupFileForm()
    if request.method == "POST" and request.POST.get("action") == "upload":
        upload = GroupFileForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                rows = group_io.read_group_file(upload.cleaned_data["file"])
            except group_io.GroupFileError as exc:
                messages.error(request, str(exc))
            else:
                if _assign(request, province, rows, allow_clear=False):
                    return redirect("web:commune_groups", era=era, code=code)
    elif request.method == "POST":
        # The list's selects: one "group-<code>" per commune on the page; only those sent are considered.
        rows = [
            (i, unit.code, request.POST[f"group-{unit.code}"])
            for i, unit in enumerate(communes, start=1)
            if f"group-{unit.code}" in request.POST
        ]
        if _assign(request, province, rows, allow_clear=True):
            return redirect("web:commune_groups", era=era, code=code)
    counts = {value: 0 for value, _label in CommuneGroup.choices} | {"": 0}
    for unit in communes:
        counts[unit.commune_group] += 1
    ctx = {
        "province": province,
        "communes": communes,
        "groups": CommuneGroup.choices,
        "upload": upload,
        "counts": [(label, counts[value]) for value, label in CommuneGroup.choices],
        "ungrouped": counts[""],
        "changes": services.group_changes(province),
    }
    return render(request, "web/commune_groups.html", ctx)
