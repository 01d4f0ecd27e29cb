"""Rate limits per token, so one corporation's batch job cannot starve the others."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from gmr_thuis.models import ApiToken

# Overridable with GMR_API_THROTTLE_RATES in settings; DRF's "<n>/<second|minute|hour|day>".
DEFAULT_THROTTLE_RATES = {"read": "600/minute", "write": "120/minute"}


class ApiTokenRateThrottle(SimpleRateThrottle):
    """Counts the requests of one token (not one address); reads and writes have own budgets."""

    def __init__(self):
        # The scope depends on the request's method, so the rate is parsed in allow_request.
        pass

    def allow_request(self, request, view):
        self.scope = "read" if request.method in SAFE_METHODS else "write"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        rates = {**DEFAULT_THROTTLE_RATES, **getattr(settings, "GMR_API_THROTTLE_RATES", {})}
        return rates[self.scope]

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.pk}"}
