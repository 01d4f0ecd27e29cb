"""Query parameters of the monitoring endpoints."""

import django_filters

from monitoring.models import AllocationReport, LocalAgreement


class LocalAgreementFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__cbs_code")
    target_group = django_filters.CharFilter(field_name="target_group__code")

    class Meta:
        model = LocalAgreement
        fields = ["municipality", "target_group", "year"]


class AllocationReportFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__cbs_code")
    target_group = django_filters.CharFilter(field_name="target_group__code")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = AllocationReport
        fields = ["municipality", "target_group", "date_from", "date_to", "reference"]
