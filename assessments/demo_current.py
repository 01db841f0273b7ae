"""The current era in the demo: the merged xã of Hà Tĩnh (2025 tree) assessed in 2026 under a set of
the QĐ 51/2025 shape (10 criteria, 47 indicators, targets by commune group).

The 47 indicators of QĐ 51 could not be read, so the set is SIMULATED: its indicators are placeholders
named as such, its name says "mô phỏng, không phải văn bản chính thức" in both languages, it is flagged
is_synthetic and published_by_demo, and it never touches the bundled official set (which stays a draft
with 0 indicators). Only the 10 criteria names, verified in the reference notes, are the decision's.

Every date is relative to the day the demo is loaded, so the demo keeps looking current; each
assessment's stamps run in order (entered, submitted, returned or approved, then recognised).
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Membership, Role
from assessments.bulk import AssessmentSpec, assessments_bulk_create
from assessments.models import Assessment, Status
from assessments.services import TargetBook
from communes.models import AdministrativeUnit, CommuneGroup, Era, Level, UnitKind
from criteria.models import (
    GROUP_PERIOD_START,
    CriteriaSet,
    Criterion,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    SetLevel,
    SetStatus,
)
from roadmap.models import Plan, Recognition

SET_CODE = "demo-qd51-mo-phong-2026-2030"
MARK = "mô phỏng, không phải văn bản chính thức · simulated, not an official document"
SET_NAME = f"Bộ tiêu chí xã NTM 2026-2030 theo cấu trúc QĐ 51/2025/QĐ-TTg ({MARK})"
DEMO_NOTE = f"Dữ liệu demo ({MARK})."
STAFF_COMMUNE = "18436"  # xã Trường Lưu (2025), formed from Kim Song Trường and its neighbours
# The 10 criteria of QĐ 51/2025 (names verified, see the reference notes), with a made-up number of
# placeholder indicators each: 47 in all, as the decision states.
CRITERIA = [
    ("Quy hoạch", 3),
    ("Hạ tầng kinh tế - xã hội", 8),
    ("Phát triển kinh tế nông thôn", 6),
    ("Đào tạo nguồn nhân lực nông thôn", 3),
    ("Văn hóa, giáo dục, y tế", 7),
    ("Giảm nghèo và an sinh xã hội", 4),
    ("Khoa học công nghệ và chuyển đổi số", 4),
    ("Môi trường và cảnh quan nông thôn", 6),
    ("Xây dựng hệ thống chính trị và hành chính công", 3),
    ("Tiếp cận pháp luật và an ninh, quốc phòng", 3),
]
# Made-up thresholds of the numeric placeholders: stricter for near-urban communes (nhóm 1).
GROUP_THRESHOLDS = {CommuneGroup.NHOM1: 90, CommuneGroup.NHOM2: 80, CommuneGroup.NHOM3: 70}
ROUND = [Status.APPROVED] * 6 + [Status.SUBMITTED] * 2 + [Status.RETURNED, Status.DRAFT]
RETURN_REASON = "Đề nghị bổ sung biên bản kiểm tra thực tế các chỉ tiêu về hạ tầng (dữ liệu demo)."


def demo_set() -> CriteriaSet:
    """The simulated QĐ 51-shaped set for Hà Tĩnh (2025 tree), created once and published for the demo."""
    cs = CriteriaSet.objects.filter(code=SET_CODE).first()
    if cs is not None:
        return cs
    province = AdministrativeUnit.objects.get(era=Era.CURRENT, code="42", level=Level.PROVINCE)
    cs = CriteriaSet.objects.create(
        code=SET_CODE,
        name=SET_NAME,
        level=SetLevel.NTM,
        period_start=GROUP_PERIOD_START,
        period_end=2030,
        province=province,
        derived_from=CriteriaSet.objects.filter(code="qd51-ntm-2026-2030").first(),
        stated_criteria_count=10,
        stated_indicator_count=47,
        is_synthetic=True,
        completeness="mô phỏng",
        notes=(
            "Bộ tiêu chí MÔ PHỎNG cho dữ liệu demo: 10 tiêu chí theo QĐ 51/2025/QĐ-TTg, còn 47 chỉ tiêu và "
            "ngưỡng theo nhóm xã là giả định, không phải nội dung của quyết định. "
            "SIMULATED set for the demo: the 10 criteria follow QĐ 51/2025/QĐ-TTg; the 47 indicators and "
            "their group thresholds are made up, not the decision's content."
        ),
    )
    for number, (name, count) in enumerate(CRITERIA, start=1):
        criterion = Criterion.objects.create(
            criteria_set=cs, number=number, name=name, name_verified=True, sources="Q2"
        )
        for k in range(1, count + 1):
            numeric = k % 2 == 1
            indicator = Indicator.objects.create(
                criterion=criterion,
                code=f"{number}.{k}",
                position=k,
                name=f"Chỉ tiêu mô phỏng {number}.{k} ({MARK})",
                kind=IndicatorKind.NUMERIC if numeric else IndicatorKind.BOOLEAN,
                unit="%" if numeric else "",
                note="Chỉ tiêu giả định cho demo.",
            )
            for group, threshold in GROUP_THRESHOLDS.items():
                if numeric:
                    IndicatorTarget.objects.create(
                        indicator=indicator, commune_group=group, operator=">=", value=Decimal(threshold), unit="%"
                    )
                else:
                    IndicatorTarget.objects.create(indicator=indicator, commune_group=group, text="Đạt")
    cs.status, cs.published_by_demo = SetStatus.PUBLISHED, True
    cs.save(update_fields=["status", "published_by_demo", "updated_at"])
    return cs


def demo_users(province, password: str) -> list[tuple[str, str]]:
    """A province reviewer of Hà Tĩnh (2025 tree) and the commune officer of a merged xã; (login, role)."""
    User = get_user_model()
    commune = AdministrativeUnit.objects.get(era=Era.CURRENT, code=STAFF_COMMUNE)
    people = [
        ("thamdinh.tinh", "Văn phòng điều phối NTM tỉnh Hà Tĩnh", province, Role.REVIEWER),
        ("canbo.truongluu", "Cán bộ xã Trường Lưu", commune, Role.COMMUNE_STAFF),
    ]
    logins = []
    for username, full_name, unit, role in people:
        user, _created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
        user.set_password(password)
        user.save(update_fields=["password"])
        logins.append((username, f"{role.label} — {unit.name} (2025)"))
    return logins


def _groups(communes, rng: random.Random) -> None:
    """Groups as a province might set them (made up): a few near-urban, some mountainous, the rest nhóm 2."""
    for unit in communes:
        draw = rng.random()
        group = CommuneGroup.NHOM1 if draw < 0.15 else CommuneGroup.NHOM3 if draw > 0.75 else CommuneGroup.NHOM2
        if unit.commune_group != group:
            unit.commune_group = group
            unit._change_reason = "Phân nhóm xã"
            unit.save(update_fields=["commune_group"])


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _answers(book: TargetBook, commune, as_of, ability: float, rng: random.Random) -> dict:
    answers = {}
    for indicator in book.indicators:
        met = ability >= 1 or rng.random() < ability
        target = book.target_for(indicator, commune, as_of)
        if indicator.kind == IndicatorKind.NUMERIC and target is not None and target.is_numeric:
            step = Decimal(str(round(rng.uniform(0.5, 8), 1)))
            answers[indicator.code] = {"value": min(Decimal(100), target.value + step) if met else target.value - step}
        else:
            answers[indicator.code] = {"met": met}
    return answers


def load_current(*, seed: int, staff, reviewer, today: datetime.date | None = None) -> int:
    """Groups, assessments, roadmap and recognitions of Hà Tĩnh's xã (2025 tree); returns assessments made."""
    cs = demo_set()
    if Assessment.objects.filter(is_demo=True, criteria_set=cs).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    province = AdministrativeUnit.objects.get(era=Era.CURRENT, code="42", level=Level.PROVINCE)
    communes = list(
        AdministrativeUnit.objects.under(province).filter(level=Level.COMMUNE, kind=UnitKind.XA).order_by("code")
    )
    _groups(communes, rng)
    as_of = max(today - datetime.timedelta(days=75), datetime.date(GROUP_PERIOD_START, 3, 31))
    book, specs, fates = TargetBook(cs), [], {}
    for index, commune in enumerate(communes):
        at_risk = index == 5  # recognised last year, short of the new standard now
        meets = index % 5 == 0 and not at_risk
        status = Status.APPROVED if meets or at_risk else ROUND[index % len(ROUND)]
        if commune.code == STAFF_COMMUNE:
            status = Status.RETURNED  # the officer signing in has work waiting
        ability = 1.0 if meets else rng.uniform(0.75, 0.95)
        stamps = {"created_by": staff if commune.code == STAFF_COMMUNE else None}
        if status != Status.DRAFT:
            stamps |= {"submitted_by": stamps["created_by"], "submitted_at": _at(as_of + datetime.timedelta(days=10))}
        if status == Status.APPROVED:
            stamps |= {"approved_by": reviewer, "approved_at": _at(as_of + datetime.timedelta(days=25))}
        if status == Status.RETURNED:
            stamps |= {
                "returned_by": reviewer,
                "returned_at": _at(as_of + datetime.timedelta(days=20)),
                "return_reason": RETURN_REASON,
            }
        specs.append(
            AssessmentSpec(
                commune=commune,
                criteria_set=cs,
                as_of=as_of,
                status=status,
                answers=_answers(book, commune, as_of, ability, rng),
                stamps=stamps,
            )
        )
        fates[commune.pk] = ("meets" if meets else "at_risk" if at_risk else "", index)
    created = assessments_bulk_create(specs, is_demo=True)
    entered_at_creation(created)
    _roadmap(communes, fates, today, by=reviewer)
    return len(created)


