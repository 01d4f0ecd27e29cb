"""`manage.py allocate --scenario <slug> [--wait]`: start a run, print its id, status and summary."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum

from allocation import selectors, services
from allocation.models import RunStatus, Scenario

# Target groups count in their own unit (TargetGroup.unit, stored in Dutch); the command speaks
# English, so known units are named in English and any other unit is shown as stored.
UNITS_IN_ENGLISH = {
    "huishoudens": "households",
    "personen": "persons",
    "wooneenheden": "housing units",
    "standplaatsen": "caravan pitches",
    "woningen": "dwellings",
}


def _per_unit(totals: dict[str, int]) -> str:
    return ", ".join(
        f"{total} {UNITS_IN_ENGLISH.get(unit, unit)}"
        for unit, total in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    )


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
        # Without a broker the job already ran in this process, so the status may be final.
        self.stdout.write(f"Run {run.pk} of scenario {scenario.slug}: {run.status}.")
        if not wait:
            return
        reported = run.status
        finished = selectors.run_finished(run, timeout=timeout)
        if finished is None:
            run.refresh_from_db()
            raise CommandError(f"Run {run.pk} still {run.status} after {timeout:.0f} s.")
        run = finished
        if run.status != reported:
            self.stdout.write(f"Run {run.pk}: {run.status}.")
        if run.status == RunStatus.FAILED:
            raise CommandError(run.error)
        self.stdout.write(
            f"Years {run.first_year}–{run.last_year}: {run.results.count()} results, "
            f"engine {run.engine_version}, input hash {run.input_hash}."
        )
        self.stdout.write("Fair share per year, each target group counted in its own unit:")
        totals = {}
        shortfalls = {}
        rows = (
            run.results.values_list("year", "target_group__unit")
            .order_by("year", "target_group__unit")
            .annotate(Sum("quota"), Sum("shortfall"))
        )
        for year, unit, quota, shortfall in rows:
            totals.setdefault(year, {})[unit] = quota
            shortfalls[year] = shortfalls.get(year, 0.0) + shortfall
        for year, per_unit in totals.items():
            self.stdout.write(f"  {year}: {_per_unit(per_unit)}; shortfall {shortfalls[year]:.1f}")
