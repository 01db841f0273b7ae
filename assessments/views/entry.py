"""The commune staff's pages: their communes, creating an assessment, the entry form with its live
counters, evidence files, and submitting for review.

Every page loads the assessment (or commune) within the user's scope first, so anything outside it
is a 404 exactly like a missing one; inside it, a user without the commune staff role gets a 403.
Writes go through assessments.services; their ValidationErrors are shown on the page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.selectors import unit_scope_q
from assessments import permissions, selectors, services
from assessments.forms import entry as forms
from assessments.forms import review as review_forms
from assessments.models import EvidenceFile
from assessments.selectors import entry
from assessments.services import evidence as evidence_service
from assessments.services.entry import check_editable
from communes.selectors import unit_for
from criteria.models import CriteriaSet
from ntm.lib import uploads


@login_required
def my_communes(request):
    return render(request, "web/entry/my_communes.html", {"overviews": entry.my_communes(request.user)})


@login_required
def assessment_create(request, era, code):
    commune = unit_for(era=era, code=code, scope=unit_scope_q(request.user))
    if not commune.is_commune:
        raise Http404(_("Chỉ đánh giá được đơn vị cấp xã."))
    if not permissions.can_create_assessment(request.user, commune):
        raise PermissionDenied(_("Bạn không có quyền tạo đánh giá cho xã này."))
    sets = entry.applicable_sets(commune)
    queryset = CriteriaSet.objects.filter(pk__in=[cs.pk for cs in sets]).order_by("-period_start", "code")
    chosen = next((cs for cs in sets if cs.code == request.GET.get("set")), None)
    default_set = chosen or next(iter(queryset), None)
    form = forms.AssessmentCreateForm(
        request.POST or None,
        criteria_sets=queryset,
        commune=commune,
        initial={"criteria_set": chosen} if chosen else None,
        proposed_as_of=entry.free_as_of(commune, default_set, timezone.localdate()),
    )
    if form.is_valid():
        try:
            assessment = services.assessment_create(commune=commune, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã tạo đánh giá nháp. Hãy nhập kết quả các chỉ tiêu."))
            return redirect("web:assessment_edit", pk=assessment.pk)
    return render(request, "web/entry/create.html", {"commune": commune, "form": form, "has_sets": bool(sets)})


# The entry form


def _editable(request, pk):
    """(assessment with its results, whether its status still allows editing); a 404 outside the
    user's scope, a 403 without the commune staff role."""
    assessment = selectors.assessment_with_results(request.user, pk)
    if not permissions.has_role(request.user, assessment.commune, Role.COMMUNE_STAFF):
        raise PermissionDenied(_("Bạn không có quyền sửa đánh giá của xã này."))
    return assessment, assessment.is_editable


