"""Reads behind the web pages, each in a fixed number of queries whatever the size of the data."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Case, Prefetch, Q, QuerySet, When
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from assessments.models import Assessment
from communes.models import AdministrativeUnit, Region
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorTarget, SourceDocument
from web.collation import vietnamese_key


def criteria_sets_for_home() -> QuerySet[CriteriaSet]:
    """Every set with criteria_count and indicator_count, in one query."""
    return CriteriaSet.objects.with_counts().select_related("province")


def memberships_for(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("unit").order_by("unit__era", "unit__path", "role")


def criteria_set_for_page(code: str) -> CriteriaSet:
    """The set with criteria → indicators → target variants prefetched (four queries)."""
    # Regions in the order the decisions' tables list them (north to south), not by their codes.
    region_order = Case(*(When(region=code, then=i) for i, code in enumerate(Region.values)), default=-1)
    variants = IndicatorTarget.objects.order_by("year", region_order, "commune_group")
    indicators = Indicator.objects.order_by("position", "code").prefetch_related(Prefetch("targets", queryset=variants))
    criteria = (
        Criterion.objects.select_related("department")
        .order_by("number")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )
    queryset = CriteriaSet.objects.select_related("province", "derived_from").prefetch_related(
        Prefetch("criteria", queryset=criteria)
    )
    return get_object_or_404(queryset, code=code)


@dataclass
class CriteriaGroup:
    number: int | None
    name: str
    criteria: list = field(default_factory=list)


def group_criteria(criteria: list[Criterion]) -> list[CriteriaGroup]:
    """Consecutive criteria sharing a group heading; criteria with no group form one unnamed group."""
    return [
        CriteriaGroup(number, name, list(members))
        for (number, name), members in groupby(criteria, key=lambda c: (c.group_number, c.group_name))
    ]


def _split_source_keys(text: str) -> list[str]:
    # The bundled data writes sources as "S29, S30" (see criteria/data/FORMAT.md).
    return [key.strip() for key in text.replace(";", ",").split(",") if key.strip()]


@dataclass
class SourceLink:
    key: str
    url: str = ""
    description: str = ""


def _safe_url(url: str) -> str:
    # Only web addresses become links; anything else (a note, a javascript: URL) is not clickable.
    url = url.strip()
    return url if url.startswith(("https://", "http://")) else ""


def attach_sources(criteria: list[Criterion]) -> None:
    """Give every criterion and indicator `source_links`, resolving the keys in one query.

    A key with no SourceDocument stays as plain text: the data cited it, so it is shown.
    """
    items = list(criteria) + [i for c in criteria for i in c.indicators.all()]
    keys_by_item = {id(item): _split_source_keys(item.sources) for item in items}
    all_keys = {key for keys in keys_by_item.values() for key in keys}
    documents = {doc.key: doc for doc in SourceDocument.objects.filter(key__in=all_keys)} if all_keys else {}
    for item in items:
        item.source_links = [
            SourceLink(key, _safe_url(documents[key].url), documents[key].description)
            if key in documents
            else SourceLink(key)
            for key in keys_by_item[id(item)]
        ]


def unit_for(*, era: str, code: str, scope: Q) -> AdministrativeUnit:
    """The unit (era, code) if `scope` (accounts.selectors.unit_scope_q of the user) covers it, else 404."""
    queryset = AdministrativeUnit.objects.filter(scope).select_related("parent")
    return get_object_or_404(queryset, era=era, code=code)


@dataclass
class UnitLink:
    unit: AdministrativeUnit
    # Units outside the user's scope are named (administrative geography is public) but not linked.
    visible: bool
    partial: bool = False


def unit_relations(unit: AdministrativeUnit, *, scope: Q) -> dict:
    """Children, predecessors and successors of `unit`, each marked visible or not (four queries)."""
    children = sorted(unit.children.all(), key=lambda u: vietnamese_key(u.name))
    predecessors = sorted(
        ((s.predecessor, s.partial) for s in unit.succession_from.select_related("predecessor")),
        key=lambda pair: vietnamese_key(pair[0].name),
    )
    successors = sorted(
        ((s.successor, s.partial) for s in unit.succession_to.select_related("successor")),
        key=lambda pair: vietnamese_key(pair[0].name),
    )
    related_ids = {u.pk for u, _partial in predecessors + successors}
    if unit.parent_id:
        related_ids.add(unit.parent_id)
    visible = set(AdministrativeUnit.objects.filter(scope, pk__in=related_ids).values_list("pk", flat=True))
    return {
        "parent": UnitLink(unit.parent, unit.parent_id in visible) if unit.parent_id else None,
        # The subtree of a unit the user may see is theirs too.
        "children": [UnitLink(child, True) for child in children],
        "predecessors": [UnitLink(u, u.pk in visible, partial) for u, partial in predecessors],
        "successors": [UnitLink(u, u.pk in visible, partial) for u, partial in successors],
    }


def latest_assessments(commune: AdministrativeUnit) -> list[Assessment]:
    """The commune's most recent assessment (any status) for each criteria set, newest set first."""
    assessments = (
        Assessment.objects.filter(commune=commune)
        .select_related("criteria_set")
        .order_by("criteria_set__period_start", "criteria_set__code", "-as_of", "-id")
    )
    latest = [next(group) for _set, group in groupby(assessments, key=lambda a: a.criteria_set_id)]
    return sorted(latest, key=lambda a: a.as_of, reverse=True)
