"""Entering and reviewing assessments through the API: the same services, roles and history as the pages.

Every view first loads the assessment within the user's scope, so anything outside it is a 404
exactly like a missing one. Inside the scope, a role the user lacks is a 403; a refusal by a
service is a 400 with its translated message and code, or a 409 when the user's revision is stale.
"""

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import Role
from api import assessment_serializers as s
from api import selectors as api_selectors
from assessments import permissions, selectors, services
from assessments.models import EvidenceFile
from assessments.services import evidence as evidence_service
from communes.models import Level
from ntm.lib import uploads
from ntm.lib.downloads import stored_file_response

PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("Mã số đánh giá."))
CODE = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description=gettext_lazy("Mã chỉ tiêu, ví dụ 2.1.")
)
EVIDENCE_PK = OpenApiParameter(
    "evidence_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("Mã số tệp minh chứng.")
)
NOT_FOUND = OpenApiResponse(description=gettext_lazy("Không có, hoặc nằm ngoài phạm vi của người dùng."))
FORBIDDEN = OpenApiResponse(description=gettext_lazy("Người dùng thấy đánh giá nhưng không có vai trò cần thiết."))
REFUSED = OpenApiResponse(
    s.ErrorSerializer, description=gettext_lazy("Dữ liệu không hợp lệ hoặc trạng thái không cho phép.")
)
STALE = OpenApiResponse(
    s.ErrorSerializer, description=gettext_lazy("Đánh giá đã đổi từ lần sửa người dùng đang xem (code stale).")
)
STEP_RESPONSES = {200: s.AssessmentDetailSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: STALE}


def _json_safe(params: dict) -> dict:
    return {k: v for k, v in (params or {}).items() if isinstance(v, (str, int, bool, list))}


def error_response(exc: ValidationError) -> Response:
    if hasattr(exc, "error_dict"):
        # Keyed by field, or by indicator code for the results (assessments.services.values).
        errors = exc.message_dict
        detail = " ".join(f"{key}: {message}" for key, messages in errors.items() for message in messages)
        return Response(
            {"detail": detail, "code": "invalid", "params": {}, "errors": errors}, status=status.HTTP_400_BAD_REQUEST
        )
    first = exc.error_list[0]
    code = first.code or "invalid"
    body = {"detail": " ".join(exc.messages), "code": code, "params": _json_safe(first.params)}
    return Response(body, status=status.HTTP_409_CONFLICT if code == "stale" else status.HTTP_400_BAD_REQUEST)


def service_errors(view):
    """Turn a service's ValidationError into a 400 (or 409 for "stale") response."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            return error_response(exc)

    return wrapper


def _require_staff(user, assessment) -> None:
    if not permissions.has_role(user, assessment.commune, Role.COMMUNE_STAFF):
        raise PermissionDenied(_("Bạn không có quyền sửa đánh giá của xã này."))


def _result(assessment, code: str):
    result = assessment.results.select_related("assessment").filter(indicator__code=code).first()
    if result is None:
        raise Http404(_("Đánh giá không có chỉ tiêu “%(code)s”.") % {"code": code})
    return result


def _detail(request, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
    assessment = selectors.assessment_with_results(request.user, pk)
    return Response(s.AssessmentDetailSerializer(assessment, context={"request": request}).data, status=status_code)


@extend_schema(
    summary=gettext_lazy("Tạo đánh giá nháp cho một xã"),
    request=s.AssessmentCreateSerializer,
    responses={201: s.AssessmentDetailSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
)
@api_view(["POST"])
@service_errors
def assessment_create(request):
    serializer = s.AssessmentCreateSerializer(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    key = serializer.validated_data["commune"]
    communes = api_selectors.units_for(request.user).filter(level=Level.COMMUNE)
    commune = communes.filter(era=key["era"], code=key["code"]).first()
    if commune is None:
        raise Http404(
            _("Không tìm thấy xã mã %(code)s trong thời kỳ “%(era)s”.") % {"code": key["code"], "era": key["era"]}
        )
    if not permissions.can_create_assessment(request.user, commune):
        raise PermissionDenied(_("Bạn không có quyền tạo đánh giá cho xã này."))
    assessment = serializer.save(commune_unit=commune)
    return _detail(request, assessment.pk, status.HTTP_201_CREATED)


@extend_schema(
    summary=gettext_lazy("Một đánh giá: trạng thái, kết quả tổng hợp, kết quả từng chỉ tiêu và tệp minh chứng"),
    parameters=[PK],
    responses={200: s.AssessmentDetailSerializer, 404: NOT_FOUND},
)
@api_view(["GET"])
def assessment_detail(request, pk):
    return _detail(request, pk)


@extend_schema(
    summary=gettext_lazy("Nhập, sửa kết quả các chỉ tiêu (đánh giá nháp hoặc bị trả lại)"),
    parameters=[PK],
    request=s.ResultsUpdateSerializer,
    responses=STEP_RESPONSES,
)
@api_view(["PATCH"])
@service_errors
def results_update(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    _require_staff(request.user, assessment)
    serializer = s.ResultsUpdateSerializer(data=request.data, context={"request": request, "assessment": assessment})
    serializer.is_valid(raise_exception=True)
    serializer.save()
    return _detail(request, pk)


def _step(name: str, serializer_class, summary):
    """A workflow step's view: load within the scope, validate the body, let the serializer call the service."""

    def view(request, pk):
        assessment = selectors.assessment_for(request.user, pk)
        serializer = serializer_class(data=request.data, context={"request": request, "assessment": assessment})
        serializer.is_valid(raise_exception=True)
        serializer.save()
        response = _detail(request, pk)
        if hasattr(serializer, "warnings"):  # the submit warns without refusing (undetermined indicators)
            response.data["warnings"] = serializer.warnings
        return response

    view.__name__ = view.__qualname__ = name
    view = service_errors(view)
    return extend_schema(summary=summary, parameters=[PK], request=serializer_class, responses=STEP_RESPONSES)(
        api_view(["POST"])(view)
    )


