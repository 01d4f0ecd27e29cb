"""Server time per page for the GMR region (17 municipalities) and one national-size region (342).

Both in the real shape: 15 target groups, 6 years, an approved run computed by the engine; the
national region is the synthetic country of `load_national_dataset` as one region.

Run alone: `python -m benchmarks.pages` (a throw-away test database; prints a table). Each page
is timed cold (the first request after the region's page cache went stale) and cached.
"""

import os
import statistics
import time

REPEATS = 5
SIZES = {"GMR": None, "national (synthetic)": 342}
YEAR = 2026


def build(count):
    """The GMR data set (count None) or one synthetic region of `count` municipalities in the
    real shape (15 groups, 6 years), with an approved run and a steering member."""
    import tempfile
    from io import StringIO
    from pathlib import Path

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from allocation.models import AllocationRun, Approval, Scenario
    from allocation.services import allocation_run_approve, allocation_run_execute
    from gmr_thuis.models import Membership, Role
    from gmr_thuis.national import national_dataset_load
    from municipalities.models import Municipality
    from municipalities.services import FIXTURES_DIR

    if count is None:
        call_command("load_gmr_data", stdout=StringIO())
        call_command("load_default_scenario", stdout=StringIO())
        scenario = Scenario.objects.get(slug="gmr-2025-2030")
    else:
        with tempfile.TemporaryDirectory() as directory:
            national_dataset_load(
                out_dir=Path(directory) / "land", regions=1, seed=2026, template_dir=FIXTURES_DIR
            )
        scenario = Scenario.objects.exclude(slug="gmr-2025-2030").get()
    region = scenario.region

    def member(role, username):
        user = get_user_model().objects.create_user(username, password=None)
        Membership.objects.create(user=user, role=role, region=region)
        return user

    leader = member(Role.PROJECT_LEADER, f"pl-bench-{region.slug}")
    run = AllocationRun.objects.create(
        scenario=scenario, first_year=scenario.first_year, last_year=scenario.last_year
    )
    run = allocation_run_execute(run_id=run.pk)
    allocation_run_approve(user=leader, run=run)
    steering = member(Role.STEERING_GROUP, f"sg-bench-{region.slug}")
    assert Approval.objects.filter(run=run, is_current=True).exists()
    places = list(Municipality.objects.filter(region=region).order_by("cbs_code"))
    return run, steering, leader, places[len(places) // 2]


def page_urls(run, place):
    from django.urls import reverse

    return {
        "region dashboard": f"{reverse('dashboards:region')}?run={run.pk}",
        "why this number": reverse(
            "dashboards:explain", args=[run.pk, place.slug, "statushouders", YEAR]
        ),
        "municipality": f"{reverse('dashboards:municipality', args=[place.slug])}?run={run.pk}",
        "map": f"{reverse('dashboards:map')}?run={run.pk}",
        "report": f"{reverse('dashboards:report')}?run={run.pk}",
        "XLSX export": f"{reverse('dashboards:export_xlsx')}?run={run.pk}",
        "monitoring": reverse("monitoring:dashboard"),
    }


def leader_urls(run):
    from django.urls import reverse

    return {"run page": reverse("allocation:run_detail", args=[run.pk])}


def _time(client, url, region_id):
    """(median ms cached, queries cached, ms cold): cold is the first request after the
    region's page cache went stale; cached the median of REPEATS requests after it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gmr_thuis import pagecache

    pagecache.bump(region_id)
    started = time.perf_counter()
    client.get(url)  # cold: computes and fills the page cache
    cold = time.perf_counter() - started
    seconds = []
    for _repeat in range(REPEATS):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(seconds) * 1000, len(queries), cold * 1000


def measure():
    """{(data set, page): (median ms, queries)} on a throw-away database."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    timings = {}
    for label, count in SIZES.items():
        call_command("flush", interactive=False, verbosity=0)
        run, steering, leader, place = build(count)
        if connection.vendor == "postgresql":
            # The planner's statistics of the new rows, as autovacuum keeps them in production:
            # without them PostgreSQL reads thousands of results by nested loops.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for user, urls in ((steering, page_urls(run, place)), (leader, leader_urls(run))):
            client = Client()
            client.force_login(user)
            for url in urls.values():
                client.get(url)  # not timed: the process's first use of each code path
            for page, url in urls.items():
                timings[(label, page)] = _time(client, url, run.scenario.region_id)
    return timings


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gmr_thuis.settings")
    # Keys of this run's own in a shared Redis: nothing cached by an earlier run (same ids).
    os.environ.setdefault("CACHE_KEY_PREFIX", f"pages-{os.getpid()}-{time.time():.0f}")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        timings = measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite (set DATABASE_URL)"
    print(
        f"Pages, {database}: cached = median of {REPEATS} requests from the page cache, "
        "cold = the first request after the region's data changed; goal: each × GMR ≤ 3"
    )
    print(
        f"{'data set':<22} {'page':<18} {'ms cached':>10} {'queries':>8} {'× GMR':>7} "
        f"{'ms cold':>9} {'× GMR':>7}"
    )
    baseline_label = next(iter(SIZES))
    for (label, page), (milliseconds, queries, cold) in timings.items():
        # The ratios to the same page on the GMR data set, measured in this run.
        baseline = timings[(baseline_label, page)]
        print(
            f"{label:<22} {page:<18} {milliseconds:>10.1f} {queries:>8} "
            f"{milliseconds / baseline[0]:>7.2f} {cold:>9.1f} {cold / baseline[2]:>7.2f}"
        )


if __name__ == "__main__":
    main()
