"""Query parameters of the reference-data endpoints."""

import django_filters

from gmr_thuis.api.filters import StrictFilterSet
from municipalities.models import Municipality, TargetGroup


class MunicipalityFilter(StrictFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Municipality
        fields = ["cbs_code", "name"]


class TargetGroupFilter(StrictFilterSet):
    class Meta:
        model = TargetGroup
        fields = ["legally_urgent"]
