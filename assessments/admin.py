"""Admin for assessments: look up any assessment, correct results of one not yet approved, read history.

Results are written through assessments.services so the stored summary is recomputed in the same
transaction; an assessment is never created here, because the service must create its results.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import ScopedAdminMixin, ScopedInlineMixin
from assessments import services
from assessments.models import Assessment, IndicatorResult, Status
from assessments.services import values
from criteria.models import IndicatorKind

RESULT_FIELDS = ("value", "met", "note")


def _approved(obj) -> bool:
    return isinstance(obj, Assessment) and obj.status == Status.APPROVED


def _results_editable(obj) -> bool:
    # The service refuses results of submitted and approved assessments; the form must not offer them.
    return not isinstance(obj, Assessment) or obj.is_editable


class IndicatorResultAdminForm(forms.ModelForm):
    """A result corrected in the admin obeys the entry service's rules (assessments.services.values),
    checked here so that a refusal shows next to its field instead of failing the save."""

    def clean(self):
        cleaned = super().clean()
        result = self.instance
        changed = [name for name in ("value", "met", "note") if name in self.changed_data]
        if not result.pk or not changed:
            return cleaned
        assessment = result.assessment
        book = services.TargetBook.of(assessment.criteria_set)
        indicator = book.by_id[result.indicator_id]
        entry = _entry_of(indicator, {name: cleaned.get(name) for name in changed})
        try:
            values.clean_entry(
                entry, indicator=indicator, target=book.target_for(indicator, assessment.commune, assessment.as_of)
            )
        except ValidationError as exc:
            for error in exc.error_list:
                field = {"too_long": "note", "invalid_answer": "met"}.get(error.code, "value")
                self.add_error(field if field in self.fields else None, error)
        return cleaned


def _entry_of(indicator, changes: dict) -> dict:
    # A numeric result's đạt / chưa đạt is computed from its value: the admin's column is not an input.
    if indicator.kind == IndicatorKind.NUMERIC:
        changes.pop("met", None)
    return changes


class IndicatorResultInline(ScopedInlineMixin, admin.TabularInline):
    model = IndicatorResult
    form = IndicatorResultAdminForm
    fields = ["indicator_label", "value", "met", "note", "target_applied", "verification_state"]
    readonly_fields = ["indicator_label", "target_applied", "verification_state"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 40})}}
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return _results_editable(obj) and super().has_change_permission(request, obj)

    @admin.display(description=gettext_lazy("chỉ tiêu"))
    def indicator_label(self, obj):
        return f"{obj.indicator.code}. {Truncator(obj.indicator.name).chars(80)}"


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_units = ("commune__",)
    list_display = [
        "commune",
        "criteria_set",
        "as_of",
        "status",
        "criteria_summary",
        "indicator_summary",
        "is_demo",
    ]
    list_filter = ["status", ("criteria_set", admin.RelatedOnlyFieldListFilter), "is_demo"]
    search_fields = ["commune__name", "commune__code"]
    list_select_related = ["commune", "criteria_set"]
    raw_id_fields = ["commune"]
    inlines = [IndicatorResultInline]
    fieldsets = [
        (None, {"fields": ["commune", "criteria_set", "as_of", "status", "revision", "is_demo"]}),
        (
            gettext_lazy("Kết quả tổng hợp"),
            {
                "fields": [
                    "report_sentence",
                    "criteria_met",
                    "criteria_total",
                    "indicators_met",
                    "indicators_total",
                    "indicators_unknown",
                    "meets_standard",
                    "set_complete",
                    "indicators_stated",
                    "summary_updated_at",
                ],
            },
        ),
        (
            gettext_lazy("Quy trình"),
            {
                "fields": [
                    "created_by",
                    "created_at",
                    "submitted_by",
                    "submitted_at",
                    "returned_by",
                    "returned_at",
                    "return_reason",
                    "approved_by",
                    "approved_at",
                ],
            },
        ),
    ]
    # Only results are edited here; identity, workflow and summary change through the services.
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return not _approved(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _approved(obj) and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if _approved(obj):
            if request.method == "POST" and f"{ActionLocation.CHANGE_FORM.value}-action" not in request.POST:
                messages.error(request, _("Thay đổi chưa được lưu."))
                return HttpResponseRedirect(request.get_full_path())
            if request.method == "GET":
                messages.warning(
                    request,
                    _(
                        "Đánh giá đã được duyệt nên chỉ xem được. Muốn sửa, quản trị bộ tiêu chí phải mở lại "
                        "đánh giá (kèm lý do) trên trang của đánh giá."
                    ),
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Every field on this page is read-only: saving the row again would only add a history entry.
        if form.has_changed():
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not IndicatorResult:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # fills changed_objects (and the change message) without writing
        entries = {
            result.indicator.code: _entry_of(
                result.indicator, {name: getattr(result, name) for name in fields if name in RESULT_FIELDS}
            )
            for result, fields in formset.changed_objects
        }
        entries = {code: entry for code, entry in entries.items() if entry}
        if entries:
            services.indicator_results_update(assessment=form.instance, entries=entries, by=request.user)

    @admin.display(description=gettext_lazy("tiêu chí đạt"), ordering="criteria_met")
    def criteria_summary(self, obj):
        return _("%(met)s/%(total)s tiêu chí") % {"met": obj.criteria_met, "total": obj.criteria_total}

    @admin.display(description=gettext_lazy("chỉ tiêu đạt"), ordering="indicators_met")
    def indicator_summary(self, obj):
        return _("%(met)s/%(total)s chỉ tiêu") % {"met": obj.indicators_met, "total": obj.indicators_total}

    @admin.display(description=gettext_lazy("báo cáo"))
    def report_sentence(self, obj):
        return obj.sentence()
