"""Project-level views: the landing after login, the home page and the health endpoints."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from gmr_thuis import health
from gmr_thuis.permissions import HANDLE_INBOX, can, membership_of, represented_municipality
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
