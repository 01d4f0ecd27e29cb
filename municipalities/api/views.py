"""Reference-data endpoints: a corporation sees the municipalities where it owns stock."""

from gmr_thuis.api.base import ScopedReadOnlyViewSet
from municipalities.api.filters import MunicipalityFilter, TargetGroupFilter
from municipalities.api.serializers import MunicipalitySerializer, TargetGroupSerializer
from municipalities.models import Municipality, TargetGroup


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
