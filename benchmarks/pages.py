"""Server time per dashboard page for the GMR region (17 municipalities) and a national one (342).

Run alone: `python -m benchmarks.pages` (a throw-away test database; prints a table).
"""

import os
import statistics
import time

REPEATS = 5
SIZES = {"GMR": 17, "national (synthetic)": 342}
GROUPS = [  # code, local, capped, regional task per year
    ("uitstroom-bw", False, True, 120),
    ("statushouders", False, True, 300),
    ("jeugdzorg-leavers", False, True, 60),
    ("vg", False, False, 80),
    ("woonwagenbewoners", True, False, 10),
]
YEAR, DATA_YEAR = 2026, 2024
SOURCE = "benchmark: synthetic estimate"


def build(count):
    """A region of `count` municipalities with figures, an approved run and a steering member."""
    from django.contrib.auth import get_user_model

    from allocation.models import (
        AllocationResult,
        AllocationRun,
        Approval,
        Methodology,
        MethodologyGroupRule,
        RunStatus,
        Scenario,
    )
    from gmr_thuis.models import Membership
    from municipalities.models import (
        Indicator,
        Municipality,
        MunicipalityFigure,
        Region,
        RegionalTask,
        TargetGroup,
    )

    region = Region.objects.create(name=f"Regio {count}", slug=f"regio-{count}")
    places = Municipality.objects.bulk_create(
        Municipality(
            region=region,
            cbs_code=f"GM{count * 10 + number:04d}",  # distinct per data set
            name=f"Gemeente {number:04d}",
            slug=f"gemeente-{count}-{number:04d}",
            latitude=50.8 + (number % 20) * 0.1,
            longitude=3.5 + (number // 20) * 0.2,
        )
        for number in range(1, count + 1)
    )
    MunicipalityFigure.objects.bulk_create(
        MunicipalityFigure(
            municipality=place,
            year=DATA_YEAR,
            indicator=indicator,
            value=value * number,
            source=SOURCE,
            is_estimate=True,
        )
        for number, place in enumerate(places, start=1)
        for indicator, value in (
            (Indicator.INHABITANTS, 10_000),
            (Indicator.SOCIAL_RENT, 1_500),
            (Indicator.TURNOVER, 90),
            (Indicator.NEW_CONSTRUCTION, 5),
        )
    )
    methodology = Methodology.objects.create(name=f"Methode {count}", slug=f"methode-{count}")
    rules, groups = {}, []
    for order, (code, local, capped, amount) in enumerate(GROUPS):
        group, _created = TargetGroup.objects.get_or_create(
            code=code,
            defaults={
                "name_nl": code,
                "name_en": code,
                "definition_nl": "-",
                "definition_en": "-",
                "sort_order": order,
            },
        )
        key = {"inhabitants": 1.0}
        MethodologyGroupRule.objects.create(
            methodology=methodology, target_group=group, key_weights=key, local=local, capped=capped
        )
        rules[code] = {"key": key, "local": local, "correct_for_carried": False, "capped": capped}
        RegionalTask.objects.create(
            region=region, target_group=group, year=YEAR, amount=amount, source=SOURCE
        )
        groups.append((group, local, amount))
    scenario = Scenario.objects.create(
        name=f"Scenario {count}",
        slug=f"scenario-{count}",
        region=region,
        methodology=methodology,
        first_year=YEAR,
        last_year=YEAR,
        data_year=DATA_YEAR,
    )
    run = AllocationRun.objects.create(
        scenario=scenario,
        status=RunStatus.SUCCEEDED,
        first_year=YEAR,
        last_year=YEAR,
        inputs={"methodology": {"cap_share": 1 / 3, "rules": rules}},
    )
    total = sum(range(1, count + 1))
    AllocationResult.objects.bulk_create(
        AllocationResult(
            run=run,
            municipality=place,
            target_group=group,
            year=YEAR,
            key_share=number / total,
            ideal=amount * number / total,
            after_correction=amount * number / total,
            after_cap=amount * number / total,
            quota=round(amount * number / total),
            key_contribution=amount * number / total,
            correction_contribution=0.0,
            cap_contribution=0.0,
            rounding_contribution=round(amount * number / total) - amount * number / total,
            local=local,
        )
        for number, place in enumerate(places, start=1)
        for group, local, amount in groups
    )
    user = get_user_model().objects.create_user(f"stuurgroep-{count}", password="x")
    Membership.objects.create(user=user, role="steering_group", region=region)
    Approval.objects.create(
        run=run, region=region, first_year=YEAR, last_year=YEAR, approved_by=user
    )
    return run, user, places[len(places) // 2]


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
    }


def measure():
    """{(data set, page): (median ms, queries)} on a throw-away database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    timings = {}
    for label, count in SIZES.items():
        run, user, place = build(count)
        client = Client()
        client.force_login(user)
        for page, url in page_urls(run, place).items():
            client.get(url)  # warm caches once
            seconds = []
            for _repeat in range(REPEATS):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                seconds.append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
            timings[(label, page)] = (statistics.median(seconds) * 1000, len(queries))
        # The steering member reads every region: start the next data set from a clean slate.
        from allocation.models import Approval

        Approval.objects.all().delete()
    return timings


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gmr_thuis.settings")
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
    print(f"Dashboard pages, median of {REPEATS} requests ({connection.vendor})")
    print(f"{'data set':<22} {'page':<18} {'ms':>8} {'queries':>8} {'× GMR':>7}")
    baseline_label = next(iter(SIZES))
    for (label, page), (milliseconds, queries) in timings.items():
        # The ratio to the same page on the GMR data set, measured in this run.
        ratio = milliseconds / timings[(baseline_label, page)][0]
        print(f"{label:<22} {page:<18} {milliseconds:>8.1f} {queries:>8} {ratio:>7.2f}")


if __name__ == "__main__":
    main()
