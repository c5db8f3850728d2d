from rest_framework import serializers

from ..models import ExtensionRequest, ProgressReport, Task
from ..status import LABELS


class TaskSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.title", read_only=True)
    plan_id = serializers.IntegerField(read_only=True)
    lead_unit = serializers.CharField(source="lead_unit.code", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    coordinating_units = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)
    status = serializers.ChoiceField(choices=list(LABELS.items()), read_only=True)

    class Meta:
        model = Task
        fields = ["id", "plan_id", "plan", "code", "title", "content", "pillar", "lead_unit", "lead_unit_name",
                  "coordinating_units", "assigned_by", "start_date", "original_deadline", "deadline",
                  "effective_deadline", "expected_output", "indicator_code", "priority", "period_label", "progress",
                  "completed_on", "status"]
        read_only_fields = fields


class ProgressInputSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField()


class ExtensionInputSerializer(serializers.Serializer):
    requested_deadline = serializers.DateField()
    reason = serializers.CharField()


class DeclareInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
    declared_on = serializers.DateField(required=False)


class DecideInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)


class ProgressReportSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")

    class Meta:
        model = ProgressReport
        fields = ["id", "task", "unit", "percent", "text", "created"]


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "task", "requested_deadline", "old_deadline", "reason", "status", "decision_note",
                  "decided_at"]
