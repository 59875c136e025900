"""What a file import of records other than interactions (calls, complaints) did, and how the CLI says it.

The interaction import has its own, richer report (`services.ImportReport`: ids, changes, revisions); these imports
share the counts, the errors by line and field, and the rule that nothing is committed while a row is refused unless
the user asked for `--skip-invalid`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qadesk.imports.schemas import RowError

MAX_REPORTED_ERRORS = 1000


@dataclass
class RowsImportReport:
    """What an import did, or would have done: rows created, updated, unchanged, skipped (refused rows left out of a
    committed import), and the errors (the first MAX_REPORTED_ERRORS; `error_count` counts them all)."""

    committed: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    refused_lines: set[int] = field(default_factory=set)

    def add_error(self, line: int, field_name: str, message: str) -> None:
        self.error_count += 1
        self.refused_lines.add(line)
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line, field_name, message))


def rows_report_write(command: BaseCommand, report: RowsImportReport, *, extra: str = "") -> None:
    """Print an import's errors (one line each, on stderr), then its counts; a CommandError when nothing was
    committed because rows were refused."""
    for err in report.errors:
        where = _("line {line}").format(line=err.line)
        command.stderr.write(": ".join(part for part in (where, err.field, err.message) if part))
    if not report.committed:
        message = _("Nothing was imported: {rows} rows have errors. Fix them or use --skip-invalid.")
        raise CommandError(message.format(rows=len(report.refused_lines)))
    summary = _("created {created}, updated {updated}, unchanged {unchanged}, skipped {skipped}").format(
        created=report.created, updated=report.updated, unchanged=report.unchanged, skipped=report.skipped
    )
    command.stdout.write(" · ".join(part for part in (summary, extra) if part))
