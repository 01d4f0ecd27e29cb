"""Serializers of the reference data a corporation reads."""

from rest_framework import serializers

from municipalities.models import Municipality, TargetGroup


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["cbs_code", "name", "slug", "main_town", "latitude", "longitude"]


class TargetGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetGroup
        fields = [
            "code",
            "name_nl",
            "name_en",
            "definition_nl",
            "definition_en",
            "care_support_nl",
            "care_support_en",
            "legally_urgent",
            "legally_urgent_from",
            "unit",
            "sort_order",
        ]
