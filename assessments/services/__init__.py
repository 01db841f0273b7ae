"""Writes on assessments (HackSoft-style services), one module per concern:

- entry: create an assessment, enter results, recompute the stored summary;
- workflow: submit, withdraw, return, approve, reopen, and the departments' verification;
- evidence: evidence files;
- latest: the stored "latest approved" flag the dashboards read;
- preview: the summary of values typed but not saved (the entry page's live counters);
- common: the row lock, the revision ("stale") check and the recorded step.

Import the package, `from assessments import services`, and call `services.assessment_submit(...)`.
"""

from assessments.services.book import TargetBook
from assessments.services.entry import assessment_create, assessment_recompute_summary, indicator_results_update
from assessments.services.evidence import evidence_file_add, evidence_file_remove
from assessments.services.latest import latest_approved_refresh
from assessments.services.preview import assessment_preview
from assessments.services.workflow import (
    assessment_approve,
    assessment_reopen,
    assessment_return,
    assessment_submit,
    assessment_withdraw,
    indicator_verify,
    submit_warnings,
)

__all__ = [
    "TargetBook",
    "assessment_approve",
    "assessment_create",
    "assessment_preview",
    "assessment_recompute_summary",
    "assessment_reopen",
    "assessment_return",
    "assessment_submit",
    "assessment_withdraw",
    "submit_warnings",
    "evidence_file_add",
    "evidence_file_remove",
    "indicator_results_update",
    "indicator_verify",
    "latest_approved_refresh",
]
