"""Query parameters of the reference-data endpoints."""

import django_filters

from municipalities.models import Municipality, TargetGroup


class MunicipalityFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Municipality
        fields = ["cbs_code", "name"]


class TargetGroupFilter(django_filters.FilterSet):
    class Meta:
        model = TargetGroup
        fields = ["legally_urgent"]
