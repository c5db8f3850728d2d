from rest_framework import serializers

from ..models import CRITERIA, Link, Review, ReviewCampaign, System


class SystemSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.code", read_only=True)
    operator = serializers.CharField(source="operator.code", read_only=True, allow_null=True, default=None)
    origin = serializers.CharField(source="origin.code", read_only=True, allow_null=True, default=None)
    datasets = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = System
        fields = ["id", "code", "name", "kind", "purpose", "function", "owner", "operator", "origin", "domain",
                  "level", "stage", "go_live", "retired_on", "decision_number", "decision_date", "funding",
                  "budget_approved", "budget_disbursed", "delivery", "contractor", "hosting", "security_level",
                  "security_status", "security_decision", "security_assessed", "lgsp", "ndxp",
                  "national_databases", "apis", "target_users", "monthly_active_users", "monthly_transactions",
                  "incidents_year", "yearly_cost", "usage_updated", "datasets", "updated"]
        read_only_fields = fields


class UsageSerializer(serializers.ModelSerializer):
    class Meta:
        model = System
        fields = ["monthly_active_users", "monthly_transactions", "incidents_year", "yearly_cost"]


class LinkSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.code", read_only=True)
    target = serializers.SerializerMethodField()

    class Meta:
        model = Link
        fields = ["id", "source", "target", "target_name", "dataset", "channel"]

    def get_target(self, link) -> str | None:
        return link.target.code if link.target_id else None


class ReviewCampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewCampaign
        fields = ["id", "year", "name", "deadline", "status"]


class ReviewSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    system = serializers.CharField(source="system.code", read_only=True)
    merge_with = serializers.SlugRelatedField(slug_field="code", queryset=System.objects.all(), allow_null=True,
                                              required=False)
    total = serializers.FloatField(read_only=True)
    complete = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Review
        fields = ["id", "year", "system", "status", *[f for f, _l in CRITERIA], "total", "findings", "verdict",
                  "merge_with", "follow_up", "follow_up_deadline", "reviewed_at", "complete"]
        read_only_fields = ["status", "reviewed_at"]
