"""Two assessments side by side (assessments.comparison): ?a=<id>&b=<id>, or ?a=<id> alone for the
commune's previous approved assessment on the same set; &changed=1 shows only the indicators whose
status changed. Both must be in the user's scope, as on the assessment page: a 404 otherwise."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import comparison


def _pk(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 12:
        raise Http404(_("Không tìm thấy đánh giá."))
    return int(value)


@login_required
@require_GET
def assessment_compare(request):
    first_pk, second_pk = _pk(request.GET.get("a")), _pk(request.GET.get("b"))
    if first_pk is None:
        raise Http404(_("Không tìm thấy đánh giá."))
    only_changed = request.GET.get("changed") == "1"
    first, second = comparison.pair_for(request.user, first_pk, second_pk)
    ctx = {"first": first, "second": second, "only_changed": only_changed, "result": None}
    if second is not None and second.pk != first.pk:
        result = comparison.compare(first, second)
        pair = {"a": result.left.pk, "b": result.right.pk}
        ctx |= {
            "result": result,
            "blocks": result.changed_blocks if only_changed else result.blocks,
            "all_url": "?" + urlencode(pair),
            "changed_url": "?" + urlencode(pair | {"changed": "1"}),
        }
    return render(request, "web/compare/compare.html", ctx)
