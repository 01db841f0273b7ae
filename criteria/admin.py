"""Admin for criteria sets: where a criteria admin completes a bundled set from the decision's text,
sees what is still missing and where each fact comes from, versions it and publishes it.

A frozen set (published and used by an assessment) and its criteria, indicators and targets are
shown read-only; a save is refused with FROZEN_MESSAGE. Actions still work on it (archive, clone).
"""

import json

from django import forms as django_forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import ScopedAdminMixin, ScopedInlineMixin, SuperuserOnlyAdminMixin
from accounts.selectors import administers, criteria_sets_q, sees_everything
from communes.models import CommuneGroup
from criteria import admin_workbook, forms, services
from criteria.models import (
    FROZEN_MESSAGE,
    CriteriaSet,
    Criterion,
    Department,
    Indicator,
    IndicatorTarget,
    SetStatus,
    SourceDocument,
)
from criteria.sources import source_keys, split_on_keys
from jobs.admin import start_job_from_admin
from ntm.lib.html import safe_url

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def _set_of(obj) -> CriteriaSet | None:
    if isinstance(obj, CriteriaSet):
        return obj if obj.pk else None
    if isinstance(obj, (Criterion, Indicator)) and obj.criteria_set_id:
        return obj.criteria_set
    return None


def _is_frozen(obj) -> bool:
    cs = _set_of(obj)
    return cs is not None and cs.is_frozen


OUT_OF_SCOPE_SET = gettext_lazy(
    "Bộ tiêu chí này không thuộc tỉnh bạn quản trị (bộ quốc gia hoặc của tỉnh khác) nên chỉ xem được; muốn "
    "điều chỉnh, hãy nhân bản thành bộ tiêu chí của tỉnh."
)


class SetScopeMixin(ScopedAdminMixin):
    """Criteria sets and their criteria and indicators: a criteria admin reads the national sets and their
    province's, and changes only the sets of a province they administer (accounts.selectors.criteria_sets_q)."""

    set_prefix = ""

    def view_scope_q(self, user):
        return criteria_sets_q(user, self.set_prefix, edit=False)

    def edit_scope_q(self, user):
        return criteria_sets_q(user, self.set_prefix, edit=True)


class FrozenInlineMixin(ScopedInlineMixin):
    """Inside a frozen set's page (obj is the parent) rows can be neither changed, added nor deleted."""

    def has_change_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)


class FrozenAdminMixin:
    def has_change_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        read_only = obj is not None and not self.in_scope(request, obj, edit=True)
        if _is_frozen(obj) or read_only:
            if request.method == "POST" and not _is_action_post(request):
                # Django would answer a bare 403 here; say why and change nothing.
                messages.error(request, _("Thay đổi chưa được lưu."))
                return HttpResponseRedirect(request.get_full_path())
            if request.method == "GET":
                messages.warning(request, OUT_OF_SCOPE_SET if read_only else FROZEN_MESSAGE)
        return super().changeform_view(request, object_id, form_url, extra_context)


def _is_action_post(request) -> bool:
    buttons = ("_save", "_continue", "_addanother", "_saveasnew")
    return f"{ActionLocation.CHANGE_FORM.value}-action" in request.POST and not any(b in request.POST for b in buttons)


def _pretty_json(value) -> str:
    if not value:
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


def source_links(text: str, docs: dict[str, SourceDocument]) -> str:
    """The sources text with every known key (S1, Q4 …) turned into a link to its document."""
    parts = []
    for part, is_key in split_on_keys(text):
        doc = docs.get(part) if is_key else None
        url = safe_url(doc.url) if doc else ""
        if url:
            parts.append(
                format_html('<a href="{}" title="{}" target="_blank" rel="noopener">{}</a>', url, doc.description, part)
            )
        else:
            parts.append(conditional_escape(part))
    return mark_safe("".join(parts)) if text else "—"


def _docs_for(*texts: str) -> dict[str, SourceDocument]:
    keys = source_keys(*texts)
    return SourceDocument.objects.in_bulk(keys, field_name="key") if keys else {}


