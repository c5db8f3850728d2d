from rest_framework import serializers

from ..models import Unit, UnitSuccession


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "valid_from", "valid_to"]


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["code", "official_code", "name", "name_en", "short_name", "kind", "admin_type", "parent",
                  "valid_from", "valid_to", "latitude", "longitude", "area_km2"]


class PredecessionSerializer(serializers.ModelSerializer):
    predecessors = UnitBriefSerializer(many=True, read_only=True)

    class Meta:
        model = UnitSuccession
        fields = ["date", "kind", "legal_basis", "predecessors"]


class SuccessionSerializer(serializers.ModelSerializer):
    successor = UnitBriefSerializer(read_only=True)

    class Meta:
        model = UnitSuccession
        fields = ["date", "kind", "legal_basis", "successor"]


class UnitDetailSerializer(UnitSerializer):
    predecessions = PredecessionSerializer(many=True, read_only=True)
    successions = SuccessionSerializer(many=True, read_only=True)

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "predecessions", "successions"]
