"""The base viewset of every API endpoint: token, throttle, pagination, and scoping by role."""

import hashlib
import math

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, mixins, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings

from gmr_thuis import pagecache
from gmr_thuis.api.authentication import ApiTokenAuthentication
from gmr_thuis.api.errors import api_exception_handler, throttled_error
from gmr_thuis.api.parsers import BoundedJSONParser
from gmr_thuis.api.permissions import HasApiToken
from gmr_thuis.api.throttling import ApiTokenRateThrottle
from gmr_thuis.permissions import CHANGE, VIEW, membership_of, restrict


class ApiPagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` between 1 and 500, anything else is refused (400).

    DRF would silently fall back to the default for `page_size=abc` and clamp 10000 to the
    maximum; a client then pages wrongly without knowing. The schema says the bounds.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = _("Deze pagina bestaat niet.")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = int(raw) if raw.isascii() and raw.isdigit() else 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: gettext(
                        "Geef een geheel getal van 1 tot en met %(max)s."
                    )
                    % {"max": self.max_page_size}
                }
            )
        return size

    # The schema says `page` is an integer from 1; DRF's undocumented `page=last` is not.
    last_page_strings = ()

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise exceptions.ValidationError(
                {self.page_query_param: gettext("Geef een paginanummer vanaf 1.")}
            )
        if len(raw) > 18:  # beyond any last page (and beyond what int() reads quickly)
            raise exceptions.NotFound(self.invalid_page_message)
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters


def check_query_parameters(request, known):
    """Every query parameter of this API has a name, is one the endpoint knows, and takes one
    value. Anything else is refused rather than ignored: `?yaer=2026` would otherwise answer
    every year, and the client would take that for the filtered answer."""
    errors = {}
    for name, values in request.query_params.lists():
        if not name.strip():
            errors["query"] = gettext("Een queryparameter zonder naam is ongeldig.")
        elif name not in known:
            errors[name] = gettext("Onbekende parameter; zie het schema onder /api/v1/schema/.")
        elif len(values) > 1:
            errors[name] = gettext("Geef deze parameter één keer mee.")
    if errors:
        raise exceptions.ValidationError(errors)


def cached_api_page(view, request, *, region_id, compute):
    """`compute()`'s page of `view` from the page cache: per data generation, the token
    holder's scope, language, the full URL with its host (for the page links) and the day."""
    return pagecache.cached(
        f"api:{type(view).__name__}",
        region_id=region_id,
        user=request.user,
        parts=(
            hashlib.sha256(request.build_absolute_uri().encode()).hexdigest(),
            timezone.localdate().isoformat(),
        ),
        compute=compute,
    )


class ScopedViewSet(viewsets.GenericViewSet):
    """Every queryset passes through `restrict(queryset, user, action)`; outsiders get 404.

    Subclasses set `queryset` (with the joins they need) and never override `get_queryset`:
    defining it raises TypeError at import, so no endpoint can skip the scoping.
    """

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasApiToken]
    throttle_classes = [ApiTokenRateThrottle]
    pagination_class = ApiPagination
    parser_classes = [BoundedJSONParser]
    filter_backends = [DjangoFilterBackend, OrderingFilter]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override get_queryset: it does the scoping.")

    def get_queryset(self):
        action = VIEW if self.request.method in SAFE_METHODS else CHANGE
        return restrict(super().get_queryset(), self.request.user, action)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Not for a method the endpoint lacks (405) or OPTIONS: those answer about the method.
        if self.action not in (None, "metadata"):
            check_query_parameters(request, self.known_query_parameters())

    def known_query_parameters(self):
        """The query parameters the schema documents for this action (and DRF's `format`)."""
        known = {api_settings.URL_FORMAT_OVERRIDE}
        if self.action != "list":
            return known
        if self.pagination_class is not None:
            paginator = self.paginator
            known |= {paginator.page_query_param, paginator.page_size_query_param}
        filterset_class = getattr(self, "filterset_class", None)
        if DjangoFilterBackend in self.filter_backends and filterset_class is not None:
            known |= set(filterset_class.base_filters)
        if OrderingFilter in self.filter_backends:
            known.add(api_settings.ORDERING_PARAM)
        query_serializer_class = getattr(self, "query_serializer_class", None)
        if query_serializer_class is not None:
            known |= set(query_serializer_class().fields)
        return known

    def throttled(self, request, wait):
        seconds = max(1, math.ceil(wait or 1))
        raise throttled_error(
            seconds,
            gettext("Te veel verzoeken met deze sleutel; probeer het over %(n)s seconden opnieuw.")
            % {"n": seconds},
        )

    def get_exception_handler(self):
        return api_exception_handler


class ScopedReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """List and detail of what the token's user may see.

    A list page of records that pages show (whose every write bumps the page cache's
    generation) is read from the page cache: per data generation, token holder's scope,
    language, full URL (host included, for the page links) and day, so a repeated page costs
    one cache read. Errors (a bad filter, a page past the last) are raised, never stored.
    """

    def list(self, request, *args, **kwargs):
        member = membership_of(request.user)
        if member is None or not pagecache.is_page_data(self.queryset.model):
            return super().list(request, *args, **kwargs)
        data = cached_api_page(
            self,
            request,
            region_id=member.region_id,
            compute=lambda: super(ScopedReadOnlyViewSet, self).list(request, *args, **kwargs).data,
        )
        return Response(data)
