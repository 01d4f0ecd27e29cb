"""Warm the cached pages of a run before anyone asks for them.

A run that finished or was approved is read by everyone of its region at once (a steering-group
meeting opens the dashboard together). Its pages are computed once per reader's scope and
language; this computes them in a worker, one representative member per scope, so the first
reader of each scope already finds them. Warming only pays where the cache is shared by the
web processes (Redis); with a per-process memory cache the worker's values help no one, so
`warm_after_commit` then does nothing (the tests' private memory cache included).
"""

import logging

from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from gmr_thuis import pagecache

logger = logging.getLogger(__name__)

# The pages warmed for each year of the run: the region dashboard and the report.
PAGES = ("dashboards:region", "dashboards:report")


def scope_representatives(region_id):
    """One active member of the region per scope (role and organisation)."""
    from gmr_thuis.models import Membership

    members = (
        Membership.objects.filter(region_id=region_id, user__is_active=True)
        .select_related("user", "user__membership")
        .order_by("pk")
    )
    seen = {}
    for member in members:
        seen.setdefault(pagecache.scope_of(member.user), member.user)
    return list(seen.values())


def warm_run(run_id) -> int:
    """Compute and cache the run's pages for every scope, language and year; how many."""
    from allocation.models import AllocationRun, RunStatus
    from dashboards import views

    run = AllocationRun.objects.select_related("scenario").get(pk=run_id)
    if run.status != RunStatus.SUCCEEDED:
        return 0
    factory = RequestFactory()
    warmed = 0
    for user in scope_representatives(run.scenario.region_id):
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for year in range(run.first_year, run.last_year + 1):
                    for page in PAGES:
                        request = factory.get(reverse(page), {"run": run.pk, "jaar": year})
                        request.user = user
                        request.LANGUAGE_CODE = language
                        try:
                            response = getattr(views, page.split(":")[1])(request)
                        except Exception:  # a page a scope may not see: nothing to warm
                            logger.info("not warmed: %s for %s", page, user, exc_info=True)
                            continue
                        warmed += response.status_code == 200
    return warmed


def cache_is_shared() -> bool:
    """Whether the web processes and the workers read one cache (not a per-process memory)."""
    return "locmem" not in settings.CACHES["default"]["BACKEND"].lower()


def warm_after_commit(run_id) -> None:
    """Queue the warming of the run's pages once the writing transaction commits."""
    if not cache_is_shared():
        return
    from django.db import transaction

    def send():
        from dashboards.tasks import warm_run_pages

        try:
            warm_run_pages.delay(run_id)
        except Exception:  # a broker that is down costs the first readers time, nothing else
            logger.warning("page warming of run %s not sent", run_id, exc_info=True)

    transaction.on_commit(send)
