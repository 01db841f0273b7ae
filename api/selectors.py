"""Reads behind the API: scoped by the user's memberships, each in a fixed number of queries.

Lookups that fail raise Http404 with a translated message; DRF turns it into a 404 whose
`detail` is that message, so a unit outside the user's scope looks exactly like a missing one.
"""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.selectors import unit_scope_q
from assessments.models import Assessment, Status
from communes.models import AdministrativeUnit, Level, UnitSuccession
from criteria.models import CriteriaSet, Criterion, Indicator


def criteria_sets_for_list() -> QuerySet[CriteriaSet]:
    """Every set with its counts, province and parent set: one query for the rows."""
    # Spelled out: Django ignores Meta.ordering on aggregated (GROUP BY) querysets.
    queryset = CriteriaSet.objects.with_counts().select_related("province", "derived_from")
    return queryset.order_by("-period_start", "code")


def criteria_set_tree(*, code: str) -> CriteriaSet:
    """A set with its criteria, indicators and target variants: four queries whatever its size."""
    indicators = Indicator.objects.order_by("position", "id").prefetch_related("targets")
    criteria = (
        Criterion.objects.order_by("number")
        .select_related("department")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )
    queryset = criteria_sets_for_list().prefetch_related(Prefetch("criteria", queryset=criteria))
    criteria_set = queryset.filter(code=code).first()
    if criteria_set is None:
        raise Http404(_("Không có bộ tiêu chí mã “%(code)s”.") % {"code": code})
    return criteria_set


def units_for(user) -> QuerySet[AdministrativeUnit]:
    """The units `user` may see (reads the memberships once, when called)."""
    return AdministrativeUnit.objects.filter(unit_scope_q(user))


def unit_detail_for(user, *, era: str, code: str) -> AdministrativeUnit:
    """One unit with its parent, children and the lineage the user may also see.

    Memberships are per era, so a predecessor or successor in the other era is listed only
    when the user's scope covers it too: every unit the API names is one it would also serve.
    """
    visible = units_for(user)
    visible_ids = visible.values("pk")
    unit = (
        visible.filter(era=era, code=code)
        .select_related("parent")
        .prefetch_related(
            Prefetch("children", queryset=AdministrativeUnit.objects.order_by("path")),
            Prefetch(
                "succession_from",
                queryset=UnitSuccession.objects.filter(predecessor__in=visible_ids)
                .select_related("predecessor")
                .order_by("predecessor__code"),
            ),
            Prefetch(
                "succession_to",
                queryset=UnitSuccession.objects.filter(successor__in=visible_ids)
                .select_related("successor")
                .order_by("successor__code"),
            ),
        )
        .first()
    )
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị mã %(code)s trong thời kỳ “%(era)s”.") % {"code": code, "era": era})
    return unit


def commune_summary_for(user, *, era: str, code: str, set_code: str, any_status: bool = False) -> Assessment:
    """The commune's latest assessment for a set (approved only unless `any_status`).

    Reads only the assessment row with its stored summary, never its results: three queries
    after the memberships, however large the set and however many assessments the commune has.
    """
    commune = units_for(user).filter(era=era, code=code, level=Level.COMMUNE).first()
    if commune is None:
        raise Http404(_("Không tìm thấy xã mã %(code)s trong thời kỳ “%(era)s”.") % {"code": code, "era": era})
    criteria_set = CriteriaSet.objects.filter(code=set_code).only("id", "code", "level").first()
    if criteria_set is None:
        raise Http404(_("Không có bộ tiêu chí mã “%(code)s”.") % {"code": set_code})
    statuses = None if any_status else (Status.APPROVED,)
    assessment = Assessment.objects.latest_for(commune=commune, criteria_set=criteria_set, statuses=statuses)
    if assessment is None:
        message = (
            _("Xã chưa có đánh giá nào theo bộ tiêu chí này.")
            if any_status
            else _("Xã chưa có đánh giá nào được duyệt theo bộ tiêu chí này.")
        )
        raise Http404(message)
    # Already loaded: attaching them spares the serializer two queries.
    assessment.commune, assessment.criteria_set = commune, criteria_set
    return assessment
