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


def make_admin_world(tree, cast):
    """The admin's cast on the `tree` fixture: tỉnh Q (huyện HQ, xã CQ and CQ2) outside everyone's scope but
    the superuser's, and five users: a criteria admin of tỉnh P and one of huyện H, a reviewer of huyện H
    (all three staff holding every Django permission, so that only the unit scope stops them), the commune
    officer of xã A (not staff) and the superuser."""
    from django.contrib.auth.models import Permission

    from accounts.models import Role
    from tests import factories

    q = factories.make_unit(code="40", name="Tỉnh Q")
    hq = factories.make_unit(parent=q, code="412", name="Huyện HQ")
    cq = factories.make_unit(parent=hq, code="17000", name="Xã CQ")
    cq2 = factories.make_unit(parent=hq, code="17001", name="Xã CQ2")
    everything = list(Permission.objects.all())

    def staff(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.set(everything)
        return user

    users = {
        "province_admin": staff(factories.make_user("quantri.tinh-p", unit=tree.p, role=Role.CRITERIA_ADMIN)),
        "district_admin": staff(cast.admin),
        "reviewer_staff": staff(cast.reviewer),
        "commune_staff": cast.staff,
        "superuser": cast.superuser,
    }
    return type("World", (), dict(tree=tree, cast=cast, q=q, hq=hq, cq=cq, cq2=cq2, users=users))
