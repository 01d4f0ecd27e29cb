"""Fictional demo cases, offered homes and a meeting for the mediation table."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mediation.demo import demo_table_load


class Command(BaseCommand):
    help = (
        "Laadt fictieve democasussen, aangeboden woningen en een overleg voor de "
        "bemiddelingstafel (alleen met DEBUG aan, tenzij --force). Opnieuw draaien verandert niets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Ook met DEBUG uit: demogegevens op productie."
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG staat uit: democasussen horen niet op productie. Gebruik --force als u "
                "dit echt wilt."
            )
        try:
            created = demo_table_load()
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                "Bemiddelingstafel (demo): {cases} casussen, {offers} woningen, {meetings} "
                "overleg nieuw aangemaakt.".format(**created)
            )
        )
