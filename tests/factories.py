"""Plain make_* factories (djangoproject.com style): sensible defaults, override what matters.

Units, sets and users; the cast of the entry / review workflow on the `tree` fixture (a commune officer
of xã A, a reviewer, a department officer, a viewer and a criteria admin of huyện H, an outsider — a
reviewer of huyện H2 — and a superuser), and assessments moved through the workflow by the services,
as the app moves them; assessments stored directly with a summary, for the dashboards; and the larger
worlds some test areas share (the admin's, the recompute's).
"""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from accounts.models import Membership, Role
from assessments import rollup, services
from assessments.models import Assessment, Status
from communes.models import REFORM_DATE, AdministrativeUnit, Era, Level, Region, UnitKind, UnitSuccession
from criteria.models import (
    CriteriaSet,
    Criterion,
    Department,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    SetStatus,
)

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


# The entry / review workflow

D = datetime.date(2024, 6, 30)

# Every indicator of make_flow_set answered: 2.1 is numeric (≥70%), the rest yes/no.
ANSWERS = {
    "1.1": {"met": True},
    "1.2": {"met": False},
    "2.1": {"value": "75"},
    "2.2": {"met": True},
    "3": {"met": True},
}


@dataclass
class Cast:
    staff: object
    reviewer: object
    officer: object
    viewer: object
    admin: object
    outsider: object
    superuser: object
    department: Department
    # Not in the cast: they move assessments of xã A and xã C into the state a test needs.
    staff_c: object
    province_reviewer: object


def make_cast(tree) -> Cast:
    department = Department.objects.create(code="kinh-te-ha-tang", name="Phòng Kinh tế - Hạ tầng")
    officer = make_user("phong.kt")
    Membership.objects.create(user=officer, unit=tree.h, role=Role.DEPARTMENT_OFFICER, department=department)
    return Cast(
        staff=make_user("canbo.xa-a", unit=tree.a, role=Role.COMMUNE_STAFF),
        reviewer=make_user("thamdinh.h", unit=tree.h, role=Role.REVIEWER),
        officer=officer,
        viewer=make_user("xem.h", unit=tree.h, role=Role.VIEWER),
        admin=make_user("quantri.h", unit=tree.h, role=Role.CRITERIA_ADMIN),
        outsider=make_user("thamdinh.h2", unit=tree.h2, role=Role.REVIEWER),
        superuser=make_user("admin", is_superuser=True, is_staff=True),
        department=department,
        staff_c=make_user("canbo.xa-c", unit=tree.c, role=Role.COMMUNE_STAFF),
        province_reviewer=make_user("thamdinh.tinh", unit=tree.p, role=Role.REVIEWER),
    )


def make_flow_set(department: Department | None = None, **kw) -> CriteriaSet:
    """Three criteria, five indicators; 2.1 numeric (≥70%); criterion 2 (Giao thông) is `department`'s."""
    cs = make_set(**kw)
    make_numeric(cs, "2.1", value="70")
    Criterion.objects.filter(criteria_set=cs, number=2).update(department=department)
    return cs


def staff_of(cast: Cast, commune):
    return cast.staff if commune.code == "18436" else cast.staff_c


def make_draft(cast: Cast, cs: CriteriaSet, commune, *, answers=ANSWERS, as_of=D) -> Assessment:
    by = staff_of(cast, commune)
    assessment = services.assessment_create(commune=commune, criteria_set=cs, as_of=as_of, by=by)
    if answers:
        services.indicator_results_update(assessment=assessment, entries=answers, by=by)
    return assessment


def make_submitted(cast: Cast, cs: CriteriaSet, commune, **kw) -> Assessment:
    assessment = make_draft(cast, cs, commune, **kw)
    return services.assessment_submit(assessment=assessment, by=staff_of(cast, commune))


def make_approved(cast: Cast, cs: CriteriaSet, commune, **kw) -> Assessment:
    assessment = make_submitted(cast, cs, commune, **kw)
    return services.assessment_approve(assessment=assessment, by=cast.province_reviewer, confirm_unverified=True)


def make_returned(cast: Cast, cs: CriteriaSet, commune, **kw) -> Assessment:
    assessment = make_submitted(cast, cs, commune, **kw)
    return services.assessment_return(assessment=assessment, by=cast.province_reviewer, reason="Thiếu biên bản.")


# Assessments built through the services (the API's, the pages' query counts)


def make_assessment(
    commune, criteria_set, as_of: datetime.date, *, met=(), unmet=(), status=Status.APPROVED
) -> Assessment:
    """An assessment whose indicators `met` are met and `unmet` are not (the rest stay unknown)."""
    assessment = services.assessment_create(commune=commune, criteria_set=criteria_set, as_of=as_of)
    entries = {code: {"met": True} for code in met} | {code: {"met": False} for code in unmet}
    if entries:
        services.indicator_results_update(assessment=assessment, entries=entries)
    assessment.status = status
    assessment.save(update_fields=["status"])
    return assessment


