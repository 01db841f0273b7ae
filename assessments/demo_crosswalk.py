"""The demo's crosswalk: from the national QĐ 318 xã NTM set (2021-2025) to the simulated QĐ 51-shaped set
of the current-era demo (demo_current), ILLUSTRATIVE only.

What the reference data (criteria/data/official, qd51-NOTES.md) supports, and nothing more:
- QĐ 51's 47 indicators were not retrieved, so no indicator-level correspondence is known; the demo set's
  indicators are placeholders. Every link below is therefore marked NOT verified.
- At the level of criteria, two correspondences are written in the reference data: criterion 1 "Quy hoạch"
  has the same (verified) name in both sets, and QĐ 51's criterion 2 "Hạ tầng kinh tế - xã hội" is the
  area that 2021-2025 split into criteria 2 to 9 (qd51 notes). Links are made only inside these two; within
  them the old indicators are paired in order with the placeholders of the same kind (numbers to numbers,
  đạt / chưa đạt to đạt / chưa đạt), at most one source for each placeholder.
- Every other old criterion (income, poverty, …) is left out: the reference says where they go is not known,
  so their new indicators show "cần đánh giá lại". No link says "không có tương đương" either: that too
  would be a claim the reference does not make.
"""

from criteria.crosswalks import LinkSpec, crosswalk_save
from criteria.models import CriteriaSet, Crosswalk, Indicator, IndicatorKind, LinkKind

FROM_CODE = "qd318-ntm-2021-2025"
NOTE = (
    "MINH HỌA cho dữ liệu demo, không phải bảng chuyển đổi chính thức: QĐ 51/2025 chưa có danh mục chỉ tiêu "
    "(bộ mới là bộ mô phỏng), nên mọi liên kết đều chưa kiểm chứng. Chỉ nối trong hai tiêu chí có tương ứng "
    "theo tài liệu tham chiếu: “Quy hoạch” (1 → 1) và hạ tầng (tiêu chí 2-9 của QĐ 318 → tiêu chí 2 của QĐ 51). "
    "ILLUSTRATIVE demo data, not an official crosswalk: QĐ 51/2025's indicators were not retrieved (the new set "
    "is simulated), so no link is verified."
)
LINK_NOTE = "Cặp chỉ tiêu minh họa, chưa kiểm chứng (illustrative pairing, not verified)."
# (old criteria numbers, new criterion number): the correspondences the reference data states.
AREAS = [((1,), 1), ((2, 3, 4, 5, 6, 7, 8, 9), 2)]


def _ordered(criteria_set, numbers) -> list[Indicator]:
    return list(
        Indicator.objects.filter(criteria_set=criteria_set, criterion__number__in=numbers).order_by(
            "criterion__number", "position", "id"
        )
    )


def demo_links(old_set: CriteriaSet, new_set: CriteriaSet) -> list[LinkSpec]:
    links = []
    for old_numbers, new_number in AREAS:
        free = {kind: [i for i in _ordered(new_set, [new_number]) if i.kind == kind] for kind in IndicatorKind.values}
        for old in _ordered(old_set, old_numbers):
            if not free[old.kind]:
                continue  # more old indicators than placeholders of that kind: left out
            new = free[old.kind].pop(0)
            kind = LinkKind.VALUE_CARRIES if old.kind == IndicatorKind.NUMERIC else LinkKind.SAME
            links.append(LinkSpec(old, new, kind, verified=False, note=LINK_NOTE))
    return links


def load_crosswalk(new_set: CriteriaSet) -> Crosswalk | None:
    """The demo crosswalk (created once); None when the old set is not loaded."""
    old_set = CriteriaSet.objects.filter(code=FROM_CODE).first()
    if old_set is None:
        return None
    existing = Crosswalk.objects.filter(from_set=old_set, to_set=new_set).first()
    if existing is not None:
        return existing
    return crosswalk_save(from_set=old_set, to_set=new_set, note=NOTE, links=demo_links(old_set, new_set))
