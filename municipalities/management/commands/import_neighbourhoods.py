"""Import neighbourhood data: CBS Kerncijfers wijken en buurten, liveability, or boundaries."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from municipalities.models import Region
from municipalities.neighbourhood_services import neighbourhood_file_import

KINDS = ("kerncijfers", "leefbaarheid", "grenzen")


class Command(BaseCommand):
    help = (
        "Importeert wijkgegevens, alles of niets: 'kerncijfers' (CBS Kerncijfers wijken en "
        "buurten, CSV met puntkomma's; --year verplicht), 'leefbaarheid' (CSV met code, jaar, "
        "klasse, eventueel focusgebied en bron) of 'grenzen' (GeoJSON of TopoJSON van de "
        "wijkgrenzen van een regio). Zie docs/neighbourhoods.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, help="Jaar van de kerncijfers.")
        parser.add_argument("--region", default="gmr", help="Regio van de wijkgrenzen (slug).")
        parser.add_argument("--source", default="", help="Bron van de wijkgrenzen.")

    def handle(self, *args, kind, file, year, region, source, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Kan {file} niet lezen: {error}") from error
        try:
            message = self._import(kind, content, file.name, year, region, source)
        except ValidationError as error:
            raise CommandError("Er is niets geïmporteerd:\n" + "\n".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(message))

    def _import(self, kind, content, filename, year, region_slug, source):
        region = Region.objects.filter(slug=region_slug).first()
        if region is None:
            raise CommandError(f"Onbekende regio '{region_slug}'.")
        if kind == "kerncijfers" and year is None:
            raise CommandError("Geef het jaar van de kerncijfers op met --year.")
        return neighbourhood_file_import(
            user=None,
            kind=kind,
            content=content,
            filename=filename,
            region=region,
            year=year,
            source=source,
        )
