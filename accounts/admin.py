from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Membership, Role
from accounts.selectors import sees_everything


def administered_units_q(user, prefix: str = "") -> Q:
    """The units whose memberships `user` manages: everything for a superuser, else the subtrees of their
    criteria-admin memberships (each in its era); nothing for anyone else."""
    if sees_everything(user):
        return Q()
    q = Q(pk__in=[])
    for m in Membership.objects.filter(user=user, role=Role.CRITERIA_ADMIN).select_related("unit"):
        q |= Q(**{f"{prefix}era": m.unit.era, f"{prefix}path__startswith": m.unit.path})
    return q


class MembershipForm(forms.ModelForm):
    # Set by the admin: the user editing, whose criteria-admin scope bounds the units they may grant.
    editor = None

    class Meta:
        model = Membership
        fields = ["user", "unit", "role", "department"]

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if unit is not None and self.editor is not None:
            from communes.models import AdministrativeUnit

            if not AdministrativeUnit.objects.filter(administered_units_q(self.editor), pk=unit.pk).exists():
                self.add_error("unit", _("Đơn vị này nằm ngoài phạm vi bạn quản trị."))
        # A department officer sees only the criteria of their department: without one they see nothing.
        if data.get("role") == Role.DEPARTMENT_OFFICER and not data.get("department"):
            self.add_error("department", _("Cán bộ phòng, ban chuyên môn cần chọn phòng, ban."))
        return data


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    form = MembershipForm
    list_display = ["user", "unit", "role", "department"]
    list_filter = ["role", "department", "unit__era"]
    search_fields = ["user__username", "user__email", "unit__name", "unit__code"]
    list_select_related = ["user", "unit", "department"]
    raw_id_fields = ["user", "unit"]

    def get_queryset(self, request):
        # A criteria admin of a province manages the memberships on the units of that province only.
        return super().get_queryset(request).filter(administered_units_q(request.user, "unit__"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    fields = ["unit", "role", "department"]
    raw_id_fields = ["unit"]
    extra = 0


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [*DjangoUserAdmin.inlines, MembershipInline]

    def get_inlines(self, request, obj):
        # The add page is Django's two-step password form; memberships come on the change page.
        return super().get_inlines(request, obj) if obj else []
