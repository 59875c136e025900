"""`qadesk token create USERNAME [--name NAME] [--expires-in-days N]`: issue a personal API token."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadesk.accounts.models import User
from qadesk.accounts.services import api_token_create
from qadesk.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create a personal API token for a user; the key is printed once. Owners list and revoke theirs on /account/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--expires-in-days", type=int, default=None, help="Default: never expires (until revoked).")

    def handle(self, *args: Any, username: str, name: str, expires_in_days: int | None, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            token, key = api_token_create(user=user, name=name, expires_in_days=expires_in_days)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(key)
        if token.expires_at is not None:
            self.stderr.write(f"Expires {token.expires_at.isoformat(timespec='minutes')}.")
