"""`manage.py load_national_dataset`: a synthetic country in the real shape, for benchmarks.

342 municipalities (the real codes and names of 2024) in about 40 regions, the 15 target groups,
6 years of regional tasks, care clients and corporations, every number marked synthetic. With
the GMR data set loaded, the GMR keeps its own 17 municipalities and figures and the other 325
form the remaining regions. Each region gets a scenario on the default methodology and,
with --runs, a computed and approved run.
"""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gmr_thuis.national import national_dataset_load
from municipalities.models import Region
from municipalities.services import FIXTURES_DIR


class Command(BaseCommand):
    help = "Laadt een synthetisch land (342 gemeenten, ± 40 regio's) voor benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, default=40)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--runs", action="store_true", help="compute and approve a run each")

    def handle(self, *args, regions, seed, runs, **options):
        if regions < 1:
            raise CommandError("--regions moet minstens 1 zijn.")
        with tempfile.TemporaryDirectory() as directory:
            summary = national_dataset_load(
                out_dir=Path(directory) / "land",
                regions=regions,
                seed=seed,
                template_dir=FIXTURES_DIR,
                with_runs=runs,
            )
        total = Region.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetisch land geladen: {summary['municipalities']} gemeenten in "
                f"{summary['regions']} synthetische regio's ({total} regio's in totaal)."
            )
        )
