"""Helpers for admin tests: build the POST an admin change page would send, from its GET response."""

from django.forms import CheckboxInput, NullBooleanSelect


def _field_data(form) -> dict:
    data = {}
    for bound in form:
        value, widget = bound.value(), bound.field.widget
        if isinstance(widget, NullBooleanSelect):
            data[bound.html_name] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def change_form_data(response) -> dict:
    """The form and inline data of an admin change page, as the browser would post it unchanged."""
    data = _field_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _field_data(formset.management_form)
        for form in formset.forms:
            data |= _field_data(form)
    data["_save"] = "Lưu"
    return data
