"""Login throttling with django-axes: what is counted and what a locked-out client is told.

Failed logins count per account and per client address, separately: five wrong passwords for
one account lock that account (from anywhere), five failures from one address lock that address
(for every account). The lock lifts `AXES_COOLOFF_TIME` after the last failure. Wrong API keys
count per client address only: a key names no account, and counting them under one shared name
would let anyone lock every corporation out of the API.
"""

import math

from axes.helpers import get_cool_off
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

# The "username" under which wrong API keys are recorded (shown so in the admin's lockout list).
API_KEY_USERNAME = "(API-sleutel)"


def lockout_parameters(request_or_attempt, credentials=None):
    """What a failure is counted under: AXES_LOCKOUT_PARAMETERS as a callable."""
    username = (credentials or {}).get("username") or getattr(request_or_attempt, "username", None)
    if username == API_KEY_USERNAME:
        return ["ip_address"]
    return ["username", "ip_address"]


def lockout_message(cool_off):
    """The Dutch message saying when to try again."""
    retry_at = timezone.localtime(timezone.now() + cool_off)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    return _(
        "Te veel mislukte inlogpogingen. Probeer het opnieuw om %(time)s (over %(minutes)s "
        "minuten)."
    ) % {"time": time_format(retry_at, "H:i"), "minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON on the API, a page elsewhere."""
    cool_off = get_cool_off(request)
    message = lockout_message(cool_off)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"errors": [{"field": None, "message": message, "code": "locked_out"}]}, status=429
        )
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
