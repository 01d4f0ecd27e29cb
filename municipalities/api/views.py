"""Reference-data endpoints: a corporation sees the municipalities where it owns stock."""

from gmr_thuis.api.base import ScopedReadOnlyViewSet
from municipalities.api.filters import MunicipalityFilter, NeighbourhoodFilter, TargetGroupFilter
from municipalities.api.serializers import (
    MunicipalitySerializer,
    NeighbourhoodSerializer,
    TargetGroupSerializer,
)
from municipalities.models import Municipality, Neighbourhood, TargetGroup


class MunicipalityViewSet(ScopedReadOnlyViewSet):
    """Municipalities (gemeenten), looked up by CBS code."""

    queryset = Municipality.objects.all()
    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityFilter
    lookup_field = "cbs_code"
    ordering_fields = ["name", "cbs_code"]
    ordering = ["name"]


class TargetGroupViewSet(ScopedReadOnlyViewSet):
    """Target groups (aandachtsgroepen) with the region's one definition, looked up by code."""

    queryset = TargetGroup.objects.all()
    serializer_class = TargetGroupSerializer
    filterset_class = TargetGroupFilter
    lookup_field = "code"
    ordering_fields = ["sort_order", "code"]
    ordering = ["sort_order", "code"]


class NeighbourhoodViewSet(ScopedReadOnlyViewSet):
    """Districts (wijken) and neighbourhoods (buurten) by CBS code, with their sourced figures."""

    queryset = Neighbourhood.objects.select_related("municipality").prefetch_related("figures")
    serializer_class = NeighbourhoodSerializer
    filterset_class = NeighbourhoodFilter
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    ordering = ["code"]
