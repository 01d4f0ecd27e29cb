"""Serializers of the project pipeline's API."""

from rest_framework import serializers

from projects.models import Project, ProjectStep, ProjectTargetGroup


class EarmarkSerializer(serializers.ModelSerializer):
    target_group = serializers.CharField(source="target_group.code")

    class Meta:
        model = ProjectTargetGroup
        fields = ["target_group", "earmarked_homes"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectStep
        fields = ["phase", "phase_date", "expected_delivery_year", "recorded_at"]


class ProjectSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)
    corporation = serializers.CharField(
        source="corporation.slug", read_only=True, allow_null=True, default=None
    )
    target_groups = EarmarkSerializer(source="earmarks", many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "municipality",
            "neighbourhood_code",
            "name",
            "kind",
            "homes_total",
            "social_rent",
            "mid_rent",
            "owner_occupied",
            "zero_step",
            "clustered",
            "nursing_care",
            "phase",
            "phase_date",
            "plan_year",
            "expected_delivery_year",
            "delivered_on",
            "corporation",
            "developer",
            "target_groups",
            "steps",
            "updated_at",
        ]
