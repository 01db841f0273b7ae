"""Admin for administrative units: mostly read what `load_units` brought from the package, and correct
the two things it does not own: a unit's region (vùng) and its commune group (nhóm xã, set by the
province). The other fields come from the package, which a later load writes again."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import ScopedAdminMixin, ScopedInlineMixin
from accounts.selectors import administered_units_q, sees_everything
from communes import services
from communes.models import AdministrativeUnit, UnitSuccession
from jobs.admin import start_job_from_admin

# Identity and tree fields of a loaded unit: an edit here would break the (era, code) identity or the
# materialised paths of a whole subtree, and the next load would write the package's value back anyway.
PACKAGE_FIELDS = ["era", "code", "level", "parent"]
TARGET_SCOPE_FIELDS = {"region", "commune_group"}


class LineageInline(ScopedInlineMixin, admin.TabularInline):
    """Lineage rows shown read-only on the unit's page (a unit in the user's scope); they come from the package."""

    model = UnitSuccession
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("predecessor", "successor")


class PredecessorInline(LineageInline):
    fk_name = "successor"
    fields = readonly_fields = ["predecessor", "partial", "effective"]
    verbose_name = _("đơn vị cũ (kế thừa từ)")
    verbose_name_plural = _("đơn vị cũ (kế thừa từ)")


class SuccessorInline(LineageInline):
    fk_name = "predecessor"
    fields = readonly_fields = ["successor", "partial", "effective"]
    verbose_name = _("đơn vị mới (sáp nhập vào)")
    verbose_name_plural = _("đơn vị mới (sáp nhập vào)")


class UnitForm(forms.ModelForm):
    class Meta:
        model = AdministrativeUnit
        fields = "__all__"  # noqa: DJ007 - admin forms: each ModelAdmin and inline passes its own `fields`

    def clean_commune_group(self):
        group = self.cleaned_data.get("commune_group")
        if group and not services.group_applies(self.instance):
            raise forms.ValidationError(services.group_not_applicable_message(self.instance))
        return group

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        # The scope follows the materialised path and the era: a child is in its parent's era.
        if parent is not None and data.get("era") and data["era"] != parent.era:
            self.add_error("era", _("Đơn vị mới phải cùng thời kỳ với đơn vị cấp trên."))
        return data


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_units = ("",)
    form = UnitForm
    list_display = ["code", "name", "kind", "level", "era", "region", "commune_group", "parent"]
    list_display_links = ["code", "name"]
    list_editable = ["region", "commune_group"]
    list_filter = ["era", "level", "kind", "region", "commune_group"]
    list_select_related = ["parent"]
    search_fields = ["^code", "name"]
    autocomplete_fields = ["parent"]  # a select of 14,000 units would make every change page heavy
    readonly_fields = ["path"]
    fields = [
        "era",
        "code",
        "name",
        "kind",
        "level",
        "parent",
        "path",
        "region",
        "commune_group",
        "valid_from",
        "valid_to",
    ]
    inlines = [PredecessorInline, SuccessorInline]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *PACKAGE_FIELDS] if obj else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and not sees_everything(request.user):
            # A new unit of a scoped admin hangs under one of their units (the parent's choices are those).
            form.base_fields["parent"].required = True
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A commune's region and group pick its targets: its open assessments are judged again, in the
        # background once this save commits (approved ones keep what they were approved with).
        if change and obj.is_commune and TARGET_SCOPE_FIELDS & set(form.changed_data):
            start_job_from_admin(request, kind="recompute_summaries", params={"unit": f"{obj.era}/{obj.code}"})


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    # A lineage row is read where one of its units is in scope, and added, changed or deleted only where both
    # are (its unit fields offer only units in scope).
    scope_units = ("predecessor__", "successor__")
    list_display = ["predecessor", "successor", "partial", "effective"]
    list_filter = ["partial", "effective", "successor__level"]
    list_select_related = ["predecessor", "successor"]
    search_fields = ["^predecessor__code", "predecessor__name", "^successor__code", "successor__name"]
    autocomplete_fields = ["predecessor", "successor"]

    def view_scope_q(self, user):
        return administered_units_q(user, "predecessor__") | administered_units_q(user, "successor__")
