"""Read-only representations. Units are always named by (era, code): official codes are reused
across eras, so a code alone is ambiguous."""

import functools
import itertools

from django.db import models
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments import rollup
from assessments.models import Assessment
from assessments.models import Status as AssessmentStatus
from communes.models import AdministrativeUnit, Level, UnitKind, UnitSuccession
from criteria.models import (
    CriteriaSet,
    Criterion,
    Department,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    SetLevel,
    SetStatus,
)

DECIMAL = {"normalize_output": True}


@functools.cache
def _enum_field_class(choices: type[models.Choices], component: str) -> type[serializers.ChoiceField]:
    lines = "\n".join("* `{}` - {}" for _choice in choices.choices)
    schema = {
        "type": "integer" if issubclass(choices, models.IntegerChoices) else "string",
        "enum": list(choices.values),
        "description": format_lazy(lines, *itertools.chain.from_iterable(choices.choices)),
    }
    # Annotate a class, not an instance: DRF rebuilds field instances from their arguments when it
    # copies them; and one class per component, which the schema requires to be a single identity.
    return extend_schema_field(schema, component_name=component)(
        type(f"{component}Field", (serializers.ChoiceField,), {})
    )


def enum_field(choices: type[models.Choices], component: str, **kwargs) -> serializers.ChoiceField:
    """A read-only choice field documented as the named enum `component`.

    Several models share a field name with different choices ("level", "status", "kind"); left
    to itself the schema names enums after the field and has to invent names for the clash.
    """
    return _enum_field_class(choices, component)(choices=choices.choices, read_only=True, **kwargs)


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ["era", "code", "name"]


class UnitChildSerializer(serializers.ModelSerializer):
    kind = enum_field(UnitKind, "UnitKindEnum")

    class Meta:
        model = AdministrativeUnit
        fields = ["era", "code", "name", "kind"]


class UnitUrlMixin(serializers.Serializer):
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, unit: AdministrativeUnit) -> str:
        path = reverse("api:unit", kwargs={"era": unit.era, "code": unit.code})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class UnitListSerializer(UnitUrlMixin, serializers.ModelSerializer):
    kind = enum_field(UnitKind, "UnitKindEnum")
    level = enum_field(Level, "UnitLevelEnum")
    parent = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["era", "code", "name", "kind", "level", "region", "commune_group", "parent", "url"]


class PredecessorSerializer(serializers.ModelSerializer):
    era = serializers.CharField(source="predecessor.era")
    code = serializers.CharField(source="predecessor.code")
    name = serializers.CharField(source="predecessor.name")

    class Meta:
        model = UnitSuccession
        fields = ["era", "code", "name", "partial", "effective"]


class SuccessorSerializer(serializers.ModelSerializer):
    era = serializers.CharField(source="successor.era")
    code = serializers.CharField(source="successor.code")
    name = serializers.CharField(source="successor.name")

    class Meta:
        model = UnitSuccession
        fields = ["era", "code", "name", "partial", "effective"]


class UnitDetailSerializer(UnitListSerializer):
    children = UnitChildSerializer(many=True, read_only=True)
    # succession_from holds the rows where this unit is the successor, i.e. its predecessors.
    predecessors = PredecessorSerializer(source="succession_from", many=True, read_only=True)
    successors = SuccessorSerializer(source="succession_to", many=True, read_only=True)

    class Meta(UnitListSerializer.Meta):
        fields = [
            "era",
            "code",
            "name",
            "kind",
            "level",
            "region",
            "commune_group",
            "valid_from",
            "valid_to",
            "parent",
            "children",
            "predecessors",
            "successors",
            "url",
        ]


class CriteriaSetListSerializer(serializers.ModelSerializer):
    level = enum_field(SetLevel, "SetLevelEnum")
    status = enum_field(SetStatus, "SetStatusEnum")
    province = UnitRefSerializer(read_only=True, allow_null=True)
    derived_from = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    criteria_count = serializers.IntegerField(read_only=True)
    indicator_count = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:criteria_set", lookup_field="code")

    class Meta:
        model = CriteriaSet
        fields = [
            "code",
            "name",
            "level",
            "status",
            "decision_number",
            "decision_date",
            "effective_date",
            "period_start",
            "period_end",
            "province",
            "derived_from",
            "version",
            "criteria_count",
            "indicator_count",
            "url",
        ]


class IndicatorTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["region", "commune_group", "year", "operator", "value", "text", "unit"]
        extra_kwargs = {"value": DECIMAL}


