"""The import page's work: keep an uploaded file, check it (every error, nothing written), map a CSV's columns, and
import it in the background with a progress bar — all through the one import service (`interactions_import`).

docs/import-format.md, "Importing on the page".
"""

from __future__ import annotations

import gzip
import io
import json
import logging
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.connectors.files import VENDOR_FORMATS, vendor_rows
from qadesk.core.errors import ApplicationError, Conflict
from qadesk.core.models import JobRun, JobStatus
from qadesk.core.services import job_enqueue
from qadesk.imports.mapping import header_of, mapped_csv_rows, mapping_problems, mapping_suggested, preview_of
from qadesk.imports.models import CsvMapping, ImportUpload, UploadFormat
from qadesk.imports.parsers import GZIP_MAGIC, Row, UnreadableRow, file_rows, guess_format, json_record, readable
from qadesk.imports.services import ImportReport, import_check_allowed, interactions_import
from qadesk.interactions.models import Label

logger = logging.getLogger(__name__)

JOB_KIND = "import"
CHECK_KIND = "import-check"
PREVIEW_ROWS = 10
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # the page's limit; bigger files go through `qadesk import` (no limit)
PROGRESS_EVERY = 500  # rows between two progress notes


class _DryRun(Exception):
    """Raised to undo a check's writes: the check runs the real import and throws its work away."""


