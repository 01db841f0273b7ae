"""Read-only JSON API. Everything outside the user's scope is a 404, never a 403."""

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts.selectors import scope_key
from api import filters, selectors, serializers
from ntm.lib import data_version

ERA = OpenApiParameter(
    "era",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=["pre2025", "2025"],
    description=_("Thời kỳ: pre2025 (trước 01/07/2025) hoặc 2025; mã đơn vị được dùng lại giữa hai thời kỳ."),
)
UNIT_CODE = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("Mã đơn vị hành chính (Tổng cục Thống kê).")
)
SET_CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("Mã bộ tiêu chí."))
NOT_FOUND = OpenApiResponse(description=_("Không có, hoặc nằm ngoài phạm vi của người dùng."))


@extend_schema(summary=_("Danh sách bộ tiêu chí"))
class CriteriaSetList(generics.ListAPIView):
    queryset = selectors.criteria_sets_for_list()
    serializer_class = serializers.CriteriaSetListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.CriteriaSetFilter


@extend_schema(
    summary=_("Bộ tiêu chí đầy đủ: tiêu chí, chỉ tiêu và chỉ tiêu theo vùng / nhóm / năm"),
    parameters=[SET_CODE],
    responses={200: serializers.CriteriaSetDetailSerializer, 404: NOT_FOUND},
)
@api_view(["GET"])
def criteria_set_detail(request, code):
    criteria_set = selectors.criteria_set_tree(code=code)
    return Response(serializers.CriteriaSetDetailSerializer(criteria_set, context={"request": request}).data)


@extend_schema(summary=_("Tìm đơn vị hành chính trong một thời kỳ"))
class UnitList(generics.ListAPIView):
    serializer_class = serializers.UnitListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.UnitFilter

    def get_queryset(self):
        return selectors.units_for(self.request.user).select_related("parent")


@extend_schema(
    summary=_("Một đơn vị hành chính, các đơn vị trực thuộc và quan hệ kế thừa"),
    parameters=[ERA, UNIT_CODE],
    responses={200: serializers.UnitDetailSerializer, 404: NOT_FOUND},
)
@api_view(["GET"])
def unit_detail(request, era, code):
    unit = selectors.unit_detail_for(request.user, era=era, code=code)
    return Response(serializers.UnitDetailSerializer(unit, context={"request": request}).data)


@extend_schema(
    summary=_("Kết quả đánh giá mới nhất của xã theo một bộ tiêu chí"),
    parameters=[ERA, UNIT_CODE, serializers.SummaryQuerySerializer],
    responses={
        200: serializers.SummarySerializer,
        400: OpenApiResponse(description=_("Tham số không hợp lệ.")),
        404: NOT_FOUND,
    },
)
@api_view(["GET"])
def unit_summary(request, era, code):
    """The latest approved summary is cached under the data version (ntm.lib.data_version), per language
    and what the user's memberships let them see (a 404 too): a hit reads no data. The latest assessment
    of any status changes with every draft edit, which bumps only the commune's version: it is not cached."""
    params = serializers.SummaryQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    set_code, any_status = params.validated_data["set"], params.validated_data["status"] == "any"
    if any_status:
        return Response(_summary(request, era, code, set_code, any_status=True))
    parts = (translation.get_language(), era, code, set_code, scope_key(request.user))
    found = data_version.cached("summary-api", parts, lambda: _summary_or_404(request, era, code, set_code))
    if "not_found" in found:
        raise Http404(found["not_found"])
    return Response(found)


def _summary(request, era, code, set_code, *, any_status: bool) -> dict:
    assessment = selectors.commune_summary_for(
        request.user, era=era, code=code, set_code=set_code, any_status=any_status
    )
    context = {"request": request, "language": translation.get_language()}
    return dict(serializers.SummarySerializer(assessment, context=context).data)


def _summary_or_404(request, era, code, set_code) -> dict:
    try:
        return _summary(request, era, code, set_code, any_status=False)
    except Http404 as missing:
        return {"not_found": str(missing)}
