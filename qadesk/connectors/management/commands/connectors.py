"""`qadesk connectors list` and `qadesk connectors sync NAME [--new-revision]`: run a connector's sync now, in this process."""

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qadesk.connectors.models import Connector
from qadesk.connectors.selectors import connector_list
from qadesk.connectors.services import connector_sync
from qadesk.core.errors import ApplicationError
from qadesk.core.models import JobStatus


class Command(BaseCommand):
    help = "Helpdesk connectors: list them, or sync one now (see docs/connectors.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Every connector with its cursor and last sync.")
        sync = sub.add_parser("sync", help="Pull what changed since the connector's cursor.")
        sync.add_argument("name", help="The connector's name.")
        sync.add_argument(
            "--new-revision",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="This sync only: an edit of a reviewed transcript replaces it, the scored one kept as a revision "
            "(--no-new-revision: refused and listed). Default: as the connector is set.",
        )

    def handle(self, *args: Any, action: str, name: str = "", new_revision: bool | None = None, **options: Any) -> None:
        if action == "list":
            for connector in connector_list():
                when = connector.last_sync_at.isoformat() if connector.last_sync_at else "-"
                self.stdout.write(f"{connector.name}\t{connector.vendor}\t{when}\t{connector.cursor}")
            return
        found = Connector.objects.filter(name=name).first()
        if found is None:
            raise CommandError(_("No connector named {name}.").format(name=name))
        try:
            sync = connector_sync(connector=found, new_revision=new_revision)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        for err in sync.errors:
            self.stderr.write(": ".join(str(part) for part in (err["id"], err["field"], err["message"]) if part))
        self.stdout.write(sync.log)
        if sync.status != JobStatus.SUCCEEDED:
            raise CommandError(_("The sync stopped; the next one resumes after the last page imported."))
