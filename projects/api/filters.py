"""Query parameters of the project endpoint, as strict as the schema says."""

from gmr_thuis.api.filters import StrictChoiceFilter, StrictFilterSet, TextFilter
from projects.models import Phase, Project, ProjectKind


class ProjectFilter(StrictFilterSet):
    municipality = TextFilter(field_name="municipality__cbs_code")
    corporation = TextFilter(field_name="corporation__slug")
    kind = StrictChoiceFilter(choices=ProjectKind.choices)
    phase = StrictChoiceFilter(choices=Phase.choices)

    class Meta:
        model = Project
        fields = ["municipality", "kind", "phase", "expected_delivery_year", "corporation"]
