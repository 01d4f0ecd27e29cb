"""Query parameters of the reference-data endpoints."""

from gmr_thuis.api.filters import StrictFilterSet, TextFilter
from municipalities.models import Municipality, TargetGroup


class MunicipalityFilter(StrictFilterSet):
    name = TextFilter(lookup_expr="icontains")

    class Meta:
        model = Municipality
        fields = ["cbs_code", "name"]


class TargetGroupFilter(StrictFilterSet):
    class Meta:
        model = TargetGroup
        fields = ["legally_urgent"]
