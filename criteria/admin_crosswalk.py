"""Admin for crosswalks between criteria sets (criteria.crosswalks): superusers only, as the sets they join
are national or of several provinces. The links are an inline (offered once the crosswalk is saved, and
limited to the indicators of its two sets); the same rules as the workbook import check every row. An
action exports a crosswalk to Excel, and a page imports one (or downloads the blank template of two sets).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import ScopedInlineMixin, SuperuserOnlyAdminMixin
from criteria import crosswalk_workbook as crosswalk_io
from criteria.crosswalks import LinkSpec, link_errors, links_errors
from criteria.models import CriteriaSet, Crosswalk, CrosswalkLink, Indicator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LinkFormSet(forms.BaseInlineFormSet):
    """Every row checked by criteria.crosswalks, alone (on its fields) and together (one source per new
    indicator, "không có tương đương" alone)."""

    def clean(self):
        # The rules first: the model formset's own uniqueness check raises and would hide them.
        self._check_links()
        super().clean()

    def _check_links(self):
        crosswalk = self.instance
        if not (crosswalk.from_set_id and crosswalk.to_set_id):
            return
        rows = [
            form for form in self.forms if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        specs = [
            LinkSpec(
                f.cleaned_data.get("from_indicator"),
                f.cleaned_data.get("to_indicator"),
                f.cleaned_data.get("kind"),
                f.cleaned_data.get("verified", False),
            )
            for f in rows
        ]
        found = links_errors(crosswalk.from_set, crosswalk.to_set, specs)
        for index, errors in found.items():
            for message in errors:
                rows[index].add_error(None, message)
        if found:
            raise ValidationError(_("Có liên kết chưa hợp lệ; xem lỗi ở từng dòng."))


class LinkForm(forms.ModelForm):
    class Meta:
        model = CrosswalkLink
        fields = ["from_indicator", "to_indicator", "kind", "verified", "note"]

    def _post_clean(self):
        # The rules of criteria.crosswalks, then the model's own checks (constraints) on a complete row.
        crosswalk = getattr(self, "parent_crosswalk", None)
        data = self.cleaned_data
        if crosswalk is not None and crosswalk.from_set_id and "kind" in data:
            for message in link_errors(
                crosswalk.from_set,
                crosswalk.to_set,
                LinkSpec(data.get("from_indicator"), data.get("to_indicator"), data.get("kind")),
            ):
                self.add_error(None, message)
        super()._post_clean()


class CrosswalkLinkInline(ScopedInlineMixin, admin.TabularInline):
    model = CrosswalkLink
    form = LinkForm
    formset = LinkFormSet
    extra = 3
    fields = ["from_indicator", "to_indicator", "kind", "verified", "note"]

    def get_formset(self, request, obj=None, **kwargs):
        request._crosswalk = obj
        formset = super().get_formset(request, obj, **kwargs)
        form = formset.form

        class Bound(form):
            parent_crosswalk = obj

        formset.form = Bound
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        crosswalk = getattr(request, "_crosswalk", None)
        if db_field.name in ("from_indicator", "to_indicator") and crosswalk is not None:
            set_id = crosswalk.from_set_id if db_field.name == "from_indicator" else crosswalk.to_set_id
            kwargs["queryset"] = Indicator.objects.filter(criteria_set_id=set_id).order_by(
                "criterion__number", "position", "id"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CrosswalkImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp sổ tính (.xlsx)"), required=False)
    from_set = forms.ModelChoiceField(
        queryset=CriteriaSet.objects.all(), required=False, label=gettext_lazy("Bộ tiêu chí cũ (để tải mẫu)")
    )
    to_set = forms.ModelChoiceField(
        queryset=CriteriaSet.objects.all(), required=False, label=gettext_lazy("Bộ tiêu chí mới (để tải mẫu)")
    )


@admin.register(Crosswalk)
class CrosswalkAdmin(SuperuserOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "from_set", "to_set", "link_count"]
    fields = ["from_set", "to_set", "note"]
    inlines = [CrosswalkLinkInline]
    actions = ["export_excel"]
    change_list_template = "admin/criteria/crosswalk/change_list.html"

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).select_related("from_set", "to_set").annotate(n_links=Count("links"))

    @admin.display(description=gettext_lazy("số liên kết"), ordering="n_links")
    def link_count(self, obj):
        return obj.n_links

    def get_inline_instances(self, request, obj=None):
        # Links are chosen among the two sets' indicators: the crosswalk is saved first.
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.action(description=gettext_lazy("Xuất ra Excel"))
    def export_excel(self, request, queryset):
        crosswalk = queryset.select_related("from_set", "to_set").first()
        if queryset.count() != 1:
            self.message_user(request, _("Chọn đúng một bảng chuyển đổi để xuất."), messages.WARNING)
            return None
        return _xlsx_response(crosswalk.from_set, crosswalk.to_set, crosswalk)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import-excel/", view, name="criteria_crosswalk_import_excel"), *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CrosswalkImportForm(request.POST or None, request.FILES or None)
        errors = []
        if form.is_valid():
            data = form.cleaned_data
            if "template" in request.POST:
                if data["from_set"] and data["to_set"]:
                    existing = Crosswalk.objects.filter(from_set=data["from_set"], to_set=data["to_set"]).first()
                    return _xlsx_response(data["from_set"], data["to_set"], existing)
                form.add_error(None, _("Chọn bộ tiêu chí cũ và bộ tiêu chí mới để tải mẫu."))
            elif data["file"] is None:
                form.add_error("file", _("Chọn tệp để nhập."))
            else:
                result = crosswalk_io.crosswalk_import(data["file"])
                if result.ok:
                    url = reverse("admin:criteria_crosswalk_change", args=[result.crosswalk.pk])
                    messages.success(
                        request,
                        format_html(
                            _('Đã nhập bảng chuyển đổi <a href="{}">{}</a>: {} liên kết.'),
                            url,
                            str(result.crosswalk),
                            result.links,
                        ),
                    )
                    return HttpResponseRedirect(url)
                errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
            "title": _("Nhập bảng chuyển đổi chỉ tiêu từ Excel"),
        }
        return TemplateResponse(request, "admin/criteria/crosswalk/import.html", context)


def _xlsx_response(from_set, to_set, crosswalk) -> HttpResponse:
    response = HttpResponse(
        crosswalk_io.crosswalk_export(from_set=from_set, to_set=to_set, crosswalk=crosswalk), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="{crosswalk_io.export_file_name(from_set, to_set)}"'
    return response
