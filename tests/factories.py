"""Plain make_* factories (djangoproject.com style): sensible defaults, override what matters."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from accounts.models import Membership, Role
from communes.models import REFORM_DATE, AdministrativeUnit, Era, Level, UnitKind, UnitSuccession
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorKind, IndicatorTarget, SetStatus

_seq = itertools.count(1)

PRE_END = REFORM_DATE - datetime.timedelta(days=1)


def make_unit(*, parent=None, level=None, era=None, **kw) -> AdministrativeUnit:
    level = level or (parent.level + 1 if parent else Level.PROVINCE)
    era = era or (parent.era if parent else Era.PRE_2025)
    width = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5, Level.VILLAGE: 7}[level]
    n = next(_seq)
    kw.setdefault("code", str(90000 + n)[-width:].zfill(width))
    kw.setdefault("name", f"{Level(level).label} {n}")
    kw.setdefault("kind", {1: UnitKind.TINH, 2: UnitKind.HUYEN, 3: UnitKind.XA, 4: UnitKind.THON}[level])
    if parent is not None:
        kw.setdefault("region", parent.region)
    if era == Era.PRE_2025:
        kw.setdefault("valid_to", PRE_END)
    else:
        kw.setdefault("valid_from", REFORM_DATE)
    return AdministrativeUnit.objects.create(parent=parent, level=level, era=era, **kw)


def make_succession(old, new, partial=False) -> UnitSuccession:
    return UnitSuccession.objects.create(predecessor=old, successor=new, partial=partial)


def make_set(
    *,
    criteria=((1, "Quy hoạch", ["1.1", "1.2"]), (2, "Giao thông", ["2.1", "2.2"]), (3, "Thu nhập", ["3"])),
    status=SetStatus.PUBLISHED,
    **kw,
) -> CriteriaSet:
    """A set whose criteria are (number, name, [codes]); every indicator is yes/no unless changed."""
    n = next(_seq)
    kw.setdefault("code", f"set-{n}")
    kw.setdefault("name", f"Bộ tiêu chí {n}")
    kw.setdefault("level", "ntm")
    cs = CriteriaSet.objects.create(status=status, **kw)
    for number, name, codes in criteria:
        criterion = Criterion.objects.create(criteria_set=cs, number=number, name=name)
        for pos, code in enumerate(codes):
            Indicator.objects.create(criterion=criterion, code=code, position=pos, name=f"Chỉ tiêu {code}")
    return cs


def make_numeric(cs, code, *, op=">=", value="80", unit="%", variants=()) -> Indicator:
    """Turn indicator `code` of `cs` into a numeric one, with optional variants (dicts)."""
    ind = Indicator.objects.get(criteria_set=cs, code=code)
    ind.kind, ind.operator, ind.target_value, ind.unit = IndicatorKind.NUMERIC, op, Decimal(value), unit
    ind.target_text = ""
    ind.save()
    for v in variants:
        v = dict(v)
        v.setdefault("operator", op)
        v["value"] = Decimal(str(v["value"]))
        IndicatorTarget.objects.create(indicator=ind, unit=unit, **v)
    return ind


def make_user(username=None, *, unit=None, role=None, **kw):
    username = username or f"user{next(_seq)}"
    user = get_user_model().objects.create_user(username=username, password="pw-" + username, **kw)
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, role=role or Role.VIEWER)
    return user
