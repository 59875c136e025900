"""`qadesk token create USERNAME [--name NAME]`: issue a personal API token."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadesk.accounts.models import User
from qadesk.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user; the key is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        _token, key = api_token_create(user=user, name=name)
        self.stdout.write(key)
