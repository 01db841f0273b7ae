"""Admin forms for criteria sets.

Two checks live here because the model cannot run them through a ModelForm: the set an indicator
belongs to is not a form field (it follows its criterion), so Django skips the "code unique per set"
constraint; and a frozen set must refuse edits with its own message rather than a 500 from save().
"""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Era, Level
from criteria import services
from criteria.models import FROZEN_MESSAGE, CriteriaSet, Criterion, Indicator
from criteria.targets import format_target_cell, parse_target_cell


class _ProvinceFields(forms.Form):
    province_code = forms.CharField(
        label=_("Mã tỉnh (khi nhân bản cho tỉnh)"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"size": 4}),
    )
    era = forms.ChoiceField(label=_("Thời kỳ"), choices=Era.choices, initial=Era.CURRENT, required=False)


class ProvinceActionForm(ActionForm, _ProvinceFields):
    """The admin action bar, with the province a provincial variant is cloned for (other actions ignore it)."""

    field_order = ["action", "select_across"]


class ProvinceForm(_ProvinceFields):
    """Reads the province fields of the action bar and resolves them to a province-level unit."""

    def clean(self):
        data = super().clean()
        code, era = data.get("province_code", "").strip(), data.get("era") or Era.CURRENT
        if not code:
            raise ValidationError(_("Hãy nhập mã tỉnh (ví dụ 42) để nhân bản thành bộ tiêu chí của tỉnh."))
        # Province codes have two digits; "1" means Hà Nội's "01".
        code = code.zfill(2) if code.isdigit() else code
        province = AdministrativeUnit.objects.filter(era=era, code=code, level=Level.PROVINCE).first()
        if province is None:
            raise ValidationError(
                _("Không có tỉnh mã %(code)s trong thời kỳ “%(era)s”.") % {"code": code, "era": Era(era).label}
            )
        data["province"] = province
        return data


def _refuse_if_frozen(criteria_set) -> None:
    if criteria_set is not None and criteria_set.is_frozen:
        raise ValidationError(FROZEN_MESSAGE, code="frozen")


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = "__all__"  # noqa: DJ007 - admin forms: each ModelAdmin and inline passes its own `fields`

    def clean(self):
        data = super().clean()
        cs = data.get("criteria_set") or (self.instance.criteria_set if self.instance.criteria_set_id else None)
        _refuse_if_frozen(cs)
        number = data.get("number")
        if cs is not None and cs.pk and number is not None:
            taken = Criterion.objects.filter(criteria_set=cs, number=number).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("number", _("Bộ tiêu chí đã có tiêu chí số %(n)s.") % {"n": number})
        return data


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = "__all__"  # noqa: DJ007 - admin forms: each ModelAdmin and inline passes its own `fields`

    def clean(self):
        data = super().clean()
        criterion = data.get("criterion") or (self.instance.criterion if self.instance.criterion_id else None)
        if criterion is not None:
            _refuse_if_frozen(criterion.criteria_set)
            _check_code_free(self, criterion.criteria_set_id, data.get("code"))
        return data


def _check_code_free(form, criteria_set_id, code) -> None:
    if not code or criteria_set_id is None:
        return
    taken = Indicator.objects.filter(criteria_set_id=criteria_set_id, code=code).exclude(pk=form.instance.pk)
    if taken.exists():
        form.add_error("code", _("Bộ tiêu chí đã có chỉ tiêu mã %(code)s.") % {"code": code})


class IndicatorInlineFormSet(forms.BaseInlineFormSet):
    """Indicator codes are unique across the whole set, not only within this criterion."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            code = getattr(form, "cleaned_data", {}).get("code")
            if not code or form.cleaned_data.get("DELETE"):
                continue
            if code in seen:
                form.add_error("code", _("Mã chỉ tiêu %(code)s bị lặp.") % {"code": code})
            seen.add(code)
            if form.has_changed():
                # The parent is a criterion (its page) or the set itself (the set's page).
                set_id = self.instance.pk if isinstance(self.instance, CriteriaSet) else self.instance.criteria_set_id
                _check_code_free(form, set_id, code)


GROUP_FIELD_LABELS = {
    "nhom1": _("Ngưỡng nhóm 1"),
    "nhom2": _("Ngưỡng nhóm 2"),
    "nhom3": _("Ngưỡng nhóm 3"),
}


class IndicatorGroupTargetsForm(forms.ModelForm):
    """An indicator row with one target cell per commune group ("≥80", "Đạt"), so a 2026-2030 set's
    indicators and their three targets are typed on one line each (QĐ 51/2025 sets targets by group)."""

    nhom1 = forms.CharField(label=GROUP_FIELD_LABELS["nhom1"], required=False, max_length=200)
    nhom2 = forms.CharField(label=GROUP_FIELD_LABELS["nhom2"], required=False, max_length=200)
    nhom3 = forms.CharField(label=GROUP_FIELD_LABELS["nhom3"], required=False, max_length=200)

    class Meta:
        model = Indicator
        fields = "__all__"  # noqa: DJ007 - admin forms: each ModelAdmin and inline passes its own `fields`

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in GROUP_FIELD_LABELS:
            self.fields[name].widget.attrs.setdefault("size", 8)
        if self.instance.pk:
            for target in self.instance.targets.filter(region="", year=0).exclude(commune_group=""):
                self.initial[target.commune_group] = format_target_cell(target.operator, target.value, target.text)

    def clean(self):
        data = super().clean()
        self.group_targets = {}
        for name in GROUP_FIELD_LABELS:
            try:
                self.group_targets[name] = parse_target_cell(
                    data.get(name), default_operator=data.get("operator") or ""
                )
            except ValueError as exc:
                self.add_error(name, str(exc))
        return data

    def save(self, commit=True):
        indicator = super().save(commit=commit)
        if commit and any(name in self.changed_data for name in GROUP_FIELD_LABELS):
            services.indicator_group_targets_set(indicator=indicator, targets=self.group_targets)
        return indicator
