"""A unit's code is a path segment in every link: the model refuses anything but letters, digits, "-" and
"_" on every form path, and the Python-built dashboard rows escape and percent-encode it anyway."""

from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from communes.models import AdministrativeUnit, Era
from dashboards.rows_html import commune_rows_html

HOSTILE = 'x"><b>'


class UnitForm(forms.ModelForm):
    class Meta:
        model = AdministrativeUnit
        fields = ["code"]


@pytest.mark.parametrize("code", ["18436", "01", "nhap-qg", "X_1"])
def test_official_and_simple_codes_are_accepted(code):
    assert UnitForm({"code": code}).is_valid()


@pytest.mark.parametrize("code", [HOSTILE, "01/017", "a b", "ồ", "18436?"])
def test_a_code_that_would_break_a_link_is_refused_in_vietnamese(code):
    with translation.override("vi"):
        form = UnitForm({"code": code})
        assert not form.is_valid()
        assert "Mã đơn vị chỉ gồm chữ số" in form.errors["code"][0]
        with pytest.raises(ValidationError):
            AdministrativeUnit._meta.get_field("code").run_validators(code)


def test_a_dashboard_row_escapes_and_encodes_a_code_that_bypassed_validation():
    commune = SimpleNamespace(era=Era.PRE_2025, code=HOSTILE, name="Xã <i>A</i>")
    row = SimpleNamespace(summary=None, commune=commune, status="none", at_risk=False, pending=None)
    html = commune_rows_html([row], shows_parent=False, recognitions_installed=False)
    assert HOSTILE not in html and "<i>" not in html
    assert 'href="/units/pre2025/x%22%3E%3Cb%3E/"' in html
    assert 'data-code="x&quot;&gt;&lt;b&gt;"' in html
