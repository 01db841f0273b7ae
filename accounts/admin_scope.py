"""The Django admin scoped like the pages: one mixin every registered ModelAdmin inherits.

A superuser sees and edits everything. Anyone else (a staff user, whatever Django permissions their
groups give them) reaches only the rows under the units they administer (accounts.selectors:
administered_units_q, criteria_sets_q), in every view: the list and its list_editable saves, the
change, delete and history pages (django-simple-history's list and revert form), the choices of the
foreign keys to units, criteria sets and criteria on every form, and the inlines of a page. A row
outside the scope is answered as one that does not exist (Django's "does not exist" redirect, or a
404), never shown or saved. A model with no unit to scope by is for superusers only.
"""

from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from accounts.selectors import administered_units_q, criteria_sets_q, sees_everything

_CACHE = "_ntm_admin_scope"


def _unit_choices(user) -> Q:
    return administered_units_q(user)


def _set_choices(user) -> Q:
    return criteria_sets_q(user, edit=True)


def _criterion_choices(user) -> Q:
    return criteria_sets_q(user, "criteria_set__", edit=True)


def _user_choices(user) -> Q:
    # Users without any role yet, or with a role under the editor's units; not those of other provinces.
    return ~Q(pk__in=Membership.objects.values("user")) | Q(
        pk__in=Membership.objects.filter(administered_units_q(user, "unit__")).values("user")
    )


# The foreign keys whose choices a form offers only inside the editor's scope (by the related model's label).
SCOPED_CHOICES = {
    "communes.AdministrativeUnit": _unit_choices,
    "criteria.CriteriaSet": _set_choices,
    "criteria.Criterion": _criterion_choices,
    "auth.User": _user_choices,
}
OUT_OF_SCOPE = {
    "communes.AdministrativeUnit": _("Đơn vị này nằm ngoài phạm vi bạn quản trị."),
}
DEFAULT_OUT_OF_SCOPE = _("Lựa chọn này không có hoặc nằm ngoài phạm vi bạn quản trị.")


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id input that names the chosen row only when it is one of the field's choices: Django's names
    any row whose id is typed in, which would tell a unit's name outside the scope."""

    choices_queryset = None

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            if self.choices_queryset is not None and not self.choices_queryset.filter(**{key: value}).exists():
                return "", ""
        except (ValueError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value)


def scoped_formfield(field, db_field, user):
    """Say "outside your scope" rather than Django's "not one of the available choices", and name no row
    outside the choices next to a raw-id input."""
    if field is not None and db_field.related_model._meta.label in SCOPED_CHOICES and not sees_everything(user):
        message = OUT_OF_SCOPE.get(db_field.related_model._meta.label, DEFAULT_OUT_OF_SCOPE)
        field.error_messages = {**field.error_messages, "invalid_choice": message}
        if type(field.widget) is ForeignKeyRawIdWidget:
            field.widget.__class__ = ScopedRawIdWidget
            field.widget.choices_queryset = field.queryset
    return field


def scoped_choices(db_field, user, queryset=None):
    """The queryset a form field for `db_field` may offer `user` (None when the field is not scoped)."""
    scope = SCOPED_CHOICES.get(db_field.related_model._meta.label)
    if scope is None or sees_everything(user):
        return queryset
    base = queryset if queryset is not None else db_field.related_model._default_manager.all()
    return base.filter(scope(user)).complex_filter(db_field.get_limit_choices_to())


