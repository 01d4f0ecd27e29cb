"""Serializers of the mediation table's endpoint: homes a corporation offers to the table."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gmr_thuis.api.fields import StrictModelSerializer
from mediation.models import Offer
from monitoring.api.serializers import UserScopedSlugField
from municipalities.models import Municipality, Neighbourhood


class OfferSerializer(StrictModelSerializer):
    municipality = UserScopedSlugField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        help_text=_("CBS-code van een gemeente waar de corporatie bezit heeft."),
    )
    neighbourhood = UserScopedSlugField(
        slug_field="code",
        queryset=Neighbourhood.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Optioneel: CBS-code van de wijk of buurt; moet in de gemeente liggen."),
    )
    corporation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "corporation",
            "municipality",
            "neighbourhood",
            "rooms",
            "accessible",
            "ground_floor",
            "rent",
            "available_from",
            "valid_until",
            "reference",
            "status",
            "created_at",
        ]
        read_only_fields = ["id", "corporation", "status", "created_at"]
