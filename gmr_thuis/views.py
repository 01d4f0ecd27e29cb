"""Project-level views: the landing after login, the home page, the second factor's set-up and
the health endpoints."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from gmr_thuis import health, second_factor
from gmr_thuis.forms import SecondFactorConfirmForm
from gmr_thuis.permissions import (
    HANDLE_INBOX,
    can,
    may_set_up_second_factor,
    membership_of,
    represented_municipality,
)
from municipalities import selectors


@login_required
def start(request):
    """After login each role lands on its own page: a civil servant on "Mijn gemeente", the
    project leader on the inbox, the steering group and corporations on the dashboard."""
    if represented_municipality(request.user) is not None:
        return redirect("monitoring:my_municipality")
    if can(request.user, HANDLE_INBOX):
        return redirect("monitoring:inbox")
    if membership_of(request.user) is not None:
        return redirect("dashboards:region")
    return redirect("home")


@login_required
def home(request):
    rows = selectors.municipality_overview(user=request.user)
    return render(request, "home.html", {"rows": rows})


@never_cache
@login_required
def second_factor_setup(request):
    """Staff set up the authenticator app: the secret as text, then a code to confirm it."""
    if not may_set_up_second_factor(request.user):
        raise Http404
    form = SecondFactorConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.totp_device_confirm(
                user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            # This session has just given a code; other sessions of the account must log in again.
            otp_login(request, device)
            messages.success(
                request, _("Tweestapsverificatie staat aan: bij het inloggen vragen we de code.")
            )
            return redirect("second_factor")
    confirmed = second_factor.confirmed_device(request.user)
    pending = second_factor.totp_device_pending(user=request.user)
    response = render(
        request,
        "registration/second_factor.html",
        {
            "confirmed": confirmed,
            "secret": second_factor.secret_of(pending),
            "config_url": pending.config_url,
            "form": form,
        },
    )
    response["Cache-Control"] = "no-store, private"
    return response


def _health_response(report):
    status = 200 if all(part["ok"] for part in report.values()) else 503
    return JsonResponse({"ok": status == 200, **report}, status=status)


@never_cache
def healthz(request):
    """Liveness for load balancers: cheap, on pooled connections."""
    return _health_response(health.check_all())


@never_cache
def readyz(request):
    """Readiness: the database and a fresh connection to Celery's broker."""
    return _health_response(health.check_ready())
