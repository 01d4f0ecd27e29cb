"""Serializers of local agreements, realisation summaries and allocation reports."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gmr_thuis.permissions import restrict
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


class AllocationReportSerializer(serializers.ModelSerializer):
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
        extra_kwargs = {"count": {"min_value": 1}}
