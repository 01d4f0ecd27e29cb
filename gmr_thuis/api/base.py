"""The base viewset of every API endpoint: token, throttle, pagination, and scoping by role."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS

from gmr_thuis.api.authentication import ApiTokenAuthentication
from gmr_thuis.api.errors import api_exception_handler
from gmr_thuis.api.permissions import HasApiToken
from gmr_thuis.api.throttling import ApiTokenRateThrottle
from gmr_thuis.permissions import CHANGE, VIEW, restrict


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ScopedViewSet(viewsets.GenericViewSet):
    """Every queryset passes through `restrict(queryset, user, action)`; outsiders get 404.

    Subclasses set `queryset` (with the joins they need) and never override `get_queryset`:
    defining it raises TypeError at import, so no endpoint can skip the scoping.
    """

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasApiToken]
    throttle_classes = [ApiTokenRateThrottle]
    pagination_class = ApiPagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override get_queryset: it does the scoping.")

    def get_queryset(self):
        action = VIEW if self.request.method in SAFE_METHODS else CHANGE
        return restrict(super().get_queryset(), self.request.user, action)

    def get_exception_handler(self):
        return api_exception_handler


class ScopedReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """List and detail of what the token's user may see."""
