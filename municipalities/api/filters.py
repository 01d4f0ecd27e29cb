"""Query parameters of the reference-data endpoints."""

from gmr_thuis.api.filters import StrictChoiceFilter, StrictFilterSet, TextFilter
from municipalities.models import Municipality, Neighbourhood, NeighbourhoodKind, TargetGroup


class MunicipalityFilter(StrictFilterSet):
    name = TextFilter(lookup_expr="icontains")

    class Meta:
        model = Municipality
        fields = ["cbs_code", "name"]


class TargetGroupFilter(StrictFilterSet):
    class Meta:
        model = TargetGroup
        fields = ["legally_urgent"]


class NeighbourhoodFilter(StrictFilterSet):
    kind = StrictChoiceFilter(choices=NeighbourhoodKind.choices)
    municipality = TextFilter(
        field_name="municipality__cbs_code", help_text="CBS-code van de gemeente, bv. GM0202."
    )

    class Meta:
        model = Neighbourhood
        fields = ["municipality", "kind"]
