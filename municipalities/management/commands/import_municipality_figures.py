"""Import yearly municipality figures from a CSV or a CBS StatLine export, all or nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gmr_thuis.tabular import check_size
from municipalities.models import Indicator
from municipalities.services import municipality_figures_import


def statline_mapping(text):
    key, _, indicator = text.partition("=")
    if indicator not in Indicator.values:
        raise ValueError(text)
    return key, indicator


class Command(BaseCommand):
    help = (
        "Importeert gemeentecijfers uit een CSV met de kolommen van gmr_municipalities.csv "
        "(plus eventueel share_75_plus, students, ... met <kolom>_source), of uit een CBS "
        "StatLine-export (TypedDataSet, puntkomma's, RegioS en Perioden). Alles of niets."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, help="Jaar van de cijfers zonder kolom 'year'.")
        parser.add_argument(
            "--statline-column",
            action="append",
            type=statline_mapping,
            default=[],
            metavar="KEY=INDICATOR",
            help="Koppel een StatLine-kolom aan een indicator, bv. Woningvoorraad_1=dwellings.",
        )

    def handle(self, *args, file, year, statline_column, **options):
        try:
            check_size(file.stat().st_size)  # before the file is read into memory
            summary = municipality_figures_import(
                user=None,
                content=file.read_bytes(),
                filename=file.name,
                year=year,
                statline_columns=dict(statline_column),
            )
        except OSError as error:
            raise CommandError(f"Kan {file} niet lezen: {error}") from error
        except ValidationError as error:
            raise CommandError("Er is niets geïmporteerd:\n" + "\n".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.created} cijfers toegevoegd, {summary.updated} bijgewerkt"
                + (
                    f", {summary.skipped_regions} regio's buiten de GMR overgeslagen."
                    if summary.skipped_regions
                    else "."
                )
            )
        )
