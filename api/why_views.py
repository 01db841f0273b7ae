"""The explanation behind a state, through the API (assessments.why, as the pages show it).

GET only; the assessment is loaded within the user's scope first, so one outside it is a 404
exactly like a missing one.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from api.assessment_views import CODE, NOT_FOUND, PK
from assessments import selectors, why

NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("Số thứ tự tiêu chí, ví dụ 2.")
)
EXPLAINED = OpenApiResponse(OpenApiTypes.OBJECT, description=gettext_lazy("Lời giải thích, như trang web hiển thị."))


def _person(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


def _sources(refs) -> list[dict]:
    return [{"key": s.key, "url": s.url, "description": s.description} for s in refs]


def indicator_data(w: why.IndicatorWhy, request) -> dict:
    r, i = w.result, w.indicator
    return {
        "assessment": w.assessment.pk,
        "code": i.code,
        "name": i.name,
        "kind": i.kind,
        "unit": i.unit,
        "state": w.state,
        "reason_code": w.reason_code,
        "reason": w.reason,
        "value": None if w.value is None else str(w.value),
        "answer": w.answer if not w.is_numeric else None,
        "target": w.target,
        "target_applied": w.target_applied,
        "target_basis": w.basis,
        "commune": {"region": w.assessment.commune.region, "commune_group": w.assessment.commune.commune_group},
        "year": w.assessment.as_of.year,
        "source": {
            "decision_number": w.assessment.criteria_set.decision_number,
            "documents": _sources(w.sources),
            "verified": i.verified,
            "confidence": i.confidence,
        },
        "evidence": {
            "note": r.note,
            "files": [
                {
                    "id": f.pk,
                    "name": f.original_name,
                    "size": f.size,
                    "url": request.build_absolute_uri(
                        reverse("api:evidence", kwargs={"pk": w.assessment.pk, "evidence_pk": f.pk})
                    ),
                }
                for f in w.evidence
            ],
        },
        "verification": {
            "state": r.verification_state,
            "by": _person(r.verified_by),
            "at": r.verified_at.isoformat() if r.verified_at else None,
            "comment": r.verification_comment,
        },
    }


def criterion_data(w: why.CriterionWhy) -> dict:
    return {
        "assessment": w.assessment.pk,
        "number": w.criterion.number,
        "name": w.criterion.name,
        "state": w.state,
        "rule": "all_indicators_met",
        "reason_code": w.reason_code,
        "reason": w.reason,
        "set_note": w.set_note,
        "met": w.codes(why.MET),
        "not_met": w.codes(why.NOT_MET),
        "unknown": w.codes(why.UNKNOWN),
        "indicators": [
            {"code": line.code, "name": line.name, "state": line.state, "reason": line.reason} for line in w.lines
        ],
    }


@extend_schema(
    summary=gettext_lazy(
        "Vì sao một chỉ tiêu đạt, chưa đạt hay chưa xác định: mức áp dụng và lý do, nguồn, giá trị, minh chứng, rà soát"
    ),
    parameters=[PK, CODE],
    responses={200: EXPLAINED, 404: NOT_FOUND},
)
@api_view(["GET"])
def indicator_why(request, pk, code):
    assessment = selectors.assessment_for(request.user, pk)
    return Response(indicator_data(why.indicator_explanation(assessment, code), request))


@extend_schema(
    summary=gettext_lazy("Vì sao một tiêu chí đạt, chưa đạt hay chưa xác định: quy tắc và các chỉ tiêu của nó"),
    parameters=[PK, NUMBER],
    responses={200: EXPLAINED, 404: NOT_FOUND},
)
@api_view(["GET"])
def criterion_why(request, pk, number):
    assessment = selectors.assessment_for(request.user, pk)
    return Response(criterion_data(why.criterion_explanation(assessment, number)))