class ScopedAdminMixin:
    """Put first in a ModelAdmin's bases. Set `scope_units` (the ORM prefixes that lead from the model to
    its units; a row is in scope when every one of them is) or override `view_scope_q` / `edit_scope_q`;
    set `superuser_only = True` for a model that has no unit."""

    scope_units: tuple[str, ...] = ()
    superuser_only = False

    # --- the scope ---

    def view_scope_q(self, user) -> Q:
        return self.edit_scope_q(user)

    def edit_scope_q(self, user) -> Q:
        q = Q()
        for prefix in self.scope_units:
            q &= administered_units_q(user, prefix)
        return q

    def _scope_q(self, user, *, edit: bool) -> Q:
        if sees_everything(user):
            return Q()
        if self.superuser_only or not user.is_active or not user.is_staff:
            return Q(pk__in=[])
        return self.edit_scope_q(user) if edit else self.view_scope_q(user)

    def in_scope(self, request, obj, *, edit: bool) -> bool:
        """Whether the stored row `obj` is inside the user's scope (read once per request and row)."""
        if sees_everything(request.user):
            return True
        if obj is None or obj.pk is None:
            return False
        cache = request.__dict__.setdefault(_CACHE, {})
        key = (self.model._meta.label, obj.pk, edit)
        if key not in cache:
            q = self._scope_q(request.user, edit=edit)
            cache[key] = self.model._default_manager.filter(q, pk=obj.pk).exists()
        return cache[key]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self._scope_q(request.user, edit=False))

    # --- permissions: Django's (the user's groups) and the scope, per object ---

    def has_module_permission(self, request):
        if self.superuser_only and not sees_everything(request.user):
            return False
        return super().has_module_permission(request)

    def _scope_allows(self, request, obj, *, edit: bool) -> bool:
        """The scope's part of the view, change and delete permissions (Django's own come after)."""
        if self.superuser_only and not sees_everything(request.user):
            return False
        return obj is None or self.in_scope(request, obj, edit=edit)

    def has_view_permission(self, request, obj=None):
        return self._scope_allows(request, obj, edit=False) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._scope_allows(request, obj, edit=True) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._scope_allows(request, obj, edit=True) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        if self.superuser_only and not sees_everything(request.user):
            return False
        return super().has_add_permission(request, *args, **kwargs)

    # --- forms: foreign keys offer only what the editor may use ---

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = scoped_choices(db_field, request.user, kwargs.get("queryset"))
        if queryset is not None:
            kwargs["queryset"] = queryset
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return scoped_formfield(field, db_field, request.user)

    # --- history (django-simple-history): the same scope as the change page ---

    def _object_in_view_scope_or_404(self, request, object_id):
        if sees_everything(request.user):
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._object_in_view_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._object_in_view_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class SuperuserOnlyAdminMixin(ScopedAdminMixin):
    """For a model with no unit to scope by (users, groups, jobs, logs, national reference data)."""

    superuser_only = True


class ScopedInlineMixin:
    """Inlines follow their page: rows are added, changed or deleted only on a page the user may edit, the
    rows listed are those in scope (`scope_units`, as on ScopedAdminMixin; empty: the page's rows), and the
    foreign keys offer only what the editor may use."""

    scope_units: tuple[str, ...] = ()

    def _parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    def _page_editable(self, request, obj) -> bool:
        if sees_everything(request.user):
            return True
        if obj is None:  # the add page: its own form keeps the new row in scope
            return True
        return self._parent_admin().in_scope(request, obj, edit=True)

    def get_queryset(self, request):
        q = Q()
        if not sees_everything(request.user):
            for prefix in self.scope_units:
                q &= administered_units_q(request.user, prefix)
        return super().get_queryset(request).filter(q)

    def has_add_permission(self, request, obj=None):
        return self._page_editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._page_editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._page_editable(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = scoped_choices(db_field, request.user, kwargs.get("queryset"))
        if queryset is not None:
            kwargs["queryset"] = queryset
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return scoped_formfield(field, db_field, request.user)


def lock_to_superusers(site, models=None) -> None:
    """Register again, for superusers only, the admins of `models` (default: every admin registered so far
    that is not scoped: Django's groups, DRF's tokens, axes' logs)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ScopedAdminMixin) or (models is not None and model not in models):
            continue
        cls = type(model_admin)
        site.unregister(model)
        site.register(model, type(cls.__name__, (SuperuserOnlyAdminMixin, cls), {"__module__": cls.__module__}))
