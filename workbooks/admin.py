from django.contrib import admin

from accounts.admin_scope import SuperuserOnlyAdminMixin
from workbooks.models import ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the log is written by the import service alone. Superusers only: a record names no unit."""

    list_display = ["when", "who", "file_name", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["file_name", "sha256", "who__username"]
    readonly_fields = [f.name for f in ImportRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
