"""Issue an API token for a user and print its key, which is shown only this once."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gmr_thuis.tokens import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for USERNAME and print the key (read-only unless --write)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--write", action="store_true", help="The token may report data.")
        parser.add_argument("--days", type=int, default=None, help="Valid for this many days.")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, username, write, days, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        # The operator at the command line issues (issued_by=None): they hold the database already.
        token, key = api_token_issue(
            issued_by=None,
            user=user,
            name=name or f"command line {timezone.now():%Y-%m-%d}",
            can_write=write,
            expires_at=expires_at,
        )
        access = "read and write" if write else "read-only"
        until = f"until {expires_at:%Y-%m-%d %H:%M}" if expires_at else "without expiry"
        self.stdout.write(f"Token {token.prefix}… for {user} ({access}, {until}). Key:")
        self.stdout.write(key)
