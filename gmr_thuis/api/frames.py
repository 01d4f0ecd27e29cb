"""Endpoints whose rows come from a selector's frame: municipality × target group × year cells."""

import hashlib
import json

from django.db.models import QuerySet
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from gmr_thuis.api.base import ScopedViewSet, cached_api_page
from gmr_thuis.api.fields import FullRegexField, QueryIntegerField
from gmr_thuis.permissions import membership_of
from municipalities.models import Municipality

# The region's horizon runs to 2030; a wider window catches typos without refusing history.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# A year of that window, written out so the schema's pattern says what is accepted.
YEAR_PATTERN = r"(20\d\d|2100)"
PERIOD_PATTERN = rf"^{YEAR_PATTERN}-{YEAR_PATTERN}$"


class CellQuerySerializer(serializers.Serializer):
    """The query parameters every cell endpoint understands."""

    municipality = FullRegexField(
        r"^GM\d{4}$", required=False, help_text=_("CBS-code van de gemeente, bijvoorbeeld GM0293.")
    )
    target_group = FullRegexField(
        r"^[-a-zA-Z0-9_]+$", required=False, help_text=_("Code van de aandachtsgroep.")
    )
    year = QueryIntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    period = FullRegexField(
        PERIOD_PATTERN,
        required=False,
        help_text=_(
            "Eerste en laatste jaar, bijvoorbeeld 2026-2030; een periode die eindigt voor ze "
            "begint bevat geen jaren."
        ),
    )

    def validate_period(self, value):
        # The pattern bounds both years; a reversed period is valid and empty, like a year
        # outside the period, so every value the schema allows is answered.
        first, last = (int(part) for part in value.split("-"))
        return range(first, last + 1)

    def years(self):
        """The years asked for (year and period together: the year if it lies in the period)."""
        data = self.validated_data
        if "year" not in data and "period" not in data:
            return None
        years = set(data.get("period", range(FIRST_YEAR, LAST_YEAR + 1)))
        if "year" in data:
            years &= {data["year"]}
        return sorted(years)


def cell_query_serializer(name, orderings):
    """The query serializer of one endpoint, whose `ordering` lists that endpoint's columns."""
    choices = [choice for column in orderings for choice in (column, f"-{column}")]
    ordering = serializers.ChoiceField(choices=choices, required=False)
    return type(name, (CellQuerySerializer,), {"ordering": ordering})


def digest_of(data) -> str:
    """The digest of a response's data that its ETag carries."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def with_etag(request, response, digest=None):
    """Tag the response with a digest of its data (`digest`, when it is known already); answer
    304 when the client has it already."""
    etag = quote_etag(digest or digest_of(response.data))
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Authorization"}
    known = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in known or "*" in known:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
    for name, value in headers.items():
        response[name] = value
    return response


class CellFrameViewSet(mixins.ListModelMixin, ScopedViewSet):
    """A list of cells from a frame, limited to the municipalities the user may see.

    The scoped queryset is that of the municipalities; subclasses compute the cells for them in
    `cells(municipality_ids=..., years=...)`: a queryset of dicts (filtered, ordered and paged
    in SQL) or a frame (in pandas), with keys cbs_code and target_group_code; subclasses
    name the columns a client may order by in `orderings` (API name -> column).
    """

    queryset = Municipality.objects.all()
    filter_backends = []
    orderings = {"year": "year", "municipality": "cbs_code", "target_group": "target_group_code"}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.query_serializer_class = cell_query_serializer(
            cls.__name__.removesuffix("ViewSet") + "Query", cls.orderings
        )
        extend_schema_view(
            list=extend_schema(
                parameters=[cls.query_serializer_class],
                responses={
                    200: cls.serializer_class(many=True),
                    304: OpenApiResponse(description=_("Niet gewijzigd: de ETag klopt nog.")),
                },
            )
        )(cls)

    def cells(self, *, municipality_ids, years):
        raise NotImplementedError

    def _order(self, ordering):
        """The sort columns and directions: the asked column, then a fixed tie-break order."""
        column = self.orderings[ordering.lstrip("-")]
        # A fixed secondary order, so pages never shuffle rows between requests.
        tie_breakers = [c for c in ("year", "cbs_code", "target_group_code") if c != column]
        return [column, *tie_breakers], [not ordering.startswith("-"), *[True] * len(tie_breakers)]

    def list(self, request, *args, **kwargs):
        # A plain dict, not the QueryDict: DRF reads an empty form value ("?year=") as omitted.
        query = self.query_serializer_class(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        self.paginator.get_page_size(request)  # a bad page size is refused, never cached
        member = membership_of(request.user)
        # A page of cells changes only with the region's data: read from the page cache, its
        # cost is one cache read however many cells.
        data, digest = cached_api_page(
            self,
            request,
            region_id=member.region_id if member is not None else "none",
            compute=lambda: self._tagged_page(request, query),
        )
        return with_etag(request, Response(data), digest)

    def _tagged_page(self, request, query):
        """(the page's data, its digest): the digest is computed once, with the page."""
        data = self._page(request, query).data
        return data, digest_of(data)

    def _page(self, request, query):
        municipalities = self.get_queryset()
        if "municipality" in query.validated_data:
            municipalities = municipalities.filter(cbs_code=query.validated_data["municipality"])
        cells = self.cells(municipality_ids=municipalities.values("pk"), years=query.years())
        group = query.validated_data.get("target_group")
        columns, ascending = self._order(query.validated_data.get("ordering", "year"))
        if isinstance(cells, QuerySet):
            # Filter, order and slice in the database: a page costs its size, not all cells.
            if group is not None:
                cells = cells.filter(target_group_code=group)
            cells = cells.order_by(
                *[
                    column if up else f"-{column}"
                    for column, up in zip(columns, ascending, strict=True)
                ]
            )
            page = self.paginate_queryset(cells)
        else:
            if group is not None:
                cells = cells[cells["target_group_code"] == group]
            cells = cells.sort_values(columns, ascending=ascending)
            page = self.paginate_queryset(cells.to_dict("records"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