assessment_submit = _step(
    "assessment_submit", s.SubmitSerializer, gettext_lazy("Gửi đánh giá đi thẩm định (cán bộ xã)")
)
assessment_withdraw = _step(
    "assessment_withdraw",
    s.WithdrawSerializer,
    gettext_lazy("Rút lại đánh giá đã gửi về nháp, khi phòng, ban chưa bắt đầu rà soát (cán bộ xã)"),
)
assessment_return = _step(
    "assessment_return", s.ReturnSerializer, gettext_lazy("Trả lại đánh giá kèm lý do (người thẩm định)")
)
assessment_approve = _step(
    "assessment_approve", s.ApproveSerializer, gettext_lazy("Duyệt đánh giá (người thẩm định); sau đó không sửa được")
)
assessment_reopen = _step(
    "assessment_reopen",
    s.ReopenSerializer,
    gettext_lazy("Mở lại đánh giá đã duyệt kèm lý do (quản trị bộ tiêu chí)"),
)


@extend_schema(
    summary=gettext_lazy("Rà soát một chỉ tiêu: xác nhận hoặc đánh dấu cần xem lại (cán bộ phòng, ban)"),
    parameters=[PK, CODE],
    request=s.VerifySerializer,
    responses=STEP_RESPONSES,
)
@api_view(["POST"])
@service_errors
def result_verify(request, pk, code):
    assessment = selectors.assessment_for(request.user, pk)
    result = _result(assessment, code)
    context = {"request": request, "assessment": assessment, "result": result}
    serializer = s.VerifySerializer(data=request.data, context=context)
    serializer.is_valid(raise_exception=True)
    serializer.save()
    return _detail(request, pk)


@uploads.upload_limit("EVIDENCE_MAX_BYTES")
@extend_schema(
    summary=gettext_lazy("Tải lên một tệp minh chứng cho chỉ tiêu"),
    parameters=[PK, CODE],
    request={"multipart/form-data": s.EvidenceUploadSerializer},
    responses={
        201: s.EvidenceFileSerializer,
        400: REFUSED,
        403: FORBIDDEN,
        404: NOT_FOUND,
        413: OpenApiResponse(
            s.ErrorSerializer,
            description=gettext_lazy("Tệp lớn hơn giới hạn (theo Content-Length, trước khi đọc nội dung)."),
        ),
    },
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
@service_errors
def evidence_upload(request, pk, code):
    assessment = selectors.assessment_for(request.user, pk)
    result = _result(assessment, code)
    _require_staff(request.user, assessment)
    if uploads.declared_too_large(request, settings.EVIDENCE_MAX_BYTES):  # refused before the body is read
        response = error_response(evidence_service.declared_too_large_error())
        response.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        return response
    serializer = s.EvidenceUploadSerializer(data=request.data, context={"request": request, "result": result})
    serializer.is_valid(raise_exception=True)
    evidence = serializer.save()
    data = s.EvidenceFileSerializer(evidence, context={"request": request}).data
    return Response(data, status=status.HTTP_201_CREATED)


def _evidence(request, pk, evidence_pk):
    assessment = selectors.assessment_for(request.user, pk)
    evidence = EvidenceFile.objects.filter(result__assessment=assessment, pk=evidence_pk).first()
    if evidence is None:
        raise Http404(_("Không tìm thấy tệp minh chứng."))
    return assessment, evidence


@extend_schema(
    methods=["GET"],
    summary=gettext_lazy("Tải về một tệp minh chứng"),
    parameters=[PK, EVIDENCE_PK],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: NOT_FOUND},
)
@extend_schema(
    methods=["DELETE"],
    summary=gettext_lazy("Xóa một tệp minh chứng (đánh giá nháp hoặc bị trả lại)"),
    parameters=[PK, EVIDENCE_PK],
    responses={204: None, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
)
@api_view(["GET", "DELETE"])
@service_errors
def evidence_file(request, pk, evidence_pk):
    assessment, evidence = _evidence(request, pk, evidence_pk)
    if request.method == "GET":
        # In scope (checked above): streamed, or a redirect to a short-lived signed URL of the bucket.
        return stored_file_response(
            evidence.file,
            filename=evidence.original_name,
            content_type=evidence.content_type,
            missing=_("Không tìm thấy tệp minh chứng."),
        )
    _require_staff(request.user, assessment)
    services.evidence_file_remove(evidence=evidence, by=request.user)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    summary=gettext_lazy("Lịch sử của đánh giá: ai, lúc nào, sửa gì từ đâu thành gì, lý do"),
    parameters=[PK],
    responses={200: s.TimelineEntrySerializer(many=True), 404: NOT_FOUND},
)
@api_view(["GET"])
def assessment_timeline(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    entries = selectors.assessment_timeline(assessment)
    return Response(s.TimelineEntrySerializer(entries, many=True).data)


@extend_schema(
    summary=gettext_lazy("Các chỉ tiêu thay đổi so với đánh giá được duyệt trước đó của xã"),
    parameters=[PK],
    responses={200: s.ComparisonSerializer, 404: NOT_FOUND},
)
@api_view(["GET"])
def assessment_changes(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    comparison = selectors.changes_since_previous_approved(assessment)
    return Response(s.ComparisonSerializer(comparison).data)
