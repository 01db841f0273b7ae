"""Query-string filters of the list endpoints (django-filter; drf-spectacular documents them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Era, Level
from criteria.models import CriteriaSet, SetLevel, SetStatus

ERA_MESSAGE = _("Hãy chọn thời kỳ (tham số era): pre2025 (trước 01/07/2025) hoặc 2025 (từ 01/07/2025).")


class CriteriaSetFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SetStatus.choices, label=_("trạng thái"))
    level = django_filters.ChoiceFilter(choices=SetLevel.choices, label=_("mức"))

    class Meta:
        model = CriteriaSet
        fields = ["status", "level"]


class UnitFilter(django_filters.FilterSet):
    # Codes are reused across eras, so a search without an era would mix two different trees.
    era = django_filters.ChoiceFilter(
        choices=Era.choices,
        required=True,
        label=_("thời kỳ"),
        error_messages={"required": ERA_MESSAGE, "invalid_choice": ERA_MESSAGE},
    )
    q = django_filters.CharFilter(method="filter_q", label=_("tên hoặc mã đơn vị"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("cấp"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("mã đơn vị cấp trên"))

    class Meta:
        model = AdministrativeUnit
        fields = ["era", "q", "level", "parent"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)
