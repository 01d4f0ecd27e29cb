"""An approved run of the default scenario for the demo, so that a first look at `make run`
shows fair shares on every page (the civil servant's "Mijn gemeente" included)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from allocation import selectors, services
from allocation.models import Approval, RunStatus


class Command(BaseCommand):
    help = (
        "Berekent en keurt de verdeling van het standaardscenario goed als de demo-projectleider "
        "(alleen met DEBUG aan, tenzij --force). Verandert niets als er al een goedgekeurde "
        "verdeling van dat scenario is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Ook met DEBUG uit: demogegevens op productie."
        )
        parser.add_argument("--timeout", type=float, default=300, help="seconden wachten (300)")

    def handle(self, *args, force, timeout, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG staat uit: een demoberekening hoort niet op productie. Gebruik --force als "
                "u dit echt wilt."
            )
        scenario = services.ensure_default_scenario()
        leader = get_user_model().objects.filter(username="projectleider").first()
        if scenario is None or leader is None:
            raise CommandError("Laad eerst de GMR-gegevens en de demogebruikers.")
        if Approval.objects.filter(run__scenario=scenario).exists():
            self.stdout.write("Demoberekening: er is al een goedgekeurde verdeling.")
            return
        run = services.allocation_run_start(user=leader, scenario=scenario)
        # With Celery eager (the embedded default) the run has finished on commit already.
        finished = selectors.run_finished(run, timeout=timeout)
        if finished is None:
            raise CommandError(f"Berekening {run.pk} is na {timeout:.0f} s nog niet klaar.")
        run = finished
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"Berekening {run.pk} is mislukt: {run.error}")
        services.allocation_run_approve(user=leader, run=run)
        self.stdout.write(
            self.style.SUCCESS(f"Demoberekening {run.pk} van {scenario} berekend en goedgekeurd.")
        )
