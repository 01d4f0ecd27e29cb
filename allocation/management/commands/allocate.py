"""`manage.py allocate --scenario <slug> [--wait]`: start a run, print its id, status and summary."""

import time

from django.core.management.base import BaseCommand, CommandError

from allocation import services
from allocation.models import AllocationRun, RunStatus, Scenario


class Command(BaseCommand):
    help = "Start a fair-share run of a scenario as a job; with --wait, wait and summarise it."

    def add_arguments(self, parser):
        parser.add_argument("--scenario", required=True, help="the scenario's slug")
        parser.add_argument("--wait", action="store_true", help="wait until the run finished")
        parser.add_argument(
            "--timeout", type=float, default=900, help="seconds to wait at most (default 900)"
        )

    def handle(self, *args, scenario, wait, timeout, **options):
        try:
            scenario = Scenario.objects.get(slug=scenario)
        except Scenario.DoesNotExist as exc:
            raise CommandError(f"No scenario with slug {scenario!r}.") from exc
        run = services.allocation_run_start(user=None, scenario=scenario)
        run.refresh_from_db()
        self.stdout.write(f"run {run.pk}: {run.status}")
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
            if time.monotonic() > deadline:
                raise CommandError(f"run {run.pk} still {run.status} after {timeout:.0f} s")
            time.sleep(0.5)
            run = AllocationRun.objects.get(pk=run.pk)
        self.stdout.write(f"run {run.pk}: {run.status}")
        if run.status == RunStatus.FAILED:
            raise CommandError(run.error)
        self.stdout.write(
            f"years {run.first_year}-{run.last_year}, {run.results.count()} results, "
            f"input hash {run.input_hash}, engine {run.engine_version}"
        )
        totals = run.results.values_list("year").order_by("year")
        from django.db.models import Sum

        for year, quota, shortfall in totals.annotate(Sum("quota"), Sum("shortfall")):
            self.stdout.write(f"  {year}: {quota} households allocated, shortfall {shortfall:.1f}")
