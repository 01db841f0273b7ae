"""Importing a filled-in template: every sheet is checked first, then written through the same
services as the entry page, all in one transaction, so a file is taken whole or not at all.

The service knows nothing of HTTP or Celery: a page or a background job hands it a file object
and the user, and may pass `progress(done, total, message)` to follow it.
"""

import datetime
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from assessments import services
from assessments.models import Assessment
from ntm.lib import sheets as xlsx
from workbooks import layout as L
from workbooks.models import ImportRecord
from workbooks.services.sheets import Problem, SheetPlan, SheetReader, is_template_sheet


@dataclass
class Outcome:
    ok: bool = False
    dry_run: bool = False
    errors: list[Problem] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    # One per sheet written (or that would be): sheet, commune, as_of, action, codes changed
    actions: list[dict] = field(default_factory=list)
    # Sheets someone added to the workbook: ignored (nothing read from them), and named in the result.
    ignored_sheets: list[str] = field(default_factory=list)
    record: ImportRecord | None = None


# The file as a whole is refused (not a workbook, too large, …).
Refused = xlsx.Refused


def _no_progress(done: int, total: int, message: str) -> None:
    pass


def import_workbook(
    fileobj,
    by,
    as_of: datetime.date | None = None,
    dry_run: bool = False,
    progress=None,
    *,
    file_name: str | None = None,
) -> Outcome:
    """Create or update one assessment per filled-in commune sheet; any problem and nothing is written.

    An empty result or note cell leaves what is stored unchanged, and a sheet with nothing entered
    is skipped. `as_of` replaces the date written on every sheet. The import is logged in an
    ImportRecord (a dry run is not). Importing the same file again changes nothing.
    """
    progress = progress or _no_progress
    name = file_name or os.path.basename(getattr(fileobj, "name", "") or "") or "workbook.xlsx"
    data, digest, size = _read(fileobj)
    outcome = Outcome(dry_run=dry_run)
    try:
        workbook = _open(data, size)
        with transaction.atomic():
            plans = _check(workbook, by, as_of, name, outcome, progress)
            if not outcome.errors:
                _write(plans, by, name, outcome, progress)
            if outcome.errors or dry_run:
                transaction.set_rollback(True)
    except Refused as exc:
        outcome.errors.append(Problem("", "", str(exc)))
    outcome.ok = not outcome.errors
    if not outcome.ok:
        outcome.actions = []
    if dry_run:  # the ids were rolled back with the rest
        for action in outcome.actions:
            action["assessment"] = None
    outcome.counts.update(_action_counts(outcome.actions))
    if not dry_run:
        outcome.record = ImportRecord.objects.create(
            who=by,
            file_name=name[:255],
            sha256=digest,
            size=size,
            outcome=ImportRecord.Outcome.OK if outcome.ok else ImportRecord.Outcome.FAILED,
            counts=outcome.counts,
            errors=[p.as_dict() for p in outcome.errors],
        )
    return outcome


def _read(fileobj) -> tuple[bytes | None, str, int]:
    """The content (None when over the size limit), its SHA-256 and its size, read in chunks."""
    return xlsx.read_upload(fileobj, settings.NTM_IMPORT_MAX_BYTES)


def _open(data: bytes | None, size: int) -> xlsx.Book:
    """The workbook, read in one streaming pass within the import limits (rows, columns, cells, size
    unzipped): refused at the first one breached, before the rest of the file is read. Only the
    template's columns (A to H) are kept. Formulas are kept as written, not their cached results:
    they are refused cell by cell (sheets.py says why)."""
    if data is None:
        raise Refused(xlsx.too_large_message(size, settings.NTM_IMPORT_MAX_BYTES))
    return xlsx.read_workbook(data, keep_columns=L.META_INDEX)


def _check(workbook, by, as_of, name, outcome: Outcome, progress) -> list[SheetPlan]:
    sheets = [ws for ws in workbook.worksheets if is_template_sheet(ws)]
    outcome.ignored_sheets = [
        ws.title for ws in workbook.worksheets if not is_template_sheet(ws) and ws["H1"].value != L.GUIDE_MARKER
    ]
    if not sheets:
        raise Refused(_("Sổ tính không theo mẫu nhập đánh giá; hãy tải mẫu từ hệ thống."))
    reader = SheetReader(by=by, as_of=as_of, reason=_("Nhập từ tệp %(name)s") % {"name": name})
    plans, empty = [], 0
    for done, ws in enumerate(sheets, start=1):
        before = len(reader.problems)
        plan = reader.read(ws)
        if plan is not None:
            plans.append(plan)
        elif len(reader.problems) == before:
            empty += 1
        progress(done, 2 * len(sheets), _("Đã kiểm tra trang %(sheet)s") % {"sheet": ws.title})
    outcome.errors.extend(reader.problems)
    outcome.counts.update(sheets=len(sheets), empty=empty)
    if outcome.ignored_sheets:  # kept in the import record too
        outcome.counts["ignored_sheets"] = outcome.ignored_sheets
    return plans


def _write(plans: list[SheetPlan], by, name: str, outcome: Outcome, progress) -> None:
    reason = _("Nhập từ tệp %(name)s") % {"name": name}
    total = 2 * (outcome.counts["sheets"])
    for done, plan in enumerate(plans, start=outcome.counts["sheets"] + 1):
        try:
            outcome.actions.append(_write_one(plan, by, reason))
        except ValidationError as exc:
            outcome.errors.append(Problem(plan.sheet, L.DATE_CELL, " ".join(exc.messages)))
        progress(done, total, _("Đã ghi trang %(sheet)s") % {"sheet": plan.sheet})
    progress(total, total, _("Xong"))


def _write_one(plan: SheetPlan, by, reason: str) -> dict:
    assessment, action = plan.assessment, "updated"
    last = 0
    if assessment is None:
        assessment = services.assessment_create(
            commune=plan.commune, criteria_set=plan.criteria_set, as_of=plan.as_of, by=by
        )
        action = "created"
    else:
        last = Assessment.history.filter(id=assessment.pk).aggregate(m=Max("history_id"))["m"] or 0
    changed = services.indicator_results_update(assessment=assessment, entries=plan.entries, by=by)
    if action == "updated" and not changed:
        action = "unchanged"
    # The assessment's own history rows of this import name the file, as its results' rows do.
    Assessment.history.filter(
        Q(history_change_reason="") | Q(history_change_reason__isnull=True), id=assessment.pk, history_id__gt=last
    ).update(history_change_reason=reason)
    return {
        "sheet": plan.sheet,
        "commune": plan.commune.code,
        "era": plan.commune.era,
        "criteria_set": plan.criteria_set.code,
        "as_of": plan.as_of.isoformat(),
        "action": action,
        "assessment": assessment.pk,
        "changed": changed,
    }


def _action_counts(actions: list[dict]) -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0, "results_changed": 0}
    for action in actions:
        counts[action["action"]] += 1
        counts["results_changed"] += len(action["changed"])
    return counts
