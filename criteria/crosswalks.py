"""Crosswalks between criteria sets: which indicator of an older set corresponds to which of a newer one.

One set of rules for every path (the admin's form and inline, the workbook import, the service and the
demo), each returning messages the caller places next to its field, row or cell:

- the two sets differ, and the new one is of a later period than the old one (when both have one);
- a link's old indicator belongs to the old set and its new indicator to the new set;
- "không có tương đương" (none) has no new indicator; "cùng nội dung" and "giá trị chuyển sang, ngưỡng
  khác" have one;
- "cùng nội dung" links two indicators of the same kind (a number to a number, a đạt / chưa đạt to a đạt
  / chưa đạt); "giá trị chuyển sang" links two numeric indicators (the value is judged against the new
  threshold; an answer đạt / chưa đạt cannot be judged against another target);
- a new indicator takes its value from one old indicator at most (an old indicator may feed several new
  ones, when the new set split it);
- an old indicator marked "không có tương đương" has no other link.

A link is `verified` only when it was checked against both decisions' texts; re-scoring shows the
others as not verified.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from criteria.models import CriteriaSet, Crosswalk, CrosswalkLink, Indicator, IndicatorKind, LinkKind


@dataclass
class LinkSpec:
    """One link as a path sends it, before it is checked."""

    from_indicator: Indicator | None
    to_indicator: Indicator | None
    kind: str
    verified: bool = False
    note: str = ""


def _kind_label(indicator: Indicator) -> str:
    return _("dạng số") if indicator.kind == IndicatorKind.NUMERIC else _("dạng đạt / chưa đạt")


def link_errors(from_set: CriteriaSet, to_set: CriteriaSet, link: LinkSpec) -> list[str]:
    """Problems of one link on its own."""
    errors = []
    old, new = link.from_indicator, link.to_indicator
    if link.kind not in LinkKind.values:
        return [
            _("Quan hệ “%(kind)s” không hợp lệ; chọn một trong: %(choices)s.")
            % {"kind": link.kind, "choices": ", ".join(str(label) for label in LinkKind.labels)}
        ]
    if old is None:
        errors.append(_("Cần chọn chỉ tiêu của bộ cũ."))
    elif old.criteria_set_id != from_set.pk:
        errors.append(_("Chỉ tiêu %(code)s không thuộc bộ cũ “%(set)s”.") % {"code": old.code, "set": from_set.code})
    if link.kind == LinkKind.NONE:
        if new is not None:
            errors.append(
                _(
                    "Liên kết “không có tương đương” không có chỉ tiêu bộ mới; hãy bỏ chỉ tiêu %(code)s "
                    "hoặc chọn quan hệ khác."
                )
                % {"code": new.code}
            )
        return errors
    if new is None:
        errors.append(_("Cần chọn chỉ tiêu của bộ mới (hoặc chọn quan hệ “không có tương đương”)."))
        return errors
    if new.criteria_set_id != to_set.pk:
        errors.append(_("Chỉ tiêu %(code)s không thuộc bộ mới “%(set)s”.") % {"code": new.code, "set": to_set.code})
    if old is None or errors:
        return errors
    params = {"old": old.code, "new": new.code, "old_kind": _kind_label(old), "new_kind": _kind_label(new)}
    if link.kind == LinkKind.SAME and old.kind != new.kind:
        errors.append(
            _("Chỉ tiêu %(old)s là %(old_kind)s còn chỉ tiêu %(new)s là %(new_kind)s: không thể là “cùng nội dung”.")
            % params
        )
    if link.kind == LinkKind.VALUE_CARRIES and (old.kind != IndicatorKind.NUMERIC or new.kind != IndicatorKind.NUMERIC):
        errors.append(
            _(
                "“Giá trị chuyển sang, ngưỡng khác” chỉ dùng cho hai chỉ tiêu dạng số (%(old)s là "
                "%(old_kind)s, %(new)s là %(new_kind)s)."
            )
            % params
        )
    return errors


def links_errors(from_set: CriteriaSet, to_set: CriteriaSet, links: list[LinkSpec]) -> dict[int, list[str]]:
    """Problems of every link (keyed by its index in `links`), alone and together."""
    errors: dict[int, list[str]] = {}
    for index, link in enumerate(links):
        found = link_errors(from_set, to_set, link)
        if found:
            errors[index] = found
    sources: dict[int, int] = {}
    none_of: dict[int, int] = {}
    linked_of: dict[int, int] = {}
    for index, link in enumerate(links):
        if index in errors or link.from_indicator is None:
            continue
        old = link.from_indicator
        if link.kind == LinkKind.NONE:
            if old.pk in none_of or old.pk in linked_of:
                errors.setdefault(index, []).append(
                    _("Chỉ tiêu %(code)s đã có liên kết khác nên không thể đồng thời là “không có tương đương”.")
                    % {"code": old.code}
                )
            none_of.setdefault(old.pk, index)
            continue
        if old.pk in none_of:
            errors.setdefault(index, []).append(
                _("Chỉ tiêu %(code)s đã được đánh dấu “không có tương đương” nên không nối thêm được.")
                % {"code": old.code}
            )
        linked_of.setdefault(old.pk, index)
        new = link.to_indicator
        if new.pk in sources:
            other = links[sources[new.pk]].from_indicator
            errors.setdefault(index, []).append(
                _(
                    "Chỉ tiêu %(new)s của bộ mới đã nhận giá trị từ chỉ tiêu %(other)s; mỗi chỉ tiêu bộ mới chỉ có "
                    "một nguồn."
                )
                % {"new": new.code, "other": other.code}
            )
        else:
            sources[new.pk] = index
    return errors


@transaction.atomic
def crosswalk_save(
    *, from_set: CriteriaSet, to_set: CriteriaSet, note: str, links: list[LinkSpec], crosswalk: Crosswalk | None = None
) -> Crosswalk:
    """Create the crosswalk (or update `crosswalk`) and replace all its links, all or nothing.

    Raises a ValidationError: a dict keyed by field for the crosswalk's own problems, else a dict keyed by
    "links" whose messages each start with the link's position (1 = the first link), for the caller to place.
    """
    crosswalk = crosswalk or Crosswalk()
    crosswalk.from_set, crosswalk.to_set, crosswalk.note = from_set, to_set, note
    errors = crosswalk.field_errors()
    if errors:
        raise ValidationError(errors)
    found = links_errors(from_set, to_set, links)
    if found:
        raise ValidationError(
            {
                "links": [
                    ValidationError("%(n)s: %(message)s", params={"n": index + 1, "message": message}, code=str(index))
                    for index, messages in sorted(found.items())
                    for message in messages
                ]
            }
        )
    crosswalk.save()
    for old in crosswalk.links.all():  # one by one: each removal is kept in the links' history
        old.delete()
    bulk_create_with_history(
        [
            CrosswalkLink(
                crosswalk=crosswalk,
                from_indicator=link.from_indicator,
                to_indicator=link.to_indicator,
                kind=link.kind,
                verified=link.verified,
                note=link.note,
            )
            for link in links
        ],
        CrosswalkLink,
    )
    return crosswalk


def crosswalks_from(criteria_set_ids) -> dict[int, list[Crosswalk]]:
    """Per old set id, the crosswalks from it (to sets that are published), newest set first; one query."""
    found: dict[int, list[Crosswalk]] = {}
    for crosswalk in (
        Crosswalk.objects.filter(from_set_id__in=list(criteria_set_ids), to_set__status="published")
        .select_related("to_set", "from_set")
        .order_by("-to_set__period_start", "to_set__code")
    ):
        found.setdefault(crosswalk.from_set_id, []).append(crosswalk)
    return found


def newest_crosswalk_id(set_field: str = "criteria_set"):
    """An annotation: the id of the crosswalk from the row's set to the newest published set (None when
    there is none), so that a page lists "Chấm lại theo bộ mới" without a query of its own."""
    from django.db.models import OuterRef, Subquery

    return Subquery(
        Crosswalk.objects.filter(from_set=OuterRef(set_field), to_set__status="published")
        .order_by("-to_set__period_start", "-pk")
        .values("pk")[:1]
    )


def crosswalk_links(crosswalk: Crosswalk) -> dict[int, CrosswalkLink]:
    """Per new indicator id, its link (one source at most); one query."""
    links = (
        CrosswalkLink.objects.filter(crosswalk=crosswalk).exclude(kind=LinkKind.NONE).select_related("from_indicator")
    )
    return {link.to_indicator_id: link for link in links}
