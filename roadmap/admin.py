"""Admin for plans and recognitions: corrections by an administrator, with the full history.

Scoped like every admin of the project (accounts.admin_scope): a criteria admin reaches the plans and
recognitions of the communes under their units only; the reviewers of a unit work on the roadmap pages.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import ScopedAdminMixin
from roadmap.models import Plan, Recognition


@admin.register(Plan)
class PlanAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_units = ("commune__",)
    list_display = ["commune", "level", "target_year", "updated_by", "updated_at"]
    list_filter = ["level", "target_year"]
    search_fields = ["commune__name", "commune__code"]
    list_select_related = ["commune", "updated_by"]
    raw_id_fields = ["commune"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Recognition)
class RecognitionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_units = ("commune__",)
    list_display = ["commune", "level", "decision_number", "decision_date", "issuing_body", "recorded_by"]
    list_filter = ["level"]
    search_fields = ["commune__name", "commune__code", "decision_number"]
    list_select_related = ["commune", "recorded_by"]
    raw_id_fields = ["commune"]
    readonly_fields = ["recorded_by", "recorded_at"]
    date_hierarchy = "decision_date"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
