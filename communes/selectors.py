"""Reads of administrative units shared by the pages of every app."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from communes.models import AdministrativeUnit


def unit_for(*, era: str, code: str, scope: Q) -> AdministrativeUnit:
    """The unit (era, code) if `scope` (accounts.selectors.unit_scope_q of the user) covers it, else 404."""
    queryset = AdministrativeUnit.objects.filter(scope).select_related("parent")
    return get_object_or_404(queryset, era=era, code=code)
