"""Jobs in the admin (read-only: the worker writes them), and the helper other admin pages use to start one."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.admin_scope import SuperuserOnlyAdminMixin
from jobs import registry, services
from jobs.models import Job, SentReminder


def start_job_from_admin(request, *, kind: str, params: dict) -> Job:
    """Start a job for the admin user and tell them where to watch it (a message with a link)."""
    job = services.job_start(kind=kind, by=request.user, params=params)
    messages.info(
        request,
        format_html(
            _('Đã bắt đầu "{}" chạy nền: <a href="{}">xem tiến độ</a>.'),
            registry.label_of(kind),
            job.get_absolute_url(),
        ),
    )
    return job


@admin.register(Job)
class JobAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    # Superusers only: a job's parameters and results span units; its starter follows it on its own page.
    list_display = ["id", "kind", "created_by", "created_at", "status", "progress", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    search_fields = ["kind", "created_by__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SentReminder)
class SentReminderAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "kind", "user", "key", "subject", "sent_at"]
    list_filter = ["kind", "day"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
