from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import ScopedAdminMixin, ScopedInlineMixin, SuperuserOnlyAdminMixin, lock_to_superusers
from accounts.models import Membership, Role
from accounts.selectors import administered_units_q
from communes.models import AdministrativeUnit


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
            if not AdministrativeUnit.objects.filter(administered_units_q(self.editor), pk=unit.pk).exists():
                self.add_error("unit", _("Đơn vị này nằm ngoài phạm vi bạn quản trị."))
        # A department officer sees only the criteria of their department: without one they see nothing.
        if data.get("role") == Role.DEPARTMENT_OFFICER and not data.get("department"):
            self.add_error("department", _("Cán bộ phòng, ban chuyên môn cần chọn phòng, ban."))
        return data


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    # A criteria admin of a province manages the memberships on the units of that province only.
    scope_units = ("unit__",)
    form = MembershipForm
    list_display = ["user", "unit", "role", "department"]
    list_filter = ["role", "department", "unit__era"]
    search_fields = ["user__username", "user__email", "unit__name", "unit__code"]
    list_select_related = ["user", "unit", "department"]
    raw_id_fields = ["user", "unit"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})


class MembershipInline(ScopedInlineMixin, admin.TabularInline):
    model = Membership
    form = MembershipForm
    fields = ["unit", "role", "department"]
    raw_id_fields = ["unit"]
    extra = 0


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(SuperuserOnlyAdminMixin, DjangoUserAdmin):
    # Superusers only: the user page sets passwords, staff and superuser flags and Django permissions.
    inlines = [*DjangoUserAdmin.inlines, MembershipInline]

    def get_inlines(self, request, obj):
        # The add page is Django's two-step password form; memberships come on the change page.
        return super().get_inlines(request, obj) if obj else []


# Django's groups, DRF's tokens and axes' logs (registered before this module) have no unit: superusers only.
lock_to_superusers(admin.site)
