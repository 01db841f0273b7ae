"""The assessment's history as the page tells it: newest first, each entry with a headline a person
reads ("Trả lại", "Rà soát chỉ tiêu 2.1") above the fields that went from what to what."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments.models import Status
from assessments.selectors import TimelineEntry


@dataclass
class ReadableEntry:
    entry: TimelineEntry
    headline: str
    # The return, reopen and verification entries carry a reason that matters more than the fields.
    reason_label: str
    css: str = ""
    changes: list | None = None

    def __post_init__(self):
        if self.changes is None:
            self.changes = self.entry.changes


def _status_step(entry: TimelineEntry) -> tuple[str, str, str] | None:
    change = next((c for c in entry.changes if c.field == "status"), None)
    if change is None:
        return None
    # The selector gives the statuses' labels; compare with them in the same (active) language.
    if change.new == Status.SUBMITTED.label:
        return _("Gửi đi thẩm định"), "", "submitted"
    if change.new == Status.APPROVED.label:
        return _("Duyệt đánh giá"), "", "approved"
    if change.new == Status.RETURNED.label and change.old == Status.APPROVED.label:
        return _("Mở lại đánh giá đã duyệt"), _("Lý do mở lại"), "returned"
    if change.new == Status.RETURNED.label:
        return _("Trả lại cho xã"), _("Lý do trả lại"), "returned"
    if change.new == Status.DRAFT.label and change.old == Status.SUBMITTED.label:
        return _("Xã rút lại để sửa"), _("Lý do"), "withdrawn"
    return _("Đổi trạng thái"), _("Lý do"), ""


def _describe(entry: TimelineEntry) -> ReadableEntry:
    code = {"code": entry.indicator_code}
    if entry.subject == "assessment":
        if entry.action == "created":
            return ReadableEntry(entry, _("Tạo đánh giá"), _("Lý do"))
        step = _status_step(entry)
        if step:
            return ReadableEntry(entry, step[0], step[1] or _("Lý do"), step[2])
        return ReadableEntry(entry, _("Sửa đánh giá"), _("Lý do"))
    if entry.subject == "evidence":
        if entry.action == "created":
            return ReadableEntry(entry, _("Thêm tệp minh chứng cho chỉ tiêu %(code)s") % code, _("Lý do"))
        return ReadableEntry(entry, _("Xóa tệp minh chứng của chỉ tiêu %(code)s") % code, _("Lý do"))
    if any(c.field == "verification_state" for c in entry.changes):
        # The comment is the entry's reason too: shown once, as the reason.
        changes = [c for c in entry.changes if c.field != "verification_comment"]
        return ReadableEntry(entry, _("Rà soát chỉ tiêu %(code)s") % code, _("Ý kiến"), "verification", changes)
    return ReadableEntry(entry, _("Sửa kết quả chỉ tiêu %(code)s") % code, _("Lý do"))


def readable(entries: list[TimelineEntry]) -> list[ReadableEntry]:
    """Newest first, each with its headline."""
    return [_describe(entry) for entry in reversed(entries)]
