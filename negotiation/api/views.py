"""Read-only endpoints: a negotiation session's outcome, and the building blocks."""

from gmr_thuis.api.base import ScopedReadOnlyViewSet
from negotiation.api.serializers import BuildingBlockSerializer, SessionOutcomeSerializer
from negotiation.models import BuildingBlock, Session


class NegotiationSessionViewSet(ScopedReadOnlyViewSet):
    """Sessions of the negotiation table with their outcome: numbers, exchanges, blocks."""

    queryset = Session.objects.prefetch_related(
        "cells__municipality",
        "cells__target_group",
        "exchanges__taker",
        "exchanges__giver",
        "exchanges__group",
        "exchanges__return_group",
        "building_blocks__owner",
        "building_blocks__municipalities",
        "building_blocks__target_groups",
    ).select_related("adoption")
    serializer_class = SessionOutcomeSerializer
    ordering_fields = ["first_year", "id"]
    ordering = ["-id"]


class BuildingBlockViewSet(ScopedReadOnlyViewSet):
    """Building blocks (bouwstenen): homes or places added, pledged at the table (not those
    of practice sessions, which are play only)."""

    queryset = (
        BuildingBlock.objects.exclude(session__is_practice=True)
        .select_related("owner")
        .prefetch_related("municipalities", "target_groups")
    )
    serializer_class = BuildingBlockSerializer
    ordering_fields = ["year", "homes_added", "id"]
    ordering = ["year", "id"]