def entered_at_creation(assessments: list[Assessment]) -> None:
    """created_at = when the commune entered it (its as-of date, 08:00), before it was submitted."""
    for assessment in assessments:
        assessment.created_at = _at(assessment.as_of, 8)
    Assessment.objects.bulk_update(assessments, ["created_at"])


def _roadmap(communes, fates: dict, today: datetime.date, *, by) -> None:
    """Plans and recognitions, entered by the province's coordination office (`by`)."""
    first_year = max(today.year, GROUP_PERIOD_START)
    for commune in communes:
        fate, index = fates[commune.pk]
        if fate == "meets":
            decided = today - datetime.timedelta(days=30)
            target_year = decided.year
        elif fate == "at_risk":
            decided = max(today - datetime.timedelta(days=330), datetime.date(2025, 7, 1))
            target_year = decided.year
        else:
            # Spread over the period; those planned for this year and still short show as behind plan.
            decided, target_year = None, min(2030, first_year + max(index % 5 - 1, 0))
        if not Plan.objects.filter(commune=commune, level=SetLevel.NTM).exists():
            plan = Plan(commune=commune, level=SetLevel.NTM, target_year=target_year, note=DEMO_NOTE, updated_by=by)
            plan._history_user = by
            plan.save()
        number = f"{100 + index}/QĐ-UBND (mô phỏng)"
        if decided is not None and not Recognition.objects.filter(commune=commune, decision_number=number).exists():
            recognition = Recognition(
                commune=commune,
                level=SetLevel.NTM,
                decision_number=number,
                decision_date=decided,
                issuing_body="UBND tỉnh Hà Tĩnh",
                note=DEMO_NOTE,
                recorded_by=by,
            )
            recognition._history_user = by
            recognition.save()


def reset_current() -> None:
    """Remove the current-era demo's roadmap and recognitions (assessments go with the demo's own reset)."""
    Recognition.objects.filter(note=DEMO_NOTE).delete()
    Plan.objects.filter(note=DEMO_NOTE).delete()
