from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Membership, Role


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "unit", "role", "department"]

    def clean(self):
        data = super().clean()
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
