"""Project-level views: the home page and the health endpoint."""

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


@never_cache
def healthz(request):
    report = health.check_all()
    status = 200 if all(part["ok"] for part in report.values()) else 503
    return JsonResponse({"ok": status == 200, **report}, status=status)
