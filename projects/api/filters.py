"""Query parameters of the project endpoint."""

import django_filters

from projects.models import Project


class ProjectFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__cbs_code")
    corporation = django_filters.CharFilter(field_name="corporation__slug")

    class Meta:
        model = Project
        fields = ["municipality", "kind", "phase", "expected_delivery_year", "corporation"]