def _refused(request, assessment):
    """Submitted or approved meanwhile: say why on the assessment's own page."""
    try:
        check_editable(assessment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("web:assessment", pk=assessment.pk)


def _entry_form(assessment, data=None):
    indicators = [r.indicator for r in assessment.results.all()]
    books = []  # read when the form is validated, not to show it

    def target_of(indicator):
        if not books:
            books.append(services.TargetBook.of(assessment.criteria_set))
        return books[0].target_for(indicator, assessment.commune, assessment.as_of)

    return forms.EntryForm(data, indicators=indicators, target_of=target_of, initial={"revision": assessment.revision})


def _preview(assessment, form):
    """The summary and per-indicator results of the form's valid values (invalid ones count as empty)."""
    form.is_valid()
    return services.assessment_preview(
        assessment=assessment,
        entries=form.entries(valid_only=True),
        results=list(assessment.results.all()),
    )


def _render_edit(request, assessment, *, form=None, stale=(), missing=(), stale_message="", status=200):
    blocks = entry.entry_blocks(assessment)
    summary = assessment.summary
    if form is not None and form.is_bound:
        preview = _preview(assessment, form)
        summary = preview.summary
        for block in blocks:
            for row in block.rows:
                _show_posted(row, form, preview)
    highlight = set(stale) | set(missing)
    for block in blocks:
        for row in block.rows:
            row.changed_by_other = row.indicator.code in stale
            row.missing = row.indicator.code in missing
        block.expanded = any(r.errors or r.note_errors or r.indicator.code in highlight for r in block.rows)
    if blocks and not any(b.expanded for b in blocks):
        blocks[0].expanded = True
    ctx = {
        "assessment": assessment,
        "blocks": blocks,
        "summary": summary,
        "revision": form["revision"].value() if form is not None and form.is_bound else assessment.revision,
        "stale": [_link(blocks, code) for code in stale],
        "stale_message": stale_message,
        "missing_groups": [(b.criterion, rows) for b in blocks if (rows := [r for r in b.rows if r.missing])],
        "form_errors": [*form.non_field_errors(), *form.errors.get("revision", [])]
        if form is not None and form.is_bound
        else [],
    }
    return render(request, "web/entry/edit.html", ctx, status=status)


def _show_posted(row, form, preview) -> None:
    code = row.indicator.code
    if row.is_numeric:
        row.shown = form.data.get(f"value-{code}", "")
        row.errors = form.errors.get(f"value-{code}", [])
    else:
        row.shown = {"1": True, "0": False}.get(form.data.get(f"met-{code}"))
        row.errors = form.errors.get(f"met-{code}", [])
    row.note = form.data.get(f"note-{code}", row.note)
    row.note_errors = form.errors.get(f"note-{code}", [])
    row.met = preview.met_by_code.get(code)


def _link(blocks, code):
    for block in blocks:
        for row in block.rows:
            if row.indicator.code == code:
                return row
    return None


def _save(request, assessment, form) -> str | None:
    """Save the form's values; the error code ("invalid", "stale", ...) when nothing was saved."""
    if not form.is_valid():
        return "invalid"
    try:
        services.indicator_results_update(
            assessment=assessment,
            entries=form.entries(),
            by=request.user,
            expected_revision=form.cleaned_data["revision"],
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):  # values refused by the entry service, keyed by code
            forms.add_service_errors(form, exc.error_dict)
            return "invalid"
        form.add_error(None, exc)
        return exc.error_list[0].code or "invalid"
    return None


def _stale_codes(form) -> list[str]:
    for error in form.errors.as_data().get("__all__", []):
        if error.code == "stale":
            return list((error.params or {}).get("indicators", []))
    return []


@login_required
def assessment_edit(request, pk):
    assessment, editable = _editable(request, pk)
    if not editable:
        return _refused(request, assessment)
    if request.method != "POST":
        return _render_edit(request, assessment, form=_entry_form(assessment))
    form = _entry_form(assessment, request.POST)
    error = _save(request, assessment, form)
    if error is None:
        messages.success(request, _("Đã lưu nháp."))
        return redirect("web:assessment_edit", pk=assessment.pk)
    # Nothing was saved: show the page again with what the user typed, the errors and, when the
    # assessment changed meanwhile, the indicators that changed (with their saved values).
    if error == "stale":
        assessment = selectors.assessment_with_results(request.user, pk)
    return _render_edit(request, assessment, form=form, stale=_stale_codes(form))


@login_required
@require_POST
def assessment_preview(request, pk):
    assessment, editable = _editable(request, pk)
    if not editable:
        raise PermissionDenied(_("Đánh giá này không còn sửa được."))
    form = _entry_form(assessment, request.POST)
    preview = _preview(assessment, form)
    blocks = entry.entry_blocks(assessment)
    for block in blocks:
        for row in block.rows:
            row.met = preview.met_by_code.get(row.indicator.code)
    return render(request, "web/entry/_preview.html", {"summary": preview.summary, "blocks": blocks})


@login_required
@require_POST
def assessment_submit(request, pk):
    assessment, editable = _editable(request, pk)
    if not editable:
        return _refused(request, assessment)
    if forms.has_entries(request.POST):
        form = _entry_form(assessment, request.POST)
        error = _save(request, assessment, form)
        if error is not None:
            if error == "stale":
                assessment = selectors.assessment_with_results(request.user, pk)
            return _render_edit(request, assessment, form=form, stale=_stale_codes(form))
        revision = assessment.revision  # refreshed by the service
    else:
        # The revision the page was rendered from is required, as in the API: without it the
        # stale check would be skipped and an assessment changed meanwhile sent unseen.
        step = review_forms.StepForm(request.POST)
        if not step.is_valid():
            messages.error(request, " ".join(step.errors["revision"]))
            return _render_edit(request, assessment, status=400)
        revision = step.cleaned_data["revision"]
    try:
        services.assessment_submit(assessment=assessment, by=request.user, expected_revision=revision)
    except ValidationError as exc:
        first = exc.error_list[0]
        assessment = selectors.assessment_with_results(request.user, pk)
        # The missing and the changed indicators get their own lists of links on the page.
        codes = (first.params or {}).get("indicators", [])
        if first.code not in ("incomplete", "stale"):
            messages.error(request, " ".join(exc.messages))
        return _render_edit(
            request,
            assessment,
            missing=codes if first.code == "incomplete" else (),
            stale=codes if first.code == "stale" else (),
            stale_message=" ".join(exc.messages),
        )
    messages.success(request, _("Đã gửi đánh giá đi thẩm định."))
    for warning in services.submit_warnings(assessment):
        messages.warning(request, warning)
    return redirect("web:assessment", pk=assessment.pk)


@login_required
def assessment_submit_confirm(request, pk):
    """Before sending: the sentence the commune is about to report, and what still blocks sending.
    A POST from the entry form saves the values typed first (nothing is sent until confirmed)."""
    assessment, editable = _editable(request, pk)
    if not editable:
        return _refused(request, assessment)
    if request.method == "POST":
        form = _entry_form(assessment, request.POST)
        error = _save(request, assessment, form)
        if error is not None:
            if error == "stale":
                assessment = selectors.assessment_with_results(request.user, pk)
            return _render_edit(request, assessment, form=form, stale=_stale_codes(form))
        return redirect("web:assessment_submit_confirm", pk=pk)
    missing = services.TargetBook.of(assessment.criteria_set).unanswered(assessment.results.all())
    if missing:  # the entry form again, with a link to each indicator still to answer
        return _render_edit(request, assessment, missing=missing)
    ctx = {"assessment": assessment, "summary": assessment.summary, "sentence": assessment.sentence()}
    return render(request, "web/entry/submit_confirm.html", ctx)


# Evidence files


def _evidence_response(request, assessment, result, *, error: str = ""):
    """The indicator's evidence block (htmx), or back to the entry form at that indicator."""
    if request.headers.get("HX-Request"):
        files = list(EvidenceFile.objects.filter(result=result).order_by("uploaded_at", "id"))
        ctx = {
            "assessment": assessment,
            "row": entry.EntryRow(
                result=result, indicator=result.indicator, anchor=entry.anchor_for(result.indicator.code)
            ),
            "files": files,
            "evidence_error": error,
        }
        return render(request, "web/entry/_evidence.html", ctx)
    if error:
        messages.error(request, error)
    url = reverse("web:assessment_edit", kwargs={"pk": assessment.pk})
    return redirect(f"{url}#{entry.anchor_for(result.indicator.code)}")


@uploads.upload_limit("EVIDENCE_MAX_BYTES")
@login_required
@require_POST
def evidence_upload(request, pk, code):
    assessment, editable = _editable(request, pk)
    if not editable:
        return _refused(request, assessment)
    result = next((r for r in assessment.results.all() if r.indicator.code == code), None)
    if result is None:
        raise Http404(_("Đánh giá không có chỉ tiêu “%(code)s”.") % {"code": code})
    if uploads.declared_too_large(request, settings.EVIDENCE_MAX_BYTES):  # refused unread
        error = evidence_service.declared_too_large_error()
        return _evidence_response(request, assessment, result, error=" ".join(error.messages))
    upload = request.FILES.get(f"file-{code}")
    if upload is None:
        return _evidence_response(request, assessment, result, error=_("Hãy chọn một tệp để tải lên."))
    try:
        services.evidence_file_add(result=result, upload=upload, by=request.user)
    except ValidationError as exc:
        return _evidence_response(request, assessment, result, error=" ".join(exc.messages))
    return _evidence_response(request, assessment, result)


@login_required
@require_POST
def evidence_remove(request, pk, evidence_pk):
    assessment, editable = _editable(request, pk)
    if not editable:
        return _refused(request, assessment)
    evidence = (
        EvidenceFile.objects.select_related("result__indicator")
        .filter(result__assessment=assessment, pk=evidence_pk)
        .first()
    )
    if evidence is None:
        raise Http404(_("Không tìm thấy tệp minh chứng."))
    result = evidence.result
    try:
        services.evidence_file_remove(evidence=evidence, by=request.user)
    except ValidationError as exc:
        return _evidence_response(request, assessment, result, error=" ".join(exc.messages))
    return _evidence_response(request, assessment, result)
