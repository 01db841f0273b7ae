from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from ntm.lib.numbers import plain_number
from web import why_links

register = template.Library()


@register.simple_tag
def why_attrs(url: str, inner: bool = False):
    """The attributes of a link opening an explanation: {% why_attrs url %} inside an <a>."""
    return mark_safe(why_links.inner_attrs(url) if inner else why_links.modal_attrs(url))


@register.simple_tag
def why_url(pk, code=None, number=None) -> str:
    """The explanation of an indicator (`code`) or a criterion (`number`) of assessment `pk`."""
    if number is not None:
        return reverse("web:why_criterion", kwargs={"pk": pk, "number": number})
    return reverse("web:why_indicator", kwargs={"pk": pk, "code": code})


@register.filter
def value_with_unit(why) -> str:
    """The value entered, in Vietnamese number format, with the indicator's unit ("75%", "48 triệu đồng")."""
    if why.value is None:
        return "—"
    unit = why.indicator.unit
    return f"{plain_number(why.value)}{'' if not unit else unit if unit == '%' else ' ' + unit}"
