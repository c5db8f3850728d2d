from rest_framework import serializers

from ..models import Report


class ReportSerializer(serializers.ModelSerializer):
    """A report for the office's tools: never the reporter's identity (that stays on the intake page)."""

    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Report
        fields = ["id", "code", "category", "description", "address", "commune", "latitude", "longitude", "urgent",
                  "status", "unit", "deadline", "created_at", "answered_at", "closed_at", "hidden", "flagged",
                  "source"]
        read_only_fields = fields
