"""Query parameters of the reference-data endpoints."""

import django_filters

from municipalities.models import Municipality, Neighbourhood, TargetGroup


class MunicipalityFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Municipality
        fields = ["cbs_code", "name"]


class TargetGroupFilter(django_filters.FilterSet):
    class Meta:
        model = TargetGroup
        fields = ["legally_urgent"]


class NeighbourhoodFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(
        field_name="municipality__cbs_code", help_text="CBS-code van de gemeente, bv. GM0202."
    )

    class Meta:
        model = Neighbourhood
        fields = ["municipality", "kind"]
