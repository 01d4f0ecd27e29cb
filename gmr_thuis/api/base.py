"""The base viewset of every API endpoint: token, throttle, pagination, and scoping by role."""

import math

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, mixins, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS

from gmr_thuis.api.authentication import ApiTokenAuthentication
from gmr_thuis.api.errors import api_exception_handler, throttled_error
from gmr_thuis.api.parsers import BoundedJSONParser
from gmr_thuis.api.permissions import HasApiToken
from gmr_thuis.api.throttling import ApiTokenRateThrottle
from gmr_thuis.permissions import CHANGE, VIEW, restrict


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
        try:
            size = int(raw)
        except ValueError:
            size = 0
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

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters


def check_query_parameters(request):
    """Every query parameter of this API has a name and takes one value; a second value, or a
    value without a name, is refused rather than silently ignored."""
    errors = {}
    for name, values in request.query_params.lists():
        if not name.strip():
            errors["query"] = gettext("Een queryparameter zonder naam is ongeldig.")
        elif len(values) > 1:
            errors[name] = gettext("Geef deze parameter één keer mee.")
    if errors:
        raise exceptions.ValidationError(errors)


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
        check_query_parameters(request)

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
    """List and detail of what the token's user may see."""
