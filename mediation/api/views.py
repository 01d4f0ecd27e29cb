"""The mediation table's endpoint: corporations offer vacant homes, idempotently like
allocation reports (a retry with the same Idempotency-Key returns the first offer), and
withdraw them (`POST .../<id>/withdraw/`)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from gmr_thuis.api.base import ScopedReadOnlyViewSet
from gmr_thuis.api.idempotency import IDEMPOTENCY_HEADER, idempotency_key, idempotent_response
from gmr_thuis.api.schema import ErrorSerializer
from gmr_thuis.permissions import OFFER_HOMES, WITHDRAW_OFFER, can, represented_corporation
from mediation.api.serializers import OfferSerializer
from mediation.models import Offer
from mediation.services import offer_create, offer_withdraw

OFFERED_FIELDS = [
    "municipality",
    "neighbourhood",
    "rooms",
    "accessible",
    "ground_floor",
    "rent",
    "available_from",
    "valid_until",
    "reference",
]


class MediationOfferViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Homes offered to the regional mediation table (a corporation sees its own)."""

    queryset = Offer.objects.select_related("corporation", "municipality", "neighbourhood")
    serializer_class = OfferSerializer
    ordering_fields = ["available_from", "created_at", "rent"]
    ordering = ["available_from", "id"]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Any unique string (e.g. a UUID) per offer; a retry with the same "
                "key returns the first offer (200) instead of offering the home twice.",
            )
        ],
        responses={
            201: OfferSerializer,
            200: OfferSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="This Idempotency-Key was used for a different offer."
            ),
        },
        examples=[
            OpenApiExample(
                "Driekamerwoning in Westervoort",
                request_only=True,
                value={
                    "municipality": "GM0293",
                    "neighbourhood": "WK029300",
                    "rooms": 3,
                    "accessible": False,
                    "ground_floor": True,
                    "rent": "720.00",
                    "available_from": "2026-12-15",
                    "valid_until": "2027-02-01",
                    "reference": "VIV-2026-118",
                },
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        if not can(request.user, OFFER_HOMES):
            raise exceptions.PermissionDenied(_("Alleen woningcorporaties bieden woningen aan."))
        key = idempotency_key(request, Offer)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer, created = offer_create(
            user=request.user,
            corporation=represented_corporation(request.user),
            values=serializer.validated_data,
            idempotency_key=key,
        )
        offered = {
            "reference": "",
            "neighbourhood": None,
            "accessible": False,
            "ground_floor": False,
            **serializer.validated_data,
        }
        return idempotent_response(
            self.get_serializer, offer, created=created, sent=offered, fields=OFFERED_FIELDS
        )

    @extend_schema(
        request=None,
        responses={
            200: OfferSerializer,
            403: OpenApiResponse(
                ErrorSerializer,
                description="Only the offering corporation (or the project leader) withdraws it.",
            ),
        },
        description="Withdraw a home from the table: it leaves every proposal and the agendas "
        "of meetings still to come. Refused (400) once a decision placed a case in it, or when "
        "it is already withdrawn. Withdrawing twice is therefore a 400, never a second change.",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        offer = self.get_object()
        if not can(request.user, WITHDRAW_OFFER, offer):
            raise exceptions.PermissionDenied(
                _("Alleen de corporatie die de woning aanbood trekt haar in.")
            )
        withdrawn = offer_withdraw(user=request.user, offer=offer)
        return Response(self.get_serializer(withdrawn).data)
