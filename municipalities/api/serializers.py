"""Serializers of the reference data a corporation reads."""

from rest_framework import serializers

from municipalities.models import Municipality, Neighbourhood, NeighbourhoodFigure, TargetGroup


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


class NeighbourhoodFigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = NeighbourhoodFigure
        fields = ["year", "indicator", "value", "source", "is_estimate"]


class NeighbourhoodSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)
    figures = NeighbourhoodFigureSerializer(many=True, read_only=True)

    class Meta:
        model = Neighbourhood
        fields = ["code", "kind", "name", "municipality", "figures"]
