"""Assessments in the API: the detail with results, and the inputs of the entry and review steps.

Input serializers check the shape of a request; their save() calls the service, which checks the
rest (status, role, revision) and records the history, exactly as for the pages.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import DECIMAL, UndeterminedSerializer, UnitRefSerializer, UnmetCriterionSerializer, enum_field
from assessments import permissions, services
from assessments.models import Assessment, EvidenceFile, IndicatorResult, Status, VerificationState
from criteria.models import CriteriaSet, Crosswalk, IndicatorKind

REVISION_HELP = _("Lần sửa của đánh giá mà người dùng đang xem; nếu đánh giá đã đổi từ đó, yêu cầu bị từ chối (409).")


class UserRefSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


def user_field():
    return UserRefSerializer(read_only=True, allow_null=True)


class EvidenceFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by = user_field()
    url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = ["id", "name", "content_type", "size", "uploaded_by", "uploaded_at", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, evidence: EvidenceFile) -> str:
        path = reverse("api:evidence", kwargs={"pk": evidence.result.assessment_id, "evidence_pk": evidence.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class VerificationSerializer(serializers.Serializer):
    state = enum_field(VerificationState, "VerificationStateEnum", source="verification_state")
    comment = serializers.CharField(source="verification_comment", read_only=True)
    by = UserRefSerializer(source="verified_by", read_only=True, allow_null=True)
    at = serializers.DateTimeField(source="verified_at", read_only=True, allow_null=True)


class ResultSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code", read_only=True)
    name = serializers.CharField(source="indicator.name", read_only=True)
    criterion = serializers.IntegerField(source="indicator.criterion.number", read_only=True)
    kind = enum_field(IndicatorKind, "IndicatorKindEnum", source="indicator.kind")
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    updated_by = user_field()
    verification = VerificationSerializer(source="*", read_only=True)
    evidence = EvidenceFileSerializer(source="evidence_files", many=True, read_only=True)
    target_reason = serializers.SerializerMethodField(
        help_text=_(
            "Vì sao chưa có ngưỡng áp dụng cho xã (chỉ tiêu dạng số), ví dụ ngưỡng của vùng chưa thu thập "
            "được; rỗng khi có ngưỡng."
        ),
    )

    class Meta:
        model = IndicatorResult
        fields = [
            "code",
            "name",
            "criterion",
            "kind",
            "unit",
            "target_applied",
            "target_reason",
            "value",
            "met",
            "note",
            "updated_by",
            "updated_at",
            "verification",
            "evidence",
        ]
        extra_kwargs = {"value": DECIMAL}

    def get_target_reason(self, result: IndicatorResult) -> str:
        if result.indicator.kind != IndicatorKind.NUMERIC or result.target_applied:
            return ""
        assessment = result.assessment
        book = services.TargetBook.of(assessment.criteria_set)  # kept once read: the set is frozen
        return book.resolve(book.by_id[result.indicator_id], assessment.commune, assessment.as_of).reason


class CriteriaSetRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriteriaSet
        fields = ["code", "name"]


class ActionsSerializer(serializers.Serializer):
    """What the current user may do now, for the pages to show the right buttons."""

    edit = serializers.BooleanField(help_text=_("Sửa kết quả và tệp minh chứng."))
    submit = serializers.BooleanField()
    review = serializers.BooleanField(help_text=_("Trả lại hoặc duyệt."))
    reopen = serializers.BooleanField()
    verify_criteria = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Số thứ tự các tiêu chí người dùng rà soát được.")
    )


def actions_for(user, assessment: Assessment, results) -> dict:
    departments = permissions.department_ids_for(user, assessment.commune)
    submitted = assessment.status == Status.SUBMITTED
    verifiable = (
        sorted({r.indicator.criterion.number for r in results if r.indicator.criterion.department_id in departments})
        if submitted
        else []
    )
    return {
        "edit": permissions.can_edit_assessment(user, assessment),
        "submit": permissions.can_submit(user, assessment),
        "review": submitted and permissions.can_review(user, assessment),
        "reopen": assessment.status == Status.APPROVED and permissions.can_reopen(user, assessment),
        "verify_criteria": verifiable,
    }


class AssessmentDetailSerializer(serializers.ModelSerializer):
    """One assessment with its workflow stamps, stored summary, results and evidence."""

    commune = UnitRefSerializer(read_only=True)
    criteria_set = CriteriaSetRefSerializer(read_only=True)
    status = enum_field(Status, "AssessmentStatusEnum")
    created_by = user_field()
    submitted_by = user_field()
    returned_by = user_field()
    approved_by = user_field()
    unmet = UnmetCriterionSerializer(many=True, read_only=True)
    undetermined = UndeterminedSerializer(many=True, read_only=True)
    sentence = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    results = ResultSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "commune",
            "criteria_set",
            "as_of",
            "status",
            "revision",
            "is_demo",
            "created_by",
            "created_at",
            "submitted_by",
            "submitted_at",
            "returned_by",
            "returned_at",
            "return_reason",
            "approved_by",
            "approved_at",
            "criteria_met",
            "criteria_total",
            "indicators_met",
            "indicators_total",
            "indicators_unknown",
            "meets_standard",
            "set_complete",
            "indicators_stated",
            "unmet",
            "undetermined",
            "sentence",
            "actions",
            "results",
        ]

    def get_sentence(self, assessment: Assessment) -> str:
        return assessment.sentence()

    @extend_schema_field(ActionsSerializer)
    def get_actions(self, assessment: Assessment) -> dict:
        return actions_for(self.context["request"].user, assessment, assessment.results.all())


# Inputs


class UnitKeySerializer(serializers.Serializer):
    era = serializers.CharField()
    code = serializers.CharField()


class AssessmentCreateSerializer(serializers.Serializer):
    commune = UnitKeySerializer(help_text=_("Xã, theo thời kỳ và mã."))
    criteria_set = serializers.SlugRelatedField(
        slug_field="code",
        queryset=CriteriaSet.objects.all(),
        help_text=_("Mã bộ tiêu chí."),
        error_messages={"does_not_exist": _("Không có bộ tiêu chí mã “{value}”.")},
    )
    as_of = serializers.DateField(help_text=_("Ngày đánh giá."))
    copy_from_latest = serializers.BooleanField(
        default=False,
        help_text=_("Sao chép giá trị và ghi chú từ đánh giá gần nhất của xã theo bộ tiêu chí này."),
    )
    from_assessment = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "Mã (id) một đánh giá của chính xã này theo bộ tiêu chí cũ: điền sẵn các giá trị chuyển sang "
            "theo bảng chuyển đổi chỉ tiêu từ bộ cũ sang bộ đã chọn."
        ),
    )

    def create(self, validated_data):
        commune, criteria_set = validated_data["commune_unit"], validated_data["criteria_set"]
        crosswalk = source = None
        if validated_data.get("from_assessment"):
            # Only the commune's own assessments: another commune's id reads as one that does not exist.
            source = Assessment.objects.filter(pk=validated_data["from_assessment"], commune=commune).first()
            if source is None:
                raise serializers.ValidationError(
                    {
                        "from_assessment": _("Xã không có đánh giá mã %(id)s.")
                        % {"id": validated_data["from_assessment"]}
                    }
                )
            crosswalk = Crosswalk.objects.filter(from_set=source.criteria_set_id, to_set=criteria_set).first()
            if crosswalk is None:
                raise serializers.ValidationError(
                    {
                        "from_assessment": _(
                            "Chưa có bảng chuyển đổi chỉ tiêu từ bộ của đánh giá này sang bộ tiêu chí đã chọn."
                        )
                    }
                )
        return services.assessment_create(
            commune=commune,
            criteria_set=criteria_set,
            as_of=validated_data["as_of"],
            copy_from_latest=validated_data["copy_from_latest"],
            by=self.context["request"].user,
            from_crosswalk=crosswalk,
            source=source,
        )


class PassedToServiceField(serializers.Field):
    """A value checked by the entry service (assessments.services.values), not here: its refusals are
    then keyed by indicator code and worded as on the entry page and in a workbook import."""

    def to_internal_value(self, data):
        if not isinstance(data, (str, int, float, bool)) and data is not None:
            raise serializers.ValidationError(_("Giá trị không hợp lệ."))
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "number", "nullable": True, "example": 72.5})
class ResultValueField(PassedToServiceField):
    pass


@extend_schema_field({"type": "boolean", "nullable": True})
class ResultAnswerField(PassedToServiceField):
    pass


class ResultEntrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Mã chỉ tiêu, ví dụ 2.1."))
    value = ResultValueField(
        required=False,
        allow_null=True,
        help_text=_("Giá trị, với chỉ tiêu dạng số: không âm, tối đa 100 nếu là tỷ lệ phần trăm, 3 chữ số thập phân."),
    )
    met = ResultAnswerField(
        required=False, allow_null=True, help_text=_("Đạt / chưa đạt, với chỉ tiêu dạng đạt / chưa đạt.")
    )
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    reason = serializers.CharField(required=False, allow_blank=True, help_text=_("Lý do sửa, lưu vào lịch sử."))


class ResultsUpdateSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1, help_text=REVISION_HELP)
    results = ResultEntrySerializer(many=True, allow_empty=False)

    def validate_results(self, results):
        codes = [entry["code"] for entry in results]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise serializers.ValidationError(
                _("Mỗi chỉ tiêu chỉ được nêu một lần; bị lặp: %(codes)s.") % {"codes": ", ".join(repeated)}
            )
        return results

    def create(self, validated_data):
        entries = {entry.pop("code"): entry for entry in validated_data["results"]}
        services.indicator_results_update(
            assessment=self.context["assessment"],
            entries=entries,
            by=self.context["request"].user,
            expected_revision=validated_data["revision"],
        )
        return self.context["assessment"]


class StepSerializer(serializers.Serializer):
    """A workflow step made from the revision the user saw; subclasses name the service."""

    revision = serializers.IntegerField(min_value=1, help_text=REVISION_HELP)

    def perform(self, assessment, user, **data):
        raise NotImplementedError

    def create(self, validated_data):
        data = dict(validated_data)
        revision = data.pop("revision")
        return self.perform(
            self.context["assessment"], self.context["request"].user, expected_revision=revision, **data
        )


class SubmitSerializer(StepSerializer):
    """The response carries `warnings`: what the submit went through with (services.submit_warnings)."""

    def perform(self, assessment, user, **data):
        submitted = services.assessment_submit(assessment=assessment, by=user, **data)
        self.warnings = services.submit_warnings(submitted)
        return submitted


class WithdrawSerializer(StepSerializer):
    def perform(self, assessment, user, **data):
        return services.assessment_withdraw(assessment=assessment, by=user, **data)


class ApproveSerializer(StepSerializer):
    confirm_unverified = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Bắt buộc là true khi còn chỉ tiêu chưa được phòng, ban rà soát hoặc bị đánh dấu cần xem lại "
            "(người duyệt xác nhận đã xem và vẫn duyệt); nếu không, trả về 400 với code "
            "needs_confirmation và danh sách mã chỉ tiêu trong params.unchecked, params.flagged."
        ),
    )

    def perform(self, assessment, user, **data):
        return services.assessment_approve(assessment=assessment, by=user, **data)


class ReturnSerializer(StepSerializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("Lý do trả lại (bắt buộc)."))

    def perform(self, assessment, user, **data):
        return services.assessment_return(assessment=assessment, by=user, **data)


class ReopenSerializer(StepSerializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("Lý do mở lại (bắt buộc)."))

    def perform(self, assessment, user, **data):
        return services.assessment_reopen(assessment=assessment, by=user, **data)


class VerifySerializer(StepSerializer):
    state = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in (VerificationState.VERIFIED, VerificationState.FLAGGED)],
        help_text=_("verified: đã xác nhận; flagged: cần xem lại (phải có ý kiến)."),
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    def perform(self, assessment, user, **data):
        return services.indicator_verify(result=self.context["result"], by=user, **data)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False, help_text=_("Tệp minh chứng."))

    def create(self, validated_data):
        return services.evidence_file_add(
            result=self.context["result"], upload=validated_data["file"], by=self.context["request"].user
        )


class TimelineChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField(source="user_name")
    subject = serializers.CharField(help_text=_("assessment, result hoặc evidence."))
    action = serializers.CharField(help_text=_("created, changed hoặc deleted."))
    indicator_code = serializers.CharField()
    changes = TimelineChangeSerializer(many=True)
    reason = serializers.CharField()


class IndicatorChangeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    old_value = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True, **DECIMAL)
    new_value = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True, **DECIMAL)
    old_met = serializers.BooleanField(allow_null=True)
    new_met = serializers.BooleanField(allow_null=True)


class PreviousAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = ["id", "as_of"]


class ComparisonSerializer(serializers.Serializer):
    previous = PreviousAssessmentSerializer(allow_null=True, help_text=_("Đánh giá được duyệt trước đó, nếu có."))
    changes = IndicatorChangeSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """A refusal by the services: the translated message, a stable code and its parameters."""

    detail = serializers.CharField()
    code = serializers.CharField(
        help_text=_("Ví dụ: stale, incomplete, invalid_status, not_editable, reason_required, file_type, too_large.")
    )
    params = serializers.DictField(
        help_text=_(
            "Với stale: indicators (các chỉ tiêu đã đổi) và revision (lần sửa hiện tại); "
            "với incomplete: indicators (các chỉ tiêu còn thiếu)."
        )
    )
