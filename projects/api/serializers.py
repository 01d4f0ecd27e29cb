"""Serializers of the project pipeline's API."""

from drf_spectacular.utils import extend_schema_field
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


class OlderPeopleYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    aged_75_plus = serializers.FloatField()
    aged_85_plus = serializers.FloatField()
    need = serializers.DictField(child=serializers.FloatField(), help_text="Per kind.")
    pipeline = serializers.DictField(
        child=serializers.FloatField(), help_text="Expected homes per kind up to this year."
    )
    gap = serializers.DictField(
        child=serializers.FloatField(), help_text="Need − stock − pipeline."
    )


class OlderPeopleSerializer(serializers.Serializer):
    """A municipality's older people's task (docs/projects.md); estimates unless imported."""

    municipality = serializers.CharField(source="municipality.cbs_code")
    base_year = serializers.IntegerField()
    is_estimate = serializers.BooleanField()
    source = serializers.CharField()
    stock = serializers.SerializerMethodField()
    stock_sources = serializers.DictField(
        source="stock_counted",
        child=serializers.CharField(),
        help_text="Source of each counted stock; a kind not listed has an estimated stock.",
    )
    years = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=serializers.FloatField()))
    def get_stock(self, row):
        return {kind: float(value) for kind, value in row.stock.items()}

    @extend_schema_field(OlderPeopleYearSerializer(many=True))
    def get_years(self, row):
        return [
            {
                "year": year,
                "aged_75_plus": float(row.aged_75_plus[year]),
                "aged_85_plus": float(row.aged_85_plus[year]),
                "need": {kind: float(row.need[(kind, year)]) for kind in row.stock},
                "pipeline": {kind: float(row.pipeline[(kind, year)]) for kind in row.stock},
                "gap": {kind: float(row.gap(kind, year)) for kind in row.stock},
            }
            for year in sorted(row.aged_75_plus)
        ]
