"""A demo a district steering committee would recognise: huyện Can Lộc (Hà Tĩnh), its communes'
assessments under QĐ 1980 (2017-2020) and QĐ 318 xã NTM (2022-2025), the current communes formed
from them in 2025, and one user per role.

Values are generated (deterministic for a seed): every assessment is flagged is_demo and the two
sets are published only for the demo (published_by_demo), so the UI can say so.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Membership, Role
from assessments import demo_crosswalk, demo_current
from assessments.bulk import AssessmentSpec, assessments_bulk_create
from assessments.models import Assessment, Status
from assessments.services import TargetBook
from communes import boundaries, illustrative
from communes.models import AdministrativeUnit, Era, Level
from criteria.models import CriteriaSet, Criterion, Department, IndicatorKind, SetStatus

PROVINCE, DISTRICT, STAFF_COMMUNE = "42", "443", "18436"
SETS = {
    "qd1980-ntm-2016-2020": [datetime.date(y, 12, 31) for y in (2017, 2018, 2019, 2020)],
    "qd318-ntm-2021-2025": [
        datetime.date(2022, 12, 31),
        datetime.date(2023, 12, 31),
        datetime.date(2024, 12, 31),
        datetime.date(2025, 6, 30),
    ],
}
PASSWORD = "ntm-demo-2025"

# Which district department answers for which criterion, by criterion name (a district's own
# assignment, set here for the demo only; the decisions do not prescribe it).
DEPARTMENTS = {
    "kinh-te-ha-tang": (
        "Phòng Kinh tế - Hạ tầng",
        ["Quy hoạch", "Giao thông", "Điện", "Cơ sở hạ tầng thương mại nông thôn", "Nhà ở dân cư"],
    ),
    "nong-nghiep": ("Phòng Nông nghiệp và Phát triển nông thôn", ["Thủy lợi", "Thu nhập", "Tổ chức sản xuất"]),
    "giao-duc": ("Phòng Giáo dục và Đào tạo", ["Trường học", "Giáo dục"]),
    "van-hoa": ("Phòng Văn hóa và Thông tin", ["Cơ sở vật chất văn hóa", "Thông tin", "Văn hóa"]),
    "lao-dong": ("Phòng Lao động - Thương binh và Xã hội", ["Hộ nghèo", "Nghèo đa chiều", "Lao động"]),
    "y-te": ("Phòng Y tế", ["Y tế"]),
    "tai-nguyen-moi-truong": ("Phòng Tài nguyên và Môi trường", ["Môi trường"]),
    "noi-vu": ("Phòng Nội vụ", ["Hệ thống chính trị"]),
    "quan-su-cong-an": ("Ban Chỉ huy Quân sự và Công an huyện", ["Quốc phòng"]),
}


def _assign_departments(cs: CriteriaSet) -> None:
    departments = {
        code: Department.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, (name, _prefixes) in DEPARTMENTS.items()
    }
    for criterion in Criterion.objects.filter(criteria_set=cs, department__isnull=True):
        for code, (_name, prefixes) in DEPARTMENTS.items():
            if any(criterion.name.startswith(p) for p in prefixes):
                criterion.department = departments[code]
                criterion.save(update_fields=["department"])
                break


def _publish_for_demo(cs: CriteriaSet) -> None:
    if cs.status == SetStatus.DRAFT:
        _assign_departments(cs)
        cs.status, cs.published_by_demo = SetStatus.PUBLISHED, True
        cs.save(update_fields=["status", "published_by_demo", "updated_at"])


def _answers(book: TargetBook, commune, as_of, ability: float, rng: random.Random) -> dict:
    answers = {}
    for indicator in book.indicators:
        wants_met = rng.random() < ability
        target = book.target_for(indicator, commune, as_of)
        if indicator.kind == IndicatorKind.NUMERIC and target is not None and target.is_numeric:
            answers[indicator.code] = {"value": _value_around(target, wants_met, indicator.unit, rng)}
        else:
            answers[indicator.code] = {"met": wants_met}
        if rng.random() < 0.3:
            answers[indicator.code]["note"] = f"Theo báo cáo của UBND xã ngày {as_of:%d/%m/%Y}."
    return answers


def _value_around(target, wants_met: bool, unit: str, rng: random.Random) -> Decimal:
    upward = target.operator in (">=", ">", "=")
    step = max(target.value * Decimal("0.15"), Decimal(1))
    delta = step * Decimal(str(round(rng.uniform(0.05, 1), 2)))
    value = target.value + (delta if upward == wants_met else -delta)
    if target.operator == "=":
        value = target.value if wants_met else target.value - delta
    if unit == "%":
        value = min(max(value, Decimal(0)), Decimal(100))
        if wants_met and not target.evaluate(value):
            value = target.value
    return value.quantize(Decimal("0.1"))


def _stamps(status: str, as_of: datetime.date, staff, reviewer) -> dict:
    def at(days):
        return timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=days), datetime.time(9)))

    stamps = {"created_by": staff}
    if status in (Status.SUBMITTED, Status.APPROVED, Status.RETURNED):
        stamps |= {"submitted_by": staff, "submitted_at": at(10)}
    if status == Status.APPROVED:
        stamps |= {"approved_by": reviewer, "approved_at": at(25)}
    if status == Status.RETURNED:
        stamps |= {
            "returned_by": reviewer,
            "returned_at": at(20),
            "return_reason": "Thiếu biên bản kiểm tra thực tế tiêu chí giao thông; đề nghị bổ sung minh chứng.",
        }
    return stamps


LATEST_ROUND = [Status.APPROVED] * 10 + [Status.SUBMITTED] * 3 + [Status.RETURNED] * 2 + [Status.DRAFT] * 2


def _status_for(index: int, is_latest: bool) -> str:
    # The last round is still in progress for some communes: a review queue, returns, drafts.
    return LATEST_ROUND[index % len(LATEST_ROUND)] if is_latest else Status.APPROVED


def _users(district, staff_commune, province_old, province_new):
    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "Quản trị hệ thống"}
    )
    people = [
        ("canbo.xa", "Cán bộ xã Kim Song Trường", staff_commune, Role.COMMUNE_STAFF, None),
        ("thamdinh.huyen", "Văn phòng điều phối NTM huyện Can Lộc", district, Role.REVIEWER, None),
        ("phong.nongnghiep", "Phòng Nông nghiệp huyện Can Lộc", district, Role.DEPARTMENT_OFFICER, "nong-nghiep"),
        ("xem.tinh", "Ban chỉ đạo tỉnh Hà Tĩnh (xem)", province_old, Role.VIEWER, None),
        ("quantri.tieuchi", "Quản trị bộ tiêu chí tỉnh Hà Tĩnh", province_new, Role.CRITERIA_ADMIN, None),
    ]
    users = {"admin": admin}
    for username, full_name, unit, role, dept in people:
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
        department = Department.objects.filter(code=dept).first() if dept else None
        Membership.objects.get_or_create(user=user, unit=unit, role=role, defaults={"department": department})
        users[username] = user
    Membership.objects.get_or_create(user=users["xem.tinh"], unit=province_new, role=Role.VIEWER)
    users["quantri.tieuchi"].is_staff = True
    users["quantri.tieuchi"].save(update_fields=["is_staff"])
    group, _ = Group.objects.get_or_create(name="Quản trị bộ tiêu chí")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=["criteria", "communes", "accounts"]))
    users["quantri.tieuchi"].groups.add(group)
    for user in users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return [("admin", gettext("quản trị hệ thống (toàn quốc)"))] + [
        (p[0], f"{p[3].label} — {p[2].name}") for p in people
    ]


@transaction.atomic
def draw_illustrative_boundaries(province_new) -> None:
    """Generated ILLUSTRATIVE shapes for the dashboards' map (no real boundary file can be shipped): Can Lộc's
    communes from the bundled file, through the loader the command uses, and a honeycomb of Hà Tĩnh's 2025
    communes. Both are stored flagged as illustrative, which the map says; a shape already stored (a real
    boundary loaded by an office) is never replaced."""
    boundaries.load_file(boundaries.DEMO_FILE, era=Era.PRE_2025, code_field=illustrative.CODE_FIELD, keep_existing=True)
    current = AdministrativeUnit.objects.under(province_new).filter(level=Level.COMMUNE)
    generated = illustrative.collection(current, center=(105.75, 18.3), size=0.045, name="Tỉnh Hà Tĩnh (từ 01/07/2025)")
    boundaries.load_collection(
        generated,
        era=Era.CURRENT,
        code_field=illustrative.CODE_FIELD,
        illustrative=True,
        source="load_demo",
        keep_existing=True,
    )


def load_demo(*, seed: int = 2025, reset: bool = False) -> dict:
    """Create the demo (or, when it exists, only refresh the logins). Returns what was done."""
    district = AdministrativeUnit.objects.get(era=Era.PRE_2025, code=DISTRICT)
    province_old = AdministrativeUnit.objects.get(era=Era.PRE_2025, code=PROVINCE)
    province_new = AdministrativeUnit.objects.get(era=Era.CURRENT, code=PROVINCE)
    staff_commune = AdministrativeUnit.objects.get(era=Era.PRE_2025, code=STAFF_COMMUNE)
    sets = {code: CriteriaSet.objects.get(code=code) for code in SETS}
    for cs in sets.values():
        _publish_for_demo(cs)
    logins = _users(district, staff_commune, province_old, province_new)
    logins += demo_current.demo_users(province_new, PASSWORD)
    draw_illustrative_boundaries(province_new)
    if reset:
        Assessment.objects.filter(is_demo=True).delete()
        demo_current.reset_current()
    User = get_user_model()
    current = demo_current.load_current(
        seed=seed,
        staff=User.objects.get(username="canbo.truongluu"),
        reviewer=User.objects.get(username="thamdinh.tinh"),
    )
    demo_crosswalk.load_crosswalk(demo_current.demo_set())  # QĐ 318 → the simulated QĐ 51 set, illustrative
    if Assessment.objects.filter(is_demo=True, criteria_set__in=sets.values()).exists():
        return {"created": current, "current": current, "communes": 0, "logins": logins}
    rng = random.Random(seed)
    communes = list(AdministrativeUnit.objects.under(district).filter(level=Level.COMMUNE).order_by("code"))
    staff, reviewer = User.objects.get(username="canbo.xa"), User.objects.get(username="thamdinh.huyen")
    specs = []
    for index, commune in enumerate(communes):
        ability = rng.uniform(0.55, 0.8)
        for code, dates in SETS.items():
            book = TargetBook(sets[code])
            for step, as_of in enumerate(dates):
                level = min(0.99, ability + 0.07 * step)
                status = _status_for(index, is_latest=(code.startswith("qd318") and step == len(dates) - 1))
                specs.append(
                    AssessmentSpec(
                        commune=commune,
                        criteria_set=sets[code],
                        as_of=as_of,
                        status=status,
                        answers=_answers(book, commune, as_of, level, rng),
                        stamps=_stamps(status, as_of, staff if commune.code == STAFF_COMMUNE else None, reviewer),
                    )
                )
    created = assessments_bulk_create(specs, is_demo=True)
    demo_current.entered_at_creation(created)
    return {"created": len(created) + current, "current": current, "communes": len(communes), "logins": logins}
