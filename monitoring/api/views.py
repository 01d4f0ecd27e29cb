"""Monitoring endpoints: approved local agreements, realisation summaries, allocation reports."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins

from gmr_thuis.api.base import ScopedReadOnlyViewSet, ScopedViewSet
from gmr_thuis.api.frames import CellFrameViewSet
from gmr_thuis.api.idempotency import IDEMPOTENCY_HEADER, idempotency_key, idempotent_response
from gmr_thuis.api.schema import ErrorSerializer
from gmr_thuis.permissions import (
    REPORT_ALLOCATIONS,
    can,
    membership_of,
    published,
    represented_corporation,
)
from monitoring.api.filters import AllocationReportFilter, LocalAgreementFilter
from monitoring.api.selectors import realisation_summary
from monitoring.api.serializers import (
    AllocationReportSerializer,
    ConcentrationQuerySerializer,
    LocalAgreementSerializer,
    NeighbourhoodConcentrationSerializer,
    RealisationSummarySerializer,
)
from monitoring.models import AllocationReport, LocalAgreement
from monitoring.selectors import neighbourhood_concentration
from monitoring.services import allocation_report_create
from municipalities.models import Neighbourhood


class LocalAgreementViewSet(ScopedReadOnlyViewSet):
    """Local agreements the region approved; drafts stay with the municipality."""

    queryset = LocalAgreement.objects.filter(published(LocalAgreement)).select_related(
        "municipality", "target_group"
    )
    serializer_class = LocalAgreementSerializer
    filterset_class = LocalAgreementFilter
    ordering_fields = ["year", "agreed_number", "updated_at"]
    ordering = ["year", "municipality__cbs_code", "target_group__sort_order"]


class RealisationSummaryViewSet(CellFrameViewSet):
    """Per municipality × target group × year: fair share, reported and realised placements."""

    serializer_class = RealisationSummarySerializer
    orderings = {**CellFrameViewSet.orderings, "realised": "realised"}

    def cells(self, *, municipality_ids, years):
        return realisation_summary(
            user=self.request.user, municipality_ids=municipality_ids, years=years
        )


REPORTED_FIELDS = ["municipality", "target_group", "date", "count", "neighbourhood", "reference"]


class AllocationReportViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Allocations (toewijzingen) a corporation reported; they count in monitoring."""

    queryset = AllocationReport.objects.select_related("municipality", "target_group")
    serializer_class = AllocationReportSerializer
    filterset_class = AllocationReportFilter
    ordering_fields = ["date", "created_at", "count"]
    ordering = ["-date", "-id"]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Any unique string (e.g. a UUID) per report; a retry with the same "
                "key returns the first report (200) instead of reporting twice.",
            )
        ],
        responses={
            201: AllocationReportSerializer,
            200: AllocationReportSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="This Idempotency-Key was used for a different report.",
            ),
        },
        examples=[
            OpenApiExample(
                "Twee toewijzingen in Westervoort",
                request_only=True,
                value={
                    "municipality": "GM0293",
                    "target_group": "uitstroom-bw",
                    "date": "2026-02-10",
                    "count": 2,
                    "neighbourhood": "WK029300",
                    "reference": "TW-2026-0042",
                },
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        if not can(request.user, REPORT_ALLOCATIONS):
            raise exceptions.PermissionDenied(_("Alleen woningcorporaties melden toewijzingen."))
        key = idempotency_key(request, AllocationReport)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report, created = allocation_report_create(
            user=request.user,
            corporation=represented_corporation(request.user),
            idempotency_key=key,
            **serializer.validated_data,
        )
        reported = {"reference": "", "neighbourhood": None, **serializer.validated_data}
        return idempotent_response(
            self.get_serializer, report, created=created, sent=reported, fields=REPORTED_FIELDS
        )


class NeighbourhoodConcentrationViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Per neighbourhood: placements of priority groups over the last years, the rates per
    1,000 dwellings and per 100 social-rent dwellings, the municipality's and region's rates,
    and the concentration flags with their reasons (docs/neighbourhoods.md)."""

    queryset = Neighbourhood.objects.all()
    serializer_class = NeighbourhoodConcentrationSerializer
    query_serializer_class = ConcentrationQuerySerializer
    filter_backends = []

    @extend_schema(parameters=[ConcentrationQuerySerializer])
    def list(self, request, *args, **kwargs):
        query = ConcentrationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        neighbourhoods = self.get_queryset()
        if "municipality" in query.validated_data:
            neighbourhoods = neighbourhoods.filter(
                municipality__cbs_code=query.validated_data["municipality"]
            )
        year = query.validated_data.get("year") or timezone.localdate().year
        frame = neighbourhood_concentration(
            user=request.user, region=membership_of(request.user).region, year=year
        )
        frame = frame[
            frame["neighbourhood"].isin(list(neighbourhoods.values_list("pk", flat=True)))
        ]
        if query.validated_data.get("flagged") is not None:
            frame = frame[frame["flagged"] == query.validated_data["flagged"]]
        rows = [
            {**row, "first_year": frame.attrs["first_year"], "last_year": frame.attrs["last_year"]}
            for row in _api_rows(frame)
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _api_rows(frame):
    """The frame's rows with None for missing numbers, and the municipality's CBS code."""
    codes = dict(
        Neighbourhood.objects.filter(pk__in=frame["neighbourhood"].tolist()).values_list(
            "pk", "municipality__cbs_code"
        )
    )
    frame = frame.astype(object).where(frame.notna(), None)
    return [
        {**row, "municipality_code": codes[row["neighbourhood"]], "reasons": list(row["reasons"])}
        for row in frame.to_dict("records")
    ]