def _indicator_link(indicator: Indicator) -> str:
    url = reverse("admin:criteria_indicator_change", args=[indicator.pk])
    return format_html('<a href="{}">{}</a>', url, indicator.code)


# --- Criteria sets ----------------------------------------------------------------------------


class CriterionInline(FrozenInlineMixin, admin.TabularInline):
    model = Criterion
    form = forms.CriterionForm
    fields = ["number", "name", "group_number", "group_name", "department", "indicator_count"]
    readonly_fields = ["indicator_count"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department").annotate(n_indicators=Count("indicators"))

    @admin.display(description=gettext_lazy("số chỉ tiêu"))
    def indicator_count(self, obj):
        return getattr(obj, "n_indicators", "—")


@admin.register(CriteriaSet)
class CriteriaSetAdmin(FrozenAdminMixin, SetScopeMixin, SimpleHistoryAdmin):
    action_form = forms.ProvinceActionForm
    actions = ["clone_version", "clone_for_province", "publish", "archive", "export_excel"]
    list_display = [
        "code",
        "name",
        "level",
        "period",
        "status",
        "province",
        "criteria_count",
        "indicator_count",
        "verified_count",
        "demo_marker",
    ]
    list_filter = ["status", "level", ("province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "decision_number"]
    list_select_related = ["province"]
    inlines = [CriterionInline]
    readonly_fields = [
        "status",
        "derived_from",
        "version",
        "in_use",
        "published_by_demo",
        "completeness_panel",
        "provenance_pretty",
        "source_file",
        "source_hash",
    ]
    fieldsets = [
        (None, {"fields": ["code", "name", "level", "status", "is_synthetic", "published_by_demo"]}),
        (
            gettext_lazy("Căn cứ pháp lý"),
            {
                "fields": ["decision_number", "decision_date", "effective_date", "issuer", "signer", "appendix"],
            },
        ),
        (
            gettext_lazy("Phạm vi và phiên bản"),
            {
                "fields": ["period_start", "period_end", "province", "derived_from", "version", "in_use"],
            },
        ),
        (
            gettext_lazy("Mức đầy đủ"),
            {
                "fields": ["completeness", "stated_criteria_count", "stated_indicator_count", "completeness_panel"],
            },
        ),
        (gettext_lazy("Nguồn"), {"fields": ["notes", "provenance_pretty", "source_file", "source_hash"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Group targets typed on this page for a draft already used: its open assessments are judged again.
        if change and form.instance.in_use and _targets_edited(form, formsets):
            start_job_from_admin(request, kind="recompute_summaries", params={"set": form.instance.code})

    def get_inlines(self, request, obj):
        # A 2026-2030 set (targets by commune group) also lists its indicators, to be typed on this page.
        if obj is not None and obj.uses_commune_groups:
            return [CriterionInline, SetIndicatorInline]
        return [CriterionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_counts()
            .annotate(verified_count=Count("indicators", filter=Q(indicators__verified=True), distinct=True))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "province" in form.base_fields and not sees_everything(request.user):
            # A criteria admin's set is their province's: the choices are those provinces, and never none.
            form.base_fields["province"].required = True
        return form

    @admin.display(description=gettext_lazy("giai đoạn"), ordering="period_start")
    def period(self, obj):
        if obj.period_start and obj.period_end:
            return f"{obj.period_start}–{obj.period_end}"
        return obj.period_start or obj.period_end or "—"

    @admin.display(description=gettext_lazy("tiêu chí"), ordering="criteria_count")
    def criteria_count(self, obj):
        return _count_of_stated(obj.criteria_count, obj.stated_criteria_count)

    @admin.display(description=gettext_lazy("chỉ tiêu"), ordering="indicator_count")
    def indicator_count(self, obj):
        return _count_of_stated(obj.indicator_count, obj.stated_indicator_count)

    @admin.display(description=gettext_lazy("đã kiểm chứng"), ordering="verified_count")
    def verified_count(self, obj):
        return obj.verified_count

    @admin.display(description=gettext_lazy("demo"))
    def demo_marker(self, obj):
        marks = [_("demo")] * obj.published_by_demo + [_("tổng hợp")] * obj.is_synthetic
        return ", ".join(marks) or ""

    @admin.display(description=gettext_lazy("thông tin nguồn khác"))
    def provenance_pretty(self, obj):
        return _pretty_json(obj.provenance)

    @admin.display(description=gettext_lazy("kiểm tra mức đầy đủ"))
    def completeness_panel(self, obj):
        if not obj.pk:
            return _("Lưu bộ tiêu chí để xem mức đầy đủ.")
        return _completeness_html(obj)

    # --- actions ---

    @admin.action(description=gettext_lazy("Nhân bản thành phiên bản nháp mới"), permissions=["add"], location=BOTH)
    def clone_version(self, request, queryset):
        return self._clone(request, queryset, province=None)

    @admin.action(description=gettext_lazy("Nhân bản thành bộ tiêu chí của tỉnh"), permissions=["add"], location=BOTH)
    def clone_for_province(self, request, queryset):
        prefix = ActionLocation.CHANGE_FORM.value if _is_action_post(request) else None
        form = forms.ProvinceForm(request.POST, prefix=prefix)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return None
        return self._clone(request, queryset, province=form.cleaned_data["province"])

    def _clone(self, request, queryset, province):
        clones = []
        for source in queryset:
            if not administers(request.user, province or source.province):
                messages.error(
                    request,
                    _("Không nhân bản được %(code)s: bạn chỉ tạo được bộ tiêu chí của tỉnh mình quản trị.")
                    % {"code": source.code},
                )
                continue
            try:
                clones.append(services.criteria_set_clone(source=source, by=request.user, province=province))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        for clone in clones:
            url = reverse("admin:criteria_criteriaset_change", args=[clone.pk])
            messages.success(request, format_html(_('Đã tạo bản nháp <a href="{}">{}</a>.'), url, clone.code))
        if len(clones) == 1:
            return HttpResponseRedirect(reverse("admin:criteria_criteriaset_change", args=[clones[0].pk]))
        return None

    @admin.action(description=gettext_lazy("Công bố"), permissions=["change"], location=BOTH)
    def publish(self, request, queryset):
        # An incomplete set is published only after a page that names what is missing and asks to confirm.
        confirmed = request.POST.get("confirm_incomplete") == "1"
        waiting = []
        for cs in self._editable(request, queryset).exclude(status=SetStatus.PUBLISHED):
            try:
                services.criteria_set_publish(criteria_set=cs, by=request.user, confirm_incomplete=confirmed)
            except ValidationError as exc:
                if exc.error_list[0].code == "needs_confirmation":
                    waiting.append((cs, " ".join(exc.messages)))
                else:
                    messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Đã công bố bộ tiêu chí %(code)s.") % {"code": cs.code})
        if waiting:
            return TemplateResponse(
                request,
                "admin/criteria/criteriaset/publish_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "waiting": waiting,
                    "title": _("Xác nhận công bố bộ tiêu chí chưa đầy đủ"),
                    "changelist_url": reverse("admin:criteria_criteriaset_changelist"),
                },
            )
        return None

    def _editable(self, request, queryset):
        """The chosen sets the user may change; the others are named in a message and left alone."""
        editable = queryset.filter(self.edit_scope_q(request.user)) if not sees_everything(request.user) else queryset
        skipped = sorted(set(queryset.values_list("code", flat=True)) - set(editable.values_list("code", flat=True)))
        if skipped:
            messages.error(
                request,
                _("Không thay đổi được %(codes)s: chỉ xem được bộ tiêu chí ngoài tỉnh bạn quản trị.")
                % {"codes": ", ".join(skipped)},
            )
        return editable

    # Excel in and out (criteria.admin_workbook).

    @admin.action(description=gettext_lazy("Xuất ra Excel"), permissions=["view"], location=BOTH)
    def export_excel(self, request, queryset):
        return admin_workbook.export_response(queryset)

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: admin_workbook.import_view(self, request))
        return [path("import-excel/", view, name="criteria_criteriaset_import_excel"), *super().get_urls()]

    @admin.action(description=gettext_lazy("Lưu trữ"), permissions=["change"], location=BOTH)
    def archive(self, request, queryset):
        for cs in self._editable(request, queryset).exclude(status=SetStatus.ARCHIVED):
            services.criteria_set_archive(criteria_set=cs, by=request.user)
            messages.success(request, _("Đã lưu trữ bộ tiêu chí %(code)s.") % {"code": cs.code})


def _count_of_stated(count: int, stated: int | None) -> str:
    return f"{count}/{stated}" if stated is not None else str(count)


def _completeness_html(cs: CriteriaSet) -> str:
    """The panel a criteria admin reads before publishing: what is missing, what is unchecked, sources."""
    criteria = list(cs.criteria.annotate(n=Count("indicators")).order_by("number"))
    indicators = list(
        cs.indicators.annotate(variant_count=Count("targets")).order_by("criterion__number", "position", "id")
    )
    docs = _docs_for(*(i.sources for i in indicators))
    verified = sum(i.verified for i in indicators)
    no_target = [i for i in indicators if i.target_missing and not i.variant_count]
    unverified = [i for i in indicators if not i.verified]
    empty = [c for c in criteria if not c.n]
    counts = format_html(
        "<table><tbody><tr><th>{}</th><td>{} / {}</td></tr><tr><th>{}</th><td>{} / {}</td></tr>"
        "<tr><th>{}</th><td>{} / {}</td></tr></tbody></table>",
        _("Tiêu chí trong bộ / theo quyết định"),
        len(criteria),
        _or_unknown(cs.stated_criteria_count),
        _("Chỉ tiêu trong bộ / theo quyết định"),
        len(indicators),
        _or_unknown(cs.stated_indicator_count),
        _("Chỉ tiêu đã kiểm chứng / có trong bộ"),
        verified,
        len(indicators),
    )
    sections = [
        (
            _("Chênh lệch với số liệu quyết định nêu"),
            [format_html("{}", p) for p in services.criteria_set_count_problems(cs)],
        ),
        (_("Tiêu chí chưa có chỉ tiêu"), [format_html("{}", c) for c in empty]),
        (_("Chỉ tiêu chưa có ngưỡng (chưa lấy được từ văn bản)"), [_indicator_link(i) for i in no_target]),
        (_("Chỉ tiêu chưa kiểm chứng"), [_unverified_item(i) for i in unverified]),
    ]
    if cs.uses_commune_groups:
        labels = dict(CommuneGroup.choices)
        lacking = [
            format_html("{} ({})", _indicator_link(i), ", ".join(str(labels[g]).split(" (")[0] for g in groups))
            for i, groups in services.indicators_missing_group_targets(cs)
        ]
        sections.insert(2, (_("Chỉ tiêu thiếu ngưỡng theo nhóm xã"), lacking))
    lists = format_html_join(
        "",
        "<h4>{} ({})</h4><p>{}</p>",
        ((title, len(items), mark_safe("; ".join(items)) if items else _("Không có.")) for title, items in sections),
    )
    return format_html("{}{}<h4>{}</h4>{}", counts, lists, _("Nguồn từng chỉ tiêu"), _sources_table(indicators, docs))


def _or_unknown(number: int | None):
    return _("chưa rõ") if number is None else number


def _unverified_item(indicator: Indicator) -> str:
    if indicator.confidence:
        return format_html("{} ({})", _indicator_link(indicator), indicator.get_confidence_display())
    return _indicator_link(indicator)


def _sources_table(indicators: list[Indicator], docs: dict) -> str:
    if not indicators:
        return _("Bộ tiêu chí chưa có chỉ tiêu.")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                _indicator_link(i),
                source_links(i.sources, docs),
                _("có") if i.verified else _("chưa"),
                Truncator(i.note).chars(160),
            )
            for i in indicators
        ),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("chỉ tiêu"),
        _("nguồn"),
        _("đã kiểm chứng"),
        _("ghi chú nguồn"),
        rows,
    )


# --- Criteria and indicators -------------------------------------------------------------------

# What an assessment's results are judged against: the indicator's own target fields and its target rows.
TARGET_FIELDS = {"kind", "operator", "target_value", "target_text", "unit", "nhom1", "nhom2", "nhom3"}


def _targets_edited(form, formsets) -> bool:
    if TARGET_FIELDS & set(form.changed_data):
        return True
    for formset in formsets:
        if formset.model is IndicatorTarget and formset.has_changed():
            return True
        if formset.model is Indicator and any(TARGET_FIELDS & set(f.changed_data) for f in formset.forms):
            return True
    return False


class RecomputeOnTargetEditMixin:
    """A set still open to edits but already used (a draft with assessments) has its open assessments
    judged again, in the background, once an edit of its targets is committed."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        criteria_set = form.instance.criteria_set
        if change and criteria_set.in_use and _targets_edited(form, formsets):
            start_job_from_admin(request, kind="recompute_summaries", params={"set": criteria_set.code})


_SMALL_TEXT = {models.TextField: {"widget": django_forms.Textarea(attrs={"rows": 2, "cols": 40})}}


class GroupTargetColumnsMixin:
    """The nhom1..3 columns of an indicator inline, shown when the row is read-only (a frozen set)."""

    def _group_target(self, obj, group):
        target = obj.targets.filter(region="", year=0, commune_group=group).first() if obj and obj.pk else None
        return target.as_target().display() if target else "—"

    @admin.display(description=forms.GROUP_FIELD_LABELS["nhom1"])
    def nhom1(self, obj):
        return self._group_target(obj, "nhom1")

    @admin.display(description=forms.GROUP_FIELD_LABELS["nhom2"])
    def nhom2(self, obj):
        return self._group_target(obj, "nhom2")

    @admin.display(description=forms.GROUP_FIELD_LABELS["nhom3"])
    def nhom3(self, obj):
        return self._group_target(obj, "nhom3")


class IndicatorInline(GroupTargetColumnsMixin, FrozenInlineMixin, admin.TabularInline):
    model = Indicator
    formset = forms.IndicatorInlineFormSet
    fields = [
        "code",
        "position",
        "name",
        "kind",
        "operator",
        "target_value",
        "target_text",
        "unit",
        "verified",
        "confidence",
        "sources",
    ]
    formfield_overrides = _SMALL_TEXT
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        # A 2026-2030 set's targets go by commune group: one cell per group on the indicator's line.
        if obj is not None and obj.criteria_set.uses_commune_groups:
            kwargs["form"] = forms.IndicatorGroupTargetsForm
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.criteria_set.uses_commune_groups:
            extra = [f for f in forms.GROUP_FIELD_LABELS if f not in fields]
            at = fields.index("unit") + 1
            fields = [*fields[:at], *extra, *fields[at:]]
        return fields


class SetIndicatorInline(GroupTargetColumnsMixin, FrozenInlineMixin, admin.TabularInline):
    """A 2026-2030 set's indicators on the set's own page, one line each with its three group targets:
    the quick way to type the decision's table (47 indicators × 3 groups) once the criteria exist."""

    model = Indicator
    fk_name = "criteria_set"
    form = forms.IndicatorGroupTargetsForm
    formset = forms.IndicatorInlineFormSet
    fields = ["criterion", "code", "position", "name", "kind", "unit", "nhom1", "nhom2", "nhom3"]
    formfield_overrides = _SMALL_TEXT
    extra = 3
    show_change_link = True
    verbose_name_plural = gettext_lazy("chỉ tiêu và ngưỡng theo nhóm xã")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion").order_by("criterion__number", "position")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this set's criteria may be chosen (the list is built once per page, not per row).
        if "criterion" in formset.form.base_fields:
            own = Criterion.objects.filter(criteria_set=obj).order_by("number")
            formset.form.base_fields["criterion"].queryset = own
        return formset


@admin.register(Criterion)
class CriterionAdmin(RecomputeOnTargetEditMixin, FrozenAdminMixin, SetScopeMixin, SimpleHistoryAdmin):
    set_prefix = "criteria_set__"
    form = forms.CriterionForm
    list_display = ["__str__", "criteria_set", "group_name", "department", "indicator_count"]
    list_filter = [("criteria_set", admin.RelatedOnlyFieldListFilter), "department"]
    search_fields = ["name", "criteria_set__code"]
    list_select_related = ["criteria_set", "department"]
    fields = [
        "criteria_set",
        "number",
        "name",
        "group_number",
        "group_name",
        "department",
        "name_verified",
        "sources",
        "source_links",
        "note",
    ]
    inlines = [IndicatorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_indicators=Count("indicators"))

    def get_readonly_fields(self, request, obj=None):
        # Moving a criterion to another set would carry its indicators (and their results) along.
        return ["source_links", "criteria_set"] if obj else ["source_links"]

    @admin.display(description=gettext_lazy("số chỉ tiêu"), ordering="n_indicators")
    def indicator_count(self, obj):
        return obj.n_indicators

    @admin.display(description=gettext_lazy("liên kết nguồn"))
    def source_links(self, obj):
        return source_links(obj.sources, _docs_for(obj.sources))


class IndicatorTargetInline(FrozenInlineMixin, admin.TabularInline):
    model = IndicatorTarget
    fields = ["region", "commune_group", "year", "operator", "value", "text", "unit"]
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(RecomputeOnTargetEditMixin, FrozenAdminMixin, SetScopeMixin, SimpleHistoryAdmin):
    set_prefix = "criteria_set__"
    form = forms.IndicatorForm
    list_display = [
        "code",
        "short_name",
        "criteria_set",
        "kind",
        "target_display",
        "verified",
        "confidence",
        "sources",
    ]
    list_filter = [("criteria_set", admin.RelatedOnlyFieldListFilter), "verified", "kind", "confidence"]
    search_fields = ["code", "name", "criteria_set__code"]
    list_select_related = ["criteria_set"]
    inlines = [IndicatorTargetInline]
    formfield_overrides = {models.TextField: {"widget": django_forms.Textarea(attrs={"rows": 3, "cols": 80})}}
    fieldsets = [
        (None, {"fields": ["criterion", "code", "position", "name", "kind"]}),
        (gettext_lazy("Chỉ tiêu chung"), {"fields": ["operator", "target_value", "target_text", "unit"]}),
        (None, {"fields": ["evidence_guidance"]}),
        (
            gettext_lazy("Nguồn và kiểm chứng"),
            {
                "fields": ["verified", "confidence", "sources", "source_links", "note", "provenance_pretty"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(variant_count=Count("targets"))

    def get_readonly_fields(self, request, obj=None):
        # The criterion fixes the set; moving an indicator across sets would orphan its results.
        return ["source_links", "provenance_pretty", *(["criterion"] if obj else [])]

    @admin.display(description=gettext_lazy("nội dung chỉ tiêu"), ordering="name")
    def short_name(self, obj):
        return Truncator(obj.name).chars(90)

    @admin.display(description=gettext_lazy("chỉ tiêu áp dụng"))
    def target_display(self, obj):
        text = obj.base_target.display()
        if obj.variant_count:
            more = _("%(n)s mức theo vùng / nhóm / năm") % {"n": obj.variant_count}
            return f"{text} (+{more})" if text else more
        return text or _("chưa có")

    @admin.display(description=gettext_lazy("liên kết nguồn"))
    def source_links(self, obj):
        return source_links(obj.sources, _docs_for(obj.sources))

    @admin.display(description=gettext_lazy("thông tin nguồn khác"))
    def provenance_pretty(self, obj):
        return _pretty_json(obj.provenance)


@admin.register(Department)
class DepartmentAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    # National reference data shared by every province: superusers only.
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "link", "short_description"]
    search_fields = ["key", "description", "url"]

    @admin.display(description=gettext_lazy("địa chỉ"), ordering="url")
    def link(self, obj):
        url = safe_url(obj.url)
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url) if url else obj.url

    @admin.display(description=gettext_lazy("nội dung"))
    def short_description(self, obj):
        return Truncator(obj.description).chars(120)


# Crosswalks between sets (criteria.crosswalks), in a module of their own.
from criteria.admin_crosswalk import CrosswalkAdmin  # noqa: E402, F401