def make_big_set(n_criteria: int = 19, per_criterion: int = 5) -> CriteriaSet:
    """A published set the size of the national one: 19 criteria × 5 indicators by default."""
    criteria = [
        (number, f"Tiêu chí {number}", [f"{number}.{i}" for i in range(1, per_criterion + 1)])
        for number in range(1, n_criteria + 1)
    ]
    return make_set(criteria=criteria)


# Assessments stored with a summary, without the services (the dashboards' data)


def summary_of(cs, failing: set[str]) -> rollup.Summary:
    """The summary of an assessment of `cs` that meets every indicator but those in `failing`."""
    shape = [
        rollup.CriterionShape(c.number, c.name, tuple(i.code for i in c.indicators.order_by("position")))
        for c in Criterion.objects.filter(criteria_set=cs).order_by("number")
    ]
    codes = [code for s in shape for code in s.codes]
    return rollup.summarize(shape, {code: code not in failing for code in codes})


def make_summarised_assessment(commune, cs, as_of, failing=(), status=Status.APPROVED) -> Assessment:
    assessment = Assessment(commune=commune, criteria_set=cs, as_of=as_of, status=status)
    assessment.apply_summary(summary_of(cs, set(failing)))
    assessment.save()
    return assessment


def make_district(province, n: int, cs) -> AdministrativeUnit:
    """A district of `province` with `n` communes, each with two approved assessments of `cs` and a pending one."""
    district = make_unit(parent=province, code=f"{700 + n % 100:03d}", name=f"Huyện {n}")
    communes = AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                era=district.era,
                code=f"{60000 + n * 1000 + i}",
                name=f"Xã {i}",
                kind=UnitKind.XA,
                level=Level.COMMUNE,
                parent=district,
                path=f"{district.path}{60000 + n * 1000 + i}/",
            )
            for i in range(n)
        ]
    )
    summaries = [summary_of(cs, set()), summary_of(cs, {"3"}), summary_of(cs, {"1.1", "2.2"})]
    assessments = []
    for i, commune in enumerate(communes):
        for as_of, status in (
            (datetime.date(2024, 3, 31), Status.APPROVED),
            (datetime.date(2024, 9, 30), Status.APPROVED),
            (datetime.date(2024, 12, 31), Status.SUBMITTED if i % 3 else Status.RETURNED),
        ):
            a = Assessment(commune=commune, criteria_set=cs, as_of=as_of, status=status)
            a.apply_summary(summaries[(i + as_of.month) % 3])
            assessments.append(a)
    Assessment.objects.bulk_create(assessments)
    services.latest_approved_refresh(scope=Q(commune__parent=district))  # bulk_create sends no signals
    return district


# Worlds shared by a few test areas


def make_admin_world(tree, cast):
    """The admin's cast on the `tree` fixture: tỉnh Q (huyện HQ, xã CQ and CQ2) outside everyone's scope but
    the superuser's, and five users: a criteria admin of tỉnh P and one of huyện H, a reviewer of huyện H
    (all three staff holding every Django permission, so that only the unit scope stops them), the commune
    officer of xã A (not staff) and the superuser."""
    q = make_unit(code="40", name="Tỉnh Q")
    hq = make_unit(parent=q, code="412", name="Huyện HQ")
    cq = make_unit(parent=hq, code="17000", name="Xã CQ")
    cq2 = make_unit(parent=hq, code="17001", name="Xã CQ2")
    everything = list(Permission.objects.all())

    def staff(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.set(everything)
        return user

    users = {
        "province_admin": staff(make_user("quantri.tinh-p", unit=tree.p, role=Role.CRITERIA_ADMIN)),
        "district_admin": staff(cast.admin),
        "reviewer_staff": staff(cast.reviewer),
        "commune_staff": cast.staff,
        "superuser": cast.superuser,
    }
    return type("World", (), dict(tree=tree, cast=cast, q=q, hq=hq, cq=cq, cq2=cq2, users=users))


def make_recompute_world(tree):
    """Xã A (region BTB) with a draft and an approved assessment, both answering 2.1 = 75%; the set's
    2.1 target is ≥70% in general and ≥80% in the Red River delta (DBSH). Xã C has a draft too."""
    cast = make_cast(tree)
    cs = make_flow_set()
    IndicatorTarget.objects.create(
        indicator=Indicator.objects.get(criteria_set=cs, code="2.1"),
        region=Region.DBSH,
        operator=">=",
        value=Decimal("80"),
        unit="%",
    )
    draft = make_draft(cast, cs, tree.a)
    approved = make_approved(cast, cs, tree.a, as_of=datetime.date(2024, 3, 31))
    other = make_draft(cast, cs, tree.c)
    return type("World", (), dict(cast=cast, cs=cs, draft=draft, approved=approved, other=other, tree=tree))
