"""Load or refresh the GMR data set from fixtures/ (safe to run on every start)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from municipalities.services import FIXTURES_DIR, reference_data_load


class Command(BaseCommand):
    help = "Laadt de GMR-gegevens (gemeenten, cijfers, aandachtsgroepen, opgaven, corporaties)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=FIXTURES_DIR)

    def handle(self, *args, data_dir, **options):
        try:
            counts = reference_data_load(data_dir=data_dir)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"GMR-gegevens geladen ({summary})."))
