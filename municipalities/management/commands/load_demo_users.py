"""Create the demo users, one per role, with the demo password from the README."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from municipalities.services import DEMO_PASSWORD, DEMO_USERS, demo_users_load


class Command(BaseCommand):
    help = "Maakt demo-gebruikers aan, één per rol (alleen met DEBUG aan, tenzij --force)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ook met DEBUG uit: zet bekende wachtwoorden op een productieomgeving.",
        )

    def handle(self, *args, force, **options):
        # Known passwords on a production site would be an open door.
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG staat uit: demo-gebruikers horen niet op productie. Gebruik --force als "
                "u dit echt wilt."
            )
        try:
            demo_users_load()
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        names = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(
            self.style.SUCCESS(f"Demo-gebruikers: {names} (wachtwoord: {DEMO_PASSWORD}).")
        )
