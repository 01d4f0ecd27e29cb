"""Serializers of local agreements, realisation summaries and allocation reports."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gmr_thuis.api.fields import StrictModelSerializer
from gmr_thuis.permissions import restrict
from gmr_thuis.years import validate_date
from monitoring.models import AllocationReport, LocalAgreement
from municipalities.models import Municipality, Neighbourhood, TargetGroup


class LocalAgreementSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)
    target_group = serializers.CharField(source="target_group.code", read_only=True)

    class Meta:
        model = LocalAgreement
        fields = [
            "id",
            "municipality",
            "target_group",
            "year",
            "agreed_number",
            "care_support",
            "corporation_partners",
            "care_partners",
            "notes",
            "updated_at",
        ]


class RealisationSummarySerializer(serializers.Serializer):
    municipality = serializers.CharField(source="cbs_code")
    target_group = serializers.CharField(source="target_group_code")
    year = serializers.IntegerField()
    fair_share = serializers.IntegerField(allow_null=True, help_text="Approved fair share.")
    reported = serializers.IntegerField(
        allow_null=True, help_text="Placements the municipality reported."
    )
    by_corporations = serializers.IntegerField(
        allow_null=True, help_text="Allocations the corporations reported."
    )
    realised = serializers.IntegerField(
        allow_null=True,
        help_text="What monitoring counts: per quarter the municipality's number if it "
        "reported one, else the corporations'.",
    )


class UserScopedSlugField(serializers.SlugRelatedField):
    """A reference by code to an object the requesting user may see; others do not exist."""

    def get_queryset(self):
        return restrict(super().get_queryset(), self.context["request"].user)


class AllocationReportSerializer(StrictModelSerializer):
    municipality = UserScopedSlugField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        help_text=_("CBS-code van een gemeente waar de corporatie bezit heeft."),
    )
    target_group = UserScopedSlugField(slug_field="code", queryset=TargetGroup.objects.all())
    neighbourhood = UserScopedSlugField(
        slug_field="code",
        queryset=Neighbourhood.objects.all(),
        required=False,
        allow_null=True,
        help_text=_(
            "Optioneel: CBS-code van de wijk of buurt van de woning (WK020201, BU02020101); "
            "moet in de gemeente liggen."
        ),
    )
    quarter = serializers.IntegerField(read_only=True)

    class Meta:
        model = AllocationReport
        fields = [
            "id",
            "municipality",
            "target_group",
            "date",
            "count",
            "neighbourhood",
            "reference",
            "quarter",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        # A report date is a day of a plausible year: 0001-01-01 and 9999-12-31 are typing errors.
        extra_kwargs = {"count": {"min_value": 1}, "date": {"validators": [validate_date]}}


class ConcentrationQuerySerializer(serializers.Serializer):
    def to_internal_value(self, data):
        # `?municipality=` is a mistake, not "every municipality" (DRF would drop it silently).
        blank = [name for name in self.fields if name in data and data.get(name) == ""]
        if blank:
            raise serializers.ValidationError(
                {name: [_("Geef een waarde of laat de parameter weg.")] for name in blank}
            )
        return super().to_internal_value(data)

    municipality = serializers.RegexField(
        r"^GM\d{4}$", required=False, help_text=_("CBS-code van de gemeente, bijvoorbeeld GM0202.")
    )
    year = serializers.IntegerField(
        required=False,
        min_value=2020,
        max_value=2040,
        help_text=_("Laatste jaar van de periode (standaard dit jaar)."),
    )
    flagged = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("Alleen opvallende wijken.")
    )


class NeighbourhoodConcentrationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("CBS-code van de wijk of buurt."))
    name = serializers.CharField()
    municipality = serializers.CharField(source="municipality_code")
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    placements = serializers.IntegerField(help_text=_("Plaatsingen met deze wijk in de periode."))
    dwellings = serializers.IntegerField()
    social_rent_dwellings = serializers.IntegerField()
    rate_per_1000 = serializers.FloatField(allow_null=True)
    rate_per_100_social = serializers.FloatField(allow_null=True)
    municipality_rate = serializers.FloatField(allow_null=True)
    region_rate = serializers.FloatField(allow_null=True)
    liveability_class = serializers.IntegerField(allow_null=True)
    focus_area = serializers.BooleanField()
    flagged = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=["concentration", "focus_area", "weak_liveability"])
    )
    reason_text = serializers.CharField()
    is_estimate = serializers.BooleanField(
        help_text=_("Een of meer cijfers van de wijk zijn geschat.")
    )