@transaction.atomic
def upload_create(*, actor: User, stream: IO[bytes], name: str, fmt: str | None, source: str) -> ImportUpload:
    """Keep an uploaded file (compressed) with its format, guessed from the name when not given, then check it."""
    import_check_allowed(actor=actor)
    fmt = fmt or guess_format(name)
    if fmt not in UploadFormat.values:
        raise ApplicationError(_("Unknown format {fmt}.").format(fmt=fmt))
    raw = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ApplicationError(
            _("The file is larger than {n} MB: import it with the qadesk import command.").format(n=MAX_UPLOAD_BYTES // 2**20)
        )
    if not raw.strip():
        raise ApplicationError(_("The file is empty."))
    content = raw if raw[:2] == GZIP_MAGIC else gzip.compress(raw, compresslevel=6)
    upload = ImportUpload.objects.create(
        name=name[:255], fmt=fmt, source=source, content=content, size=len(raw), created_by=actor
    )
    if fmt == UploadFormat.CSV:
        saved = CsvMapping.objects.filter(source=source).values_list("columns", flat=True).first() if source else None
        try:
            upload.mapping = mapping_suggested(upload_header(upload=upload), saved)
        except ApplicationError as exc:
            upload.check_report = {"problems": [str(exc.message)]}
            upload.save(update_fields=["check_report"])
            return upload
        upload.save(update_fields=["mapping"])
    upload_check_enqueue(upload=upload, actor=actor)
    return upload


def upload_header(*, upload: ImportUpload) -> list[str]:
    """A CSV upload's column names, as its first line gives them."""
    return header_of(_stream(upload).readline())


@transaction.atomic
def upload_map(*, upload: ImportUpload, actor: User, mapping: dict[str, str]) -> ImportUpload:
    """Set a CSV upload's column mapping, save it for the upload's source (the next file of that source gets it), and
    check the file again through it."""
    import_check_allowed(actor=actor)
    _refuse_if_started(upload)
    upload.mapping = {column: mapping.get(column, "") for column in upload_header(upload=upload)}
    upload.save(update_fields=["mapping"])
    if upload.source:
        CsvMapping.objects.update_or_create(source=upload.source, defaults={"columns": upload.mapping, "updated_by": actor})
    upload_check_enqueue(upload=upload, actor=actor)
    return upload


def upload_rows(*, upload: ImportUpload, raw: IO[bytes] | None = None) -> Iterator[Row]:
    """The upload's import rows: a CSV through its mapping, a helpdesk export through that helpdesk's mapping. `raw`:
    the stored bytes to read them from (by default a fresh stream of them)."""
    stream = readable(raw or io.BytesIO(bytes(upload.content)), name=upload.name)
    if upload.fmt in VENDOR_FORMATS:
        labels = frozenset(Label.objects.values_list("code", flat=True))
        return vendor_rows(stream, vendor=upload.fmt, source=upload.source or upload.fmt, labels=labels, name=upload.name)
    if upload.fmt == UploadFormat.CSV:
        return mapped_csv_rows(stream, mapping=upload.mapping, source=upload.source)
    return file_rows(stream, "jsonl")


def upload_check_enqueue(*, upload: ImportUpload, actor: User) -> JobRun | None:
    """Queue the check of an upload (after the current transaction commits); a CSV whose mapping lacks a required
    field is not checked: its problems are noted at once."""
    problems = mapping_problems(upload.mapping, has_source=bool(upload.source)) if upload.fmt == UploadFormat.CSV else []
    if problems:
        upload.check_report, upload.check_job = {"problems": problems}, None
        upload.save(update_fields=["check_report", "check_job"])
        return None
    job = JobRun.objects.create(kind=CHECK_KIND, created_by=actor, params={"upload": upload.pk, "name": upload.name})
    upload.check_report, upload.check_job = {}, job
    upload.save(update_fields=["check_report", "check_job"])
    from qadesk.imports.tasks import check_upload

    # Safe to run twice (it writes nothing but its report): queued again if its worker dies.
    return job_enqueue(job=job, task=check_upload, args=[upload.pk, job.pk], max_attempts=2)


def upload_check(*, upload: ImportUpload, job: JobRun) -> ImportUpload:
    """Run the import of the whole file and undo it: what it would create, update, leave unchanged and refuse, with
    every error (in the language of who checks). The first rows are kept for the preview."""
    job.start()
    note = ProgressNote(job)
    try:
        report = _dry_run(upload, note)
    except ApplicationError as exc:  # the file as a whole cannot be read
        upload.check_report = {"problems": [str(exc.message)]}
    else:
        upload.check_report = {**_summary(report), "preview": _preview(upload), "checked_at": timezone.now().isoformat()}
    finally:
        note.close()
    # Only the latest check writes its report: a check the mapping has replaced since it began ends quietly.
    ImportUpload.objects.filter(pk=upload.pk, check_job=job).update(check_report=upload.check_report)
    problems = upload.check_report.get("problems")
    job.finish(status=JobStatus.FAILED if problems else JobStatus.SUCCEEDED, log="\n".join(problems or []))
    return upload


def _dry_run(upload: ImportUpload, note: ProgressNote) -> ImportReport:
    report = ImportReport()
    try:
        with transaction.atomic():
            # skip_invalid: the valid rows are written too (and undone), so the counts say what the import would do.
            # How many rows the file holds is not known yet: the progress is the share of its (stored) bytes read.
            raw = io.BytesIO(bytes(upload.content))
            size = max(1, len(raw.getbuffer()))
            rows = _counted(upload_rows(upload=upload, raw=raw), note, lambda _read: raw.tell() / size)
            report = interactions_import(rows=rows, skip_invalid=True)
            raise _DryRun
    except _DryRun:
        pass
    return report


def _preview(upload: ImportUpload) -> list[dict[str, Any]]:
    rows = []
    for line, record in islice(upload_rows(upload=upload), PREVIEW_ROWS):
        decoded = json_record(record) if isinstance(record, bytes | str) else record
        if not isinstance(decoded, UnreadableRow):
            rows.append({"line": line, **preview_of(decoded)})
    return rows


def _summary(report: ImportReport) -> dict[str, Any]:
    data = report.as_dict()
    keep = ("created", "updated", "unchanged", "refused", "error_count", "errors", "ids", "changes", "sops_created")
    return {key: data[key] for key in keep} | {"rows": report.created + report.updated + report.unchanged + report.refused}


def upload_run_enqueue(*, upload: ImportUpload, actor: User, skip_invalid: bool, new_revision: bool = False) -> JobRun:
    """Queue the import of a checked upload (all or nothing, or only the valid rows; `new_revision` as in
    interactions_import, kept in the job's parameters); a second click while it is queued, running or done gets the
    same job (a failed one may be run again)."""
    import_check_allowed(actor=actor)
    upload = ImportUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.job is not None and upload.job.status != JobStatus.FAILED:
        return upload.job
    if upload.check_report.get("problems") or "rows" not in upload.check_report:
        raise ApplicationError(_("The file cannot be imported as it is: see the problems above."))
    upload.skip_invalid = skip_invalid
    job = JobRun.objects.create(
        kind=JOB_KIND,
        created_by=actor,
        params={"upload": upload.pk, "name": upload.name, "skip_invalid": skip_invalid, "new_revision": new_revision},
    )
    upload.job = job
    upload.save(update_fields=["skip_invalid", "job"])
    from qadesk.imports.tasks import run_upload

    # Not queued again if its worker dies: the import may have committed just before (the log says what to do).
    return job_enqueue(job=job, task=run_upload, args=[upload.pk, job.pk])


def upload_run(*, upload: ImportUpload, job: JobRun) -> ImportReport:
    """Import the upload (one transaction, as `qadesk import`); progress is noted outside that transaction as rows are
    read, and the report is kept on the upload."""
    job.start()
    total = int(upload.check_report.get("rows") or 0)
    note = ProgressNote(job)
    try:
        rows = _counted(upload_rows(upload=upload), note, lambda read: read / total if total else 0.0)
        new_revision = bool((job.params or {}).get("new_revision"))
        report = interactions_import(rows=rows, skip_invalid=upload.skip_invalid, new_revision=new_revision)
    except ApplicationError as exc:
        job.finish(status=JobStatus.FAILED, log=str(exc.message))
        raise
    except Exception as exc:
        logger.exception("import of upload %s failed", upload.pk)
        job.finish(status=JobStatus.FAILED, log=repr(exc))
        raise
    finally:
        note.close()
    upload.report = _summary(report) | {"committed": report.committed, "skipped": report.skipped}
    fields = ["report"]
    if report.committed:
        upload.content, fields = b"", [*fields, "content"]  # done: the file is not needed again
    upload.save(update_fields=fields)
    counts: dict[str, object] = {k: getattr(report, k) for k in ("created", "updated", "unchanged", "refused", "skipped")}
    if report.committed:
        log = _("created {created}, updated {updated}, unchanged {unchanged}, skipped {skipped}").format(**counts)
        job.finish(status=JobStatus.SUCCEEDED, counts=counts, log=log)
    else:
        log = _("Nothing was imported: {rows} rows have errors.").format(rows=report.refused)
        job.finish(status=JobStatus.FAILED, counts=counts, log=log)
    return report


def _counted(rows: Iterator[Row], note: ProgressNote, share: Callable[[int], float]) -> Iterator[Row]:
    """The rows, noting every PROGRESS_EVERY rows how many were read and how far that is (`share` of the work, as a
    percentage of at most 99: the last batch is still to be written when the last row is read)."""
    for read, row in enumerate(rows, 1):
        if read % PROGRESS_EVERY == 0:
            note.write(min(99, int(100 * share(read))), {"read": read})
        yield row


def _refuse_if_started(upload: ImportUpload) -> None:
    if upload.job is not None and upload.job.status != JobStatus.FAILED:
        raise Conflict(_("This file is already being imported or was imported."))


def _stream(upload: ImportUpload) -> IO[bytes]:
    return readable(io.BytesIO(bytes(upload.content)), name=upload.name)


class ProgressNote:
    """How far a job whose work is one long transaction has come, written where the job page can read it meanwhile.

    The job's own row cannot say it: the import's transaction would keep it from the page until the end. On
    PostgreSQL a second connection (autocommit) updates the JobRun row; SQLite has one writer at a time, so the note
    goes to a small file in the data directory (SQLite means one machine, so the page reads the same file)."""

    def __init__(self, job: JobRun) -> None:
        self.job = job
        self.conn = connections.create_connection(DEFAULT_DB_ALIAS) if connection.vendor == "postgresql" else None

    def write(self, progress: int, counts: dict[str, int]) -> None:
        if self.conn is not None:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {JobRun._meta.db_table} SET progress = %s, counts = %s WHERE id = %s",  # noqa: S608 (our table)
                    [progress, json.dumps(counts), self.job.pk],
                )
            return
        path = progress_path(self.job.pk)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"progress": progress, "counts": counts}))
        temporary.replace(path)  # atomic: the page never reads half a note

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        progress_path(self.job.pk).unlink(missing_ok=True)


def progress_path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "run" / f"import-{job_id}.json"
