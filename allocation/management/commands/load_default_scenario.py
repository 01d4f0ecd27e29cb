"""`manage.py load_default_scenario`: the default methodology and scenario "GMR 2025–2030"."""

from django.core.management.base import BaseCommand

from allocation.services import ensure_default_scenario


class Command(BaseCommand):
    help = "Create the default methodology and the scenario GMR 2025–2030 (idempotent)."

    def handle(self, *args, **options):
        scenario = ensure_default_scenario()
        if scenario is None:
            self.stdout.write("No region or target groups loaded yet; run load_gmr_data first.")
        else:
            self.stdout.write(f"Scenario {scenario.slug} ready.")
