"""Query parameters of the monitoring endpoints."""

from gmr_thuis.api.filters import StrictDateFilter, StrictFilterSet, TextFilter
from monitoring.models import AllocationReport, LocalAgreement


class LocalAgreementFilter(StrictFilterSet):
    municipality = TextFilter(field_name="municipality__cbs_code")
    target_group = TextFilter(field_name="target_group__code")

    class Meta:
        model = LocalAgreement
        fields = ["municipality", "target_group", "year"]


class AllocationReportFilter(StrictFilterSet):
    municipality = TextFilter(field_name="municipality__cbs_code")
    target_group = TextFilter(field_name="target_group__code")
    date_from = StrictDateFilter(field_name="date", lookup_expr="gte")
    date_to = StrictDateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = AllocationReport
        fields = ["municipality", "target_group", "date_from", "date_to", "reference"]
