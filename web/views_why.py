"""The explanation behind a state badge: why an indicator or a criterion is đạt, chưa đạt or chưa xác định.

A page of its own (links work without JavaScript), or, asked by htmx from a badge, only the
explanation, which the page's dialog (templates/web/why/_modal.html) shows. Anything outside the
user's scope is a 404, as everywhere (assessments.selectors.assessment_for).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments import selectors, why


def _render(request, template: str, ctx: dict):
    if request.headers.get("HX-Request"):
        return render(request, f"{template}#explanation", ctx)
    return render(request, template, ctx)


@login_required
@require_GET
def indicator_why(request, pk, code):
    assessment = selectors.assessment_for(request.user, pk)
    return _render(request, "web/why/indicator.html", {"why": why.indicator_explanation(assessment, code)})


@login_required
@require_GET
def criterion_why(request, pk, number):
    assessment = selectors.assessment_for(request.user, pk)
    return _render(request, "web/why/criterion.html", {"why": why.criterion_explanation(assessment, number)})
