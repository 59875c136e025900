"""`qadesk sop import FILE` and `qadesk sop export [FILE] [--code CODE …]`: the SOP catalogue as YAML or JSON."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qadesk.core.documents import document_write
from qadesk.core.errors import ApplicationError
from qadesk.interactions.selectors import sop_catalogue_export
from qadesk.interactions.services import sop_catalogue_import, sop_load_file


class Command(BaseCommand):
    help = "Import the SOP catalogue from a YAML/JSON file (by code; again changes nothing), or export it (docs/sops.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Create or update the SOPs of a file, by code.")
        imp.add_argument("path", help="A .yaml/.yml or .json file.")
        export = sub.add_parser("export", help="Write the catalogue.")
        export.add_argument("path", nargs="?", help="A .yaml/.yml or .json file; YAML to stdout when omitted.")
        export.add_argument("--code", action="append", dest="codes", help="Only this SOP (repeat for more).")

    def handle(self, *args: Any, action: str, path: str | None, **options: Any) -> None:
        try:
            if action == "import":
                self._import(Path(str(path)))
            else:
                self._export(path, options.get("codes"))
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc

    def _import(self, path: Path) -> None:
        report = sop_catalogue_import(document=sop_load_file(path=path))
        for entry, name, message in report.errors:
            self.stderr.write(": ".join(part for part in (entry, name, message) if part))
        if not report.committed:
            raise CommandError(_("Nothing was imported: fix the errors above."))
        self.stdout.write(
            _("SOPs created {created}, updated {updated}, unchanged {unchanged}").format(
                created=len(report.created), updated=len(report.updated), unchanged=len(report.unchanged)
            )
        )

    def _export(self, path: str | None, codes: list[str] | None) -> None:
        document = sop_catalogue_export(codes=codes)
        document_write(document, path=path, stdout=self.stdout)
