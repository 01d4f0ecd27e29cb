"""Rate limits per token, so one corporation's batch job cannot starve the others.

Counted in fixed windows with one atomic increment per request (Redis INCR when the cache is
Redis), so several web processes together let exactly the budget through. When the cache is
unreachable the limit fails open: the API keeps answering and the log says so.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from gmr_thuis.models import ApiToken

logger = logging.getLogger(__name__)

# Overridable with GMR_API_THROTTLE_RATES in settings; DRF's "<n>/<second|minute|hour|day>".
DEFAULT_THROTTLE_RATES = {"read": "600/minute", "write": "120/minute"}


def take(key: str, budget: int, window: int, *, now: float | None = None) -> tuple[bool, float]:
    """Count one request under `key` in the current window of `window` seconds.

    Returns (allowed, seconds until the window ends). The first request of a window creates
    the counter with its expiry (add is SET NX EX); every request then increments it atomically.
    """
    now = time.time() if now is None else now
    window_start = int(now // window) * window
    counter = f"{key}:{window_start}"
    cache.add(counter, 0, timeout=window + 1)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr: this request opens the window again
        cache.add(counter, 1, timeout=window + 1)
        count = 1
    return count <= budget, window_start + window - now


class ApiTokenRateThrottle(BaseThrottle):
    """Counts the requests of one token (not one address); reads and writes have own budgets."""

    cache_format = "throttle_%(scope)s_%(ident)s"

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return True
        scope = "read" if request.method in SAFE_METHODS else "write"
        rates = {**DEFAULT_THROTTLE_RATES, **getattr(settings, "GMR_API_THROTTLE_RATES", {})}
        budget, window = SimpleRateThrottle.parse_rate(None, rates[scope])
        key = self.cache_format % {"scope": scope, "ident": f"token-{request.auth.pk}"}
        try:
            allowed, self._wait = take(key, budget, window)
        except Exception:  # the cache (Redis) is down: serve rather than refuse everyone
            logger.warning("API rate limit not counted: the cache is unreachable", exc_info=True)
            return True
        return allowed

    def wait(self):
        return max(getattr(self, "_wait", 1.0), 1.0)
