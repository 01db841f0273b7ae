"""Reads behind the criteria-set pages and the home page, each in a fixed number of queries whatever the size
of the data (the unit page's: web.unit_page)."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Case, Prefetch, QuerySet, When
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from communes.models import Region
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorTarget, SourceDocument
from criteria.sources import source_keys
from ntm.lib.html import safe_url


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


@dataclass
class SourceLink:
    key: str
    url: str = ""
    description: str = ""


def attach_sources(criteria: list[Criterion]) -> None:
    """Give every criterion and indicator `source_links`, resolving the keys in one query.

    A key with no SourceDocument stays as plain text: the data cited it, so it is shown.
    """
    items = list(criteria) + [i for c in criteria for i in c.indicators.all()]
    keys_by_item = {id(item): source_keys(item.sources) for item in items}
    all_keys = {key for keys in keys_by_item.values() for key in keys}
    documents = {doc.key: doc for doc in SourceDocument.objects.filter(key__in=all_keys)} if all_keys else {}
    for item in items:
        item.source_links = [
            SourceLink(key, safe_url(documents[key].url), documents[key].description)
            if key in documents
            else SourceLink(key)
            for key in keys_by_item[id(item)]
        ]
