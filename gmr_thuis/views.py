"""Project-level views: the home page and the health endpoints."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from gmr_thuis import health
from municipalities import selectors


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
