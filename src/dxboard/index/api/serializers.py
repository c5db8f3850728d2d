from rest_framework import serializers

from ..models import Answer, Campaign, Submission


class PublishedResultSerializer(serializers.ModelSerializer):
    """A published campaign with its official ranking (public: unit names and scores, no personal data)."""

    framework = serializers.CharField(source="framework.code")
    framework_version = serializers.IntegerField(source="framework.version")
    kind = serializers.CharField(source="unit_kind")
    computed = serializers.DateTimeField(source="official.created")
    inputs_sha256 = serializers.CharField(source="official.inputs_sha256")
    root = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "name", "period", "kind", "framework", "framework_version", "published_at", "computed",
                  "inputs_sha256", "root", "units"]

    def get_root(self, campaign) -> str:
        return campaign.official.payload["root"]

    def get_units(self, campaign) -> list[dict]:
        from ..results import ranking

        payload = campaign.official.payload
        rows = []
        for row in ranking(campaign.official):
            unit = payload["units"][row["code"]]
            rows.append({"code": row["code"], "name": row["name"], "rank": row["rank"], "points": row["points"],
                         "max_points": row["max"], "value": row["value"], "grade": row["grade"],
                         "rank_interval": row["interval"],
                         "main": {c: unit["values"].get(c) for c in payload["main"]}})
        return rows


class AnswerSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    unit = serializers.CharField(source="submission.unit.code", read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "unit", "indicator", "state", "value", "numerator", "denominator", "choice", "na_reason",
                  "comment", "self_points", "review", "review_note", "verified_points", "version"]
        read_only_fields = ["self_points", "review", "review_note", "verified_points"]


class SubmissionSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    campaign = serializers.CharField(source="campaign.name")
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "campaign", "unit", "status", "submitted_at", "answers"]