class IndicatorSerializer(serializers.ModelSerializer):
    kind = enum_field(IndicatorKind, "IndicatorKindEnum")
    targets = IndicatorTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "kind",
            "operator",
            "target_value",
            "target_text",
            "unit",
            "evidence_guidance",
            "verified",
            "confidence",
            "sources",
            "note",
            "targets",
        ]
        extra_kwargs = {"target_value": DECIMAL}


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name"]


class CriterionGroupSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="group_number", allow_null=True)
    name = serializers.CharField(source="group_name")

    class Meta:
        model = Criterion
        fields = ["number", "name"]


class CriterionSerializer(serializers.ModelSerializer):
    group = CriterionGroupSerializer(source="*", read_only=True)
    department = DepartmentSerializer(read_only=True, allow_null=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["number", "name", "group", "department", "name_verified", "sources", "note", "indicators"]


class CriteriaSetDetailSerializer(CriteriaSetListSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta(CriteriaSetListSerializer.Meta):
        fields = [
            *CriteriaSetListSerializer.Meta.fields,
            "issuer",
            "signer",
            "appendix",
            "is_synthetic",
            "notes",
            "stated_criteria_count",
            "stated_indicator_count",
            "completeness",
            "criteria",
        ]


class UnmetCriterionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    codes = serializers.ListField(child=serializers.CharField(), help_text=_("Các chỉ tiêu chưa đạt của tiêu chí."))


class UndeterminedSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    codes = serializers.ListField(
        child=serializers.CharField(), help_text=_("Các chỉ tiêu đã nhập giá trị nhưng chưa có ngưỡng áp dụng.")
    )


class MetCriterionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()


class SummarySerializer(serializers.ModelSerializer):
    """The stored summary of one assessment; `context["language"]` picks the sentence's language.

    `sentence` lists what is not met, `sentence_met` what is met (reports of communes far from the
    standard use the latter); `set_complete` is false when the set holds less than its decision states.
    """

    commune = UnitRefSerializer(read_only=True)
    criteria_set = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assessment_id = serializers.IntegerField(source="id", read_only=True)
    status = enum_field(AssessmentStatus, "AssessmentStatusEnum")
    unmet = UnmetCriterionSerializer(many=True, read_only=True)
    undetermined = UndeterminedSerializer(many=True, read_only=True)
    met = serializers.SerializerMethodField()
    sentence = serializers.SerializerMethodField()
    sentence_met = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "commune",
            "criteria_set",
            "assessment_id",
            "as_of",
            "status",
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
            "met",
            "sentence",
            "sentence_met",
        ]
        extra_kwargs = {
            "set_complete": {
                "help_text": _(
                    "false khi bộ tiêu chí có ít tiêu chí, chỉ tiêu hơn quyết định "
                    "hoặc có chỉ tiêu chưa có ngưỡng: khi đó không bao giờ “đạt chuẩn”."
                )
            },
            "indicators_stated": {"help_text": _("Số chỉ tiêu theo quyết định (null khi chưa rõ).")},
        }

    def _names(self, assessment: Assessment) -> dict[int, str]:
        cache = self.context.setdefault("_criteria_names", {})
        if assessment.criteria_set_id not in cache:
            cache[assessment.criteria_set_id] = dict(
                Criterion.objects.filter(criteria_set_id=assessment.criteria_set_id).values_list("number", "name")
            )
        return cache[assessment.criteria_set_id]

    @extend_schema_field(MetCriterionSerializer(many=True))
    def get_met(self, assessment: Assessment) -> list[dict]:
        return rollup.met_criteria(assessment.summary, self._names(assessment))

    def get_sentence(self, assessment: Assessment) -> str:
        return assessment.sentence(self.context.get("language"))

    def get_sentence_met(self, assessment: Assessment) -> str:
        return rollup.sentence_met(assessment.summary, self._names(assessment), self.context.get("language"))


class SummaryQuerySerializer(serializers.Serializer):
    """The summary endpoint's query parameters."""

    set = serializers.CharField(
        help_text=_("Mã bộ tiêu chí, ví dụ qd318-ntm-2021-2025."),
        error_messages={
            "required": _("Hãy cho biết mã bộ tiêu chí (tham số set)."),
            "blank": _("Hãy cho biết mã bộ tiêu chí (tham số set)."),
        },
    )
    status = serializers.ChoiceField(
        choices=["approved", "any"],
        default="approved",
        help_text=_("approved: đánh giá đã duyệt mới nhất (mặc định); any: đánh giá mới nhất ở mọi trạng thái."),
        error_messages={"invalid_choice": _("Tham số status chỉ nhận approved hoặc any.")},
    )
