"""`qadesk import interactions FILE [--format jsonl|csv|zendesk|freshdesk|intercom] [--source NAME]
[--skip-invalid] [--last-wins] [--batch-size N] [--create-missing sop] [--invite] [--new-revision]`;
`qadesk import complaints FILE` (the complaint register: complaints/commands.py);
`qadesk import calls FILE` (the phone line's call records: phoneline/commands.py);
`qadesk import survey-responses FILE [--skip-invalid]` (qadesk/surveys/commands.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qadesk.accounts.management.commands.people import print_invite_report
from qadesk.accounts.models import Agent
from qadesk.accounts.services import people_invite
from qadesk.complaints import commands as complaint_commands
from qadesk.connectors.files import VENDOR_FORMATS, vendor_file_import
from qadesk.core.errors import ApplicationError
from qadesk.imports.parsers import FORMATS
from qadesk.imports.services import BATCH_SIZE, ImportReport, interactions_import_file
from qadesk.phoneline import commands as phoneline
from qadesk.surveys import commands as surveys

CHANGES_SHOWN = 20  # rows whose changes are printed without -v 2


class Command(BaseCommand):
    help = "Import interactions from a JSON Lines or CSV file (see docs/import-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        interactions = sub.add_parser("interactions", help="Interactions with their transcripts.")
        interactions.add_argument("path", help="A .jsonl or .csv file, optionally gzipped (.jsonl.gz).")
        interactions.add_argument(
            "--format",
            dest="fmt",
            choices=FORMATS + VENDOR_FORMATS,
            help="Default: guessed from the extension. zendesk, freshdesk, intercom: a helpdesk's export (docs/connectors.md).",
        )
        interactions.add_argument(
            "--source", help="The interactions' source for a helpdesk export (default: the helpdesk's name)."
        )
        interactions.add_argument("--skip-invalid", action="store_true", help="Commit the valid rows, report the rest.")
        interactions.add_argument(
            "--create-missing",
            action="append",
            choices=["sop"],
            default=[],
            help="Create a placeholder for each unknown SOP code instead of refusing the row.",
        )
        interactions.add_argument(
            "--invite", action="store_true", help="Invite the agents the file gives an e-mail for (people invite)."
        )
        interactions.add_argument(
            "--last-wins",
            action="store_true",
            help="The same source and external_id on several lines: keep the last (default: an error of the later lines).",
        )
        interactions.add_argument(
            "--new-revision",
            action="store_true",
            help="A reviewed transcript whose messages changed or went: store the new one as a revision (the reviews keep "
            "the one they scored) instead of refusing the row.",
        )
        interactions.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help=f"Rows written per batch (default {BATCH_SIZE})."
        )
        complaint_commands.add_import_parser(sub)
        phoneline.add_import_parser(sub)
        surveys.add_import_parser(sub, last_wins=False, batch_size=BATCH_SIZE, create_missing=[], invite=False)

    def handle(
        self,
        *args: Any,
        kind: str,
        path: str,
        fmt: str | None,
        skip_invalid: bool,
        verbosity: int = 1,
        **options: Any,
    ) -> None:
        if kind == surveys.IMPORT_KIND:
            surveys.run_import(self, {"path": path, "fmt": fmt, "skip_invalid": skip_invalid})
            return
        if kind == phoneline.KIND:
            phoneline.run_import(self, path=path, fmt=fmt, skip_invalid=skip_invalid)
            return
        if kind == "complaints":
            complaint_commands.run_import(self, path=path, fmt=fmt, skip_invalid=skip_invalid)
            return
        last_wins, batch_size = options["last_wins"], options["batch_size"]
        try:
            if fmt in VENDOR_FORMATS:
                report = vendor_file_import(
                    path=path,
                    vendor=fmt,
                    source=options.get("source") or fmt,
                    skip_invalid=skip_invalid,
                    last_wins=last_wins,
                    batch_size=batch_size,
                    create_missing=frozenset(options["create_missing"]),
                    new_revision=options["new_revision"],
                )
            else:
                report = interactions_import_file(
                    path_or_stream=path,
                    fmt=fmt,
                    skip_invalid=skip_invalid,
                    last_wins=last_wins,
                    batch_size=batch_size,
                    create_missing=frozenset(options["create_missing"]),
                    new_revision=options["new_revision"],
                )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self._print(report, verbosity)
        if report.undeclared_fields:
            warning = _("Warning: custom fields nobody declared (stored as given; declare them to check their type): {keys}")
            self.stderr.write(warning.format(keys=", ".join(report.undeclared_fields)))
        if not report.committed:
            message = _("Nothing was imported: {rows} rows have errors. Fix them or use --skip-invalid.")
            raise CommandError(message.format(rows=report.refused))
        if report.revised:
            self.stdout.write(
                _("Transcripts revised after review (the reviews keep the one they scored): {ids}").format(
                    ids=", ".join(report.revised)
                )
            )
        if report.sops_created:
            self.stdout.write(_("SOPs to complete: {codes}").format(codes=", ".join(report.sops_created)))
        if options["invite"]:
            people = Agent.objects.filter(username__in=report.people).exclude(email="")
            print_invite_report(self, people_invite(actor=None, agents=people))

    def _print(self, report: ImportReport, verbosity: int) -> None:
        for err in report.errors:
            where = _("line {line}").format(line=err.line)
            self.stderr.write(": ".join(part for part in (where, err.field, err.message) if part))
        if report.error_count > len(report.errors):
            self.stderr.write(_("… and {n} more errors").format(n=report.error_count - len(report.errors)))
        if not report.committed:
            return
        shown = report.changes if verbosity > 1 else report.changes[:CHANGES_SHOWN]
        for change in shown:
            where = _("line {line}").format(line=change.line)
            self.stdout.write(
                _("{where}: {id} updated: {fields}").format(where=where, id=change.external_id, fields=", ".join(change.changed))
            )
        if len(shown) < report.updated:
            self.stdout.write(_("… and {n} more updated (-v 2 lists up to 1,000)").format(n=report.updated - len(shown)))
        if verbosity > 1:
            for kind, label in (("created", _("created")), ("unchanged", _("unchanged")), ("refused", _("refused"))):
                if report.ids[kind]:
                    self.stdout.write("{label}: {ids}".format(label=label, ids=", ".join(report.ids[kind])))
        summary = _("created {created}, updated {updated}, unchanged {unchanged}, skipped {skipped}").format(
            created=report.created, updated=report.updated, unchanged=report.unchanged, skipped=report.skipped
        )
        self.stdout.write(summary)
