"""The dashboard's query string (?set=&as_of=&since=&status=&min=&max=&q=&sort=&fails=&fails_indicator=
&view=&kind=&p=).

Every field is optional and a bad value is dropped rather than refused: a link pasted from a
meeting invitation with a typo still opens the dashboard, with the default for that field.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SORTS = ["name", "parent", "criteria", "indicators", "status", "as_of", "pending"]
STATUS_CHOICES = [
    ("", _("Tất cả")),
    ("met", _("Đạt chuẩn")),
    ("unmet", _("Chưa đạt")),
    ("none", _("Chưa đánh giá")),
]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DashboardQuery(forms.Form):
    set = forms.SlugField(required=False)
    as_of = forms.DateField(required=False, input_formats=DATE_FORMATS)
    since = forms.DateField(required=False, input_formats=DATE_FORMATS)
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    min = forms.IntegerField(required=False, min_value=0)
    max = forms.IntegerField(required=False, min_value=0)
    q = forms.CharField(required=False, max_length=100)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS] + [(f"-{s}", s) for s in SORTS])
    fails = forms.IntegerField(required=False, min_value=1)
    fails_indicator = forms.CharField(required=False, max_length=12)
    by = forms.ChoiceField(required=False, choices=[("quarter", "quarter"), ("year", "year")])
    # Above a district the page shows one row per child unit; view=communes lists every commune instead.
    view = forms.ChoiceField(required=False, choices=[("communes", "communes")])
    # kind=other: the phường, thị trấn and đặc khu, listed apart from the xã the figures count.
    kind = forms.ChoiceField(required=False, choices=[("other", "other")])
    p = forms.IntegerField(required=False, min_value=1)  # the page of the commune list


def parse(params) -> dict:
    """The cleaned query, each invalid field replaced by its default (as_of: today in Vietnam)."""
    form = DashboardQuery(params)
    form.is_valid()
    data = {name: form.cleaned_data.get(name) for name in form.fields}
    data["as_of"] = data["as_of"] or timezone.localdate()
    data["sort"] = data["sort"] or "name"
    data["by"] = data["by"] or "quarter"
    data["q"] = (data["q"] or "").strip()
    data["fails_indicator"] = (data["fails_indicator"] or "").strip()
    data["view"], data["kind"], data["p"] = data["view"] or "", data["kind"] or "", data["p"] or 1
    if data["since"] and data["since"] >= data["as_of"]:
        data["since"] = None
    return data


def as_params(query: dict, **changes) -> dict:
    """The query as URL parameters (dates in ISO form), with `changes` applied; today's as_of is left out."""
    params = {**query, **changes}
    out = {}
    for key, value in params.items():
        if (
            value in (None, "")
            or (key == "sort" and value == "name")
            or (key == "by" and value == "quarter")
            or (key == "p" and value == 1)
        ):
            continue
        if key == "as_of" and value == timezone.localdate():
            continue
        out[key] = value.isoformat() if isinstance(value, datetime.date) else value
    return out
