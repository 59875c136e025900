"""Importing interactions (docs/import-format.md): validate each row, create what it names on the fly, write in batches.

The whole import is one transaction. A row that breaks a rule is reported by line and field; unless
`skip_invalid`, any such row rolls everything back. Rows stream through in batches of `batch_size`, with
bounded per-import caches for names → ids, so memory does not grow with the size of the file.
"""

from __future__ import annotations

import gc
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

from django.db import connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydantic import ValidationError

from qadesk.accounts.models import Agent, Role, Site, Team, User
from qadesk.analytics.rollup import quality_rollup_refresh, slices_of
from qadesk.core.errors import ApplicationError, PermissionDenied
from qadesk.core.rollups import derived_tables_filled_at_the_end
from qadesk.imports.parsers import (
    Row,
    UnreadableRow,
    file_rows,
    guess_format,
    json_record,
    may_hold_null,
    readable,
    text_problems,
)
from qadesk.imports.reimports import (
    RowHashes,
    Stored,
    digest,
    interactions_under_review,
    revision_summary,
    row_digest,
    stored_rows,
    transcript_digest,
    transcript_edits,
    transcripts_of,
    where_in,
)
from qadesk.imports.schemas import (
    SUBJECT_MAX,
    InteractionIn,
    MessageIn,
    RowError,
    custom_field_values,
    error_messages,
    future_horizon_reset,
    message_problems,
)
from qadesk.imports.writers import (
    STAGING,
    Writer,
    constraints_checked_per_statement,
    foreign_keys_checked_at_the_end,
    plans_kept_current,
    statistics_refreshed,
    sync_from_staging_sql,
    without_jit,
    writer_for,
)
from qadesk.interactions.models import Customer, Interaction, InteractionAgent, Label, Message, Sop, Status
from qadesk.interactions.search import message_search_later, search_config_oids, text_search_config
from qadesk.interactions.selectors import custom_fields_declared
from qadesk.interactions.services import (
    custom_fields_seen_record,
    messages_search_index_after_commit,
    sops_create_placeholders,
    transcripts_revise,
)
from qadesk.reviews.models import Review
from qadesk.surveys.models import SurveyInvitation, SurveyResponse
from qadesk.surveys.rollup import survey_rollup_kept

MAX_REPORTED_ERRORS = 1000
MAX_REPORTED_IDS = 1000  # per list of the report (created, updated, unchanged, refused); the counts count them all
CACHE_LIMIT = 50_000
BATCH_SIZE = 2000  # rows per batch by default: 100k rows ran ~10 % faster than with 1,000, for ~30 MB more at peak
# Automatic garbage collection is off during an import (see _fewer_gc_pauses); a collection every this many batches
# frees reference cycles, if any, while bounding memory. Each one walks every live object allocated since the
# last, so one per batch cost ~2 s of 100,000 rows for nothing (an import makes no cycles we know of).
GC_EVERY_BATCHES = 20
# An import that created at least this many interactions analyses the tables it filled (writers.statistics_refreshed).
ANALYZE_AFTER_CREATED = 10_000
# A first import (into an empty interaction table) fills the tables the triggers keep once at its end, with the
# triggers off meanwhile (`_keys_checked_once_when_empty`). False: the triggers keep them batch by batch, as always.
DERIVED_FILLED_AT_THE_END = True

INTERACTION_COLUMNS = (
    "external_id", "source", "channel", "language", "subject", "customer_id", "team_id", "site_id", "label_id",
    "sop_id", "phase", "status", "agent_id", "created_at", "queued_at", "answered_at", "first_reply_at",
    "resolved_at", "closed_at", "talk_seconds", "hold_seconds", "acw_seconds", "abandoned", "reopens",
    "customer_rating", "complaint", "custom_fields", "tags", "message_count", "imported_at", "handlers_hash",
    "transcript_hash", "row_hash",
)  # fmt: skip
# What a re-import compares and may overwrite; the input field each column comes from (absent field: column kept).
UPDATED_COLUMNS = INTERACTION_COLUMNS[2:29]
COLUMN_FIELDS = {
    **{name: name for name in UPDATED_COLUMNS},
    "customer_id": "customer", "team_id": "team", "site_id": "site", "label_id": "label", "sop_id": "sop",
    "agent_id": "agents", "message_count": "messages",
}  # fmt: skip
HANDLER_COLUMNS = ("interaction_id", "agent_id", "position")
MESSAGE_COLUMNS = (
    "interaction_id", "position", "author_role", "agent_id", "sent_at", "body", "is_public", "language", "body_format",
    "event_name", "event_parameters", "translation", "translation_language",
)  # fmt: skip


@dataclass
class ImportReport:
    """What an import did, row by row: interactions created, updated, unchanged; rows refused, and why.

    `skipped` counts the refused rows left out of a committed import (`skip_invalid`); when nothing was committed it
    is 0 and `refused` says how many rows have errors. `ids` names the interactions (external ids, each list capped
    at MAX_REPORTED_IDS); `changes` says, for each updated row, what changed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    error_count: int = 0  # every error found; `errors` keeps the first MAX_REPORTED_ERRORS
    ids: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in ("created", "updated", "unchanged", "refused")})
    changes: list[RowChange] = field(default_factory=list)
    sops_created: list[str] = field(default_factory=list)  # placeholders made for unknown codes (--create-missing sop)
    people: list[str] = field(default_factory=list)  # agents whose name or e-mail the rows gave (--invite invites them)
    # custom fields the rows carry that no admin declared: stored as given, listed as a warning (first 1,000)
    undeclared_fields: list[str] = field(default_factory=list)
    # reviewed transcripts replaced with `new_revision`, the one the reviews scored kept (external ids, first 1,000)
    revised: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [err._asdict() for err in self.errors]
        data["changes"] = [change._asdict() for change in self.changes]
        return data

    def name(self, kind: str, external_id: str) -> None:
        """Count one interaction as created, updated, unchanged or refused, and name it while the list has room."""
        setattr(self, kind, getattr(self, kind) + 1)
        if len(listed := self.ids[kind]) < MAX_REPORTED_IDS:
            listed.append(external_id)


class RowChange(NamedTuple):
    """What a re-import changed in one interaction: the fields, in the import format's names (`messages: +3`)."""

    line: int
    external_id: str
    changed: list[str]


class _RollBack(Exception):
    """Raised inside the transaction to undo an import that found errors."""


def import_check_allowed(*, actor: User) -> None:
    """Imports write the whole organisation's data: only QA leads and admins may run them."""
    if not (actor.is_superuser or actor.role in {Role.ADMIN, Role.QA_LEAD}):
        raise PermissionDenied(_("Only QA leads and admins can import data."))


def interactions_import(
    *,
    rows: Iterable[Row],
    skip_invalid: bool = False,
    last_wins: bool = False,
    batch_size: int = BATCH_SIZE,
    create_missing: frozenset[str] = frozenset(),
    new_revision: bool = False,
) -> ImportReport:
    """Import (line, record) pairs in one transaction; with errors and not skip_invalid nothing is written.

    The same (source, external_id) twice in the rows is an error of the later row, unless `last_wins`.
    `create_missing={"sop"}`: an unknown SOP code creates a placeholder SOP to complete later, instead of an error.
    A transcript that reviews scored may only grow at its end; with `new_revision` a row that changes or removes its
    messages replaces it all the same, the scored one kept as a revision that the reviews keep showing
    (interactions.services.transcripts_revise)."""
    report = ImportReport()
    outermost = not connection.in_atomic_block  # its locks end with its own commit
    try:
        with transaction.atomic(), _fewer_gc_pauses():
            with (
                constraints_checked_per_statement(connection),
                without_jit(connection),
                _keys_checked_once_when_empty(outermost),
                message_search_later(connection),
            ):
                batch_import = _BatchImport(
                    report=report,
                    writer=writer_for(connection, batch_size=batch_size),
                    last_wins=last_wins,
                    create_missing=create_missing,
                    new_revision=new_revision,
                )
                try:
                    for batch in _batches(rows, max(1, batch_size)):
                        batch_import.run(batch)
                    batch_import.wait()
                    if report.created >= ANALYZE_AFTER_CREATED and not report.error_count:
                        statistics_refreshed(connection, [m._meta.db_table for m in (Interaction, InteractionAgent, Message)])
                    report.undeclared_fields = list(batch_import.undeclared)[:MAX_REPORTED_IDS]
                finally:
                    batch_import.close()
            if report.error_count and not skip_invalid:
                raise _RollBack
            if batch_import.undeclared:  # listed on the custom fields page, to declare
                custom_fields_seen_record(examples=batch_import.undeclared)
    except _RollBack:
        report.created = report.updated = report.unchanged = 0
        report.ids.update(created=[], updated=[], unchanged=[])
        report.changes = []
        report.sops_created, report.people, report.revised = [], [], []
        return report
    report.skipped = report.refused
    report.committed = True
    if report.created and connection.vendor == "postgresql":  # their messages' text search vectors, after the commit
        messages_search_index_after_commit()
    if report.created or report.updated:
        from qadesk.autoqa.services import autoqa_after_import

        autoqa_after_import()  # the detectors read the new transcripts in the background (docs/autoqa.md)
    return report


def interactions_import_file(
    *,
    path_or_stream: str | Path | IO[Any],
    fmt: str | None = None,
    skip_invalid: bool = False,
    last_wins: bool = False,
    batch_size: int = BATCH_SIZE,
    create_missing: frozenset[str] = frozenset(),
    new_revision: bool = False,
) -> ImportReport:
    """Import a JSON Lines or CSV file (optionally gzipped); the format is guessed from the extension when not given."""
    options: dict[str, Any] = {
        "skip_invalid": skip_invalid,
        "last_wins": last_wins,
        "batch_size": batch_size,
        "create_missing": create_missing,
        "new_revision": new_revision,
    }
    if isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        fmt = fmt or guess_format(path.name)
        try:
            raw = open(path, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise ApplicationError(_("Cannot read {path}: {error}").format(path=path, error=exc.strerror)) from exc
        with raw:
            return interactions_import(rows=file_rows(readable(raw, name=path.name), fmt), **options)
    name = str(getattr(path_or_stream, "name", "") or "")
    fmt = fmt or guess_format(name)
    stream: IO[Any] = path_or_stream
    if not isinstance(stream, io.TextIOBase):  # an upload or a file opened "rb"; a text stream is read as it is
        stream = readable(getattr(stream, "file", stream), name=name)
    return interactions_import(rows=file_rows(stream, fmt), **options)


@contextmanager
def _keys_checked_once_when_empty(outermost: bool) -> Iterator[None]:
    """A load into an empty interaction table (a new installation's first import) has the foreign keys of the
    interactions, handlers and messages checked once, set-based, at the end (PostgreSQL:
    `foreign_keys_checked_at_the_end`), not once per row and reference (~2 million checks per 100,000 rows: about two
    thirds of the server's work). The price is that those tables, and the agents, teams, sites, labels, SOPs and
    customers they reference, are locked until the import ends, and the check at the end reads the whole tables: so
    only when there was nothing in them to read or to scan, and when the import is its own transaction (inside a
    larger one the locks would outlive it, and a later import's second connection would wait on them forever).

    Likewise the tables the database's triggers keep from the contacts (contact links, costs and KPI rollups) are
    filled once, set-based, at the end, their triggers off meanwhile (`derived_tables_filled_at_the_end`): per batch
    they were about half of the remaining server work (benchmarks/README.md, branch w-defer12). The keys are checked
    first, then the tables filled, links before the rollups that read them. If anything fails, the rollback puts the
    keys and the triggers back as they were."""
    if not outermost or connection.vendor != "postgresql" or Interaction.objects.exists():
        yield
        return
    tables = [model._meta.db_table for model in (Interaction, InteractionAgent, Message)]
    derived = derived_tables_filled_at_the_end(connection) if DERIVED_FILLED_AT_THE_END else nullcontext()
    with derived, foreign_keys_checked_at_the_end(connection, tables):
        yield


@contextmanager
def _fewer_gc_pauses() -> Iterator[None]:
    """No automatic garbage collection during an import; the batches collect their own garbage (see `run`).

    An import allocates millions of small objects that reference counting frees anyway; the cyclic
    collector's automatic passes over them (and over everything Django has loaded, hence `gc.freeze()`)
    took about half of the validation time.
    """
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class _Lookup:
    """Name → id for one model during one import; cleared when it grows past CACHE_LIMIT so memory stays flat."""

    def __init__(self, model: type[models.Model], key: str, keep: str | None = None) -> None:
        self.model, self.key, self.keep = model, key, keep
        self.ids: dict[str, int] = {}
        self.kept: dict[str, Any] = {}

    def trim(self) -> None:
        if len(self.ids) > CACHE_LIMIT:
            self.ids.clear()
            self.kept.clear()

    def load(self, keys: Iterable[str]) -> None:
        missing = list({k for k in keys if k not in self.ids})
        fields = ["pk", self.key] + ([self.keep] if self.keep else [])
        for query in where_in(self.model._base_manager.all(), self.key, missing):
            for pk, key, *kept in query.values_list(*fields):
                self.ids[key] = pk
                if kept:
                    self.kept[key] = kept[0]

    def ensure(self, wanted: dict[str, dict[str, Any]]) -> None:
        """Make sure every key exists, creating the missing ones with their given field values."""
        self.load(wanted)
        new = [self.model(**{self.key: key, **values}) for key, values in wanted.items() if key not in self.ids]
        for obj in self.model._base_manager.bulk_create(new):
            key = getattr(obj, self.key)
            self.ids[key] = obj.pk
            if self.keep:
                self.kept[key] = getattr(obj, self.keep)


class _Row(NamedTuple):
    """A row of the right shape, with the digests of its handlers and transcript (made on the reading thread)."""

    line: int
    rec: InteractionIn
    handlers_hash: str
    transcript_hash: str
    row_hash: str


class _Refused(NamedTuple):
    """A row of the wrong shape: its problems, and what it names, for the reference checks of the same pass."""

    line: int
    problems: list[tuple[str, str]]
    external_id: str
    sop: str | None
    authors: dict[int, str]  # message index → agent named by the message and not listed in the row's agents


class _BatchImport:
    """Runs the batches of one import, keeping its report and its name caches.

    Two stages per batch: reading and validating (`run`, no database), then storing (`_store_batch`: the
    references, the names to create, the rows). With a writer that can work in the background (COPY on
    PostgreSQL), batch k is stored on a second thread, through the import's own database connection,
    while this thread reads and validates batch k+1: the database server and Python work at the same
    time. This thread makes no query while a batch is being stored, so every statement still runs in the
    import's one transaction, in order.
    """

    def __init__(
        self,
        *,
        report: ImportReport,
        writer: Writer,
        last_wins: bool = False,
        create_missing: frozenset[str] = frozenset(),
        new_revision: bool = False,
    ) -> None:
        self.report, self.writer, self.last_wins = report, writer, last_wins
        self.create_missing, self.new_revision = create_missing, new_revision
        self.pool: ThreadPoolExecutor | None = None
        if writer.background:
            shared = connections[connection.alias]  # the wrapper itself, not the thread-dependent `connection` proxy
            shared.inc_thread_sharing()
            self.pool = ThreadPoolExecutor(
                1,
                thread_name_prefix="qadesk-import",
                initializer=_use_in_this_thread,
                initargs=(shared, translation.get_language()),
            )
        self.pending: Future[None] | None = None
        self.now = timezone.now()
        self.batches = 0
        self.seen: dict[tuple[str, str], int] = {}  # (source, external_id) → the first line that named it
        self.rows_stored = RowHashes() if Interaction.objects.exists() else None  # nothing to look up in an empty table
        self.sites = _Lookup(Site, "name")
        self.teams = _Lookup(Team, "name")
        self.agents = _Lookup(Agent, "username")
        self.labels = _Lookup(Label, "code")
        self.customers = _Lookup(Customer, "external_id", keep="segment")
        self.sops = _Lookup(Sop, "code")
        self.declared = custom_fields_declared()
        # PostgreSQL's COPY: new messages are written with their text search configuration (the oid a binary COPY
        # sends) and indexed after the commit (`message_search_later`); tag → oid, filled as tags are met. (Written
        # otherwise, the trigger makes their vectors at once.)
        postgresql = connection.vendor == "postgresql" and writer.extra_columns
        self.search_oids = search_config_oids(connection) if postgresql else None
        self.search_oid_of: dict[str, int] = {}
        self.undeclared: dict[str, Any] = {}  # custom field keys met undeclared → a value met, for the report and page

    def wait(self) -> None:
        """Until the rows handed to the writer are stored; raises what storing them raised."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Let a write still running end (without raising: an error is already on its way) and stop the thread."""
        if self.pending is not None:
            wait_for([self.pending])
            self.pending = None
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None
            connection.dec_thread_sharing()
        if self.rows_stored is not None:
            self.rows_stored.close()

    def run(self, batch: list[Row]) -> None:
        """Validate this batch (while the previous one is being stored), then hand it over to be stored."""
        future_horizon_reset()
        parsed: list[_Row] = []
        refused: list[_Refused] = []
        same: list[str] = []  # external ids of rows identical to the row that last wrote their interaction
        digests = [row_digest(raw) for _line, raw in batch]
        stored = self.rows_stored.lookup(digests) if self.rows_stored is not None else {}
        for (line, raw), row_hash in zip(batch, digests, strict=True):
            if (key := stored.get(row_hash)) is not None and key not in self.seen:  # unchanged: not even validated again
                self.seen[key] = line
                same.append(key[1])
                continue
            rec, problems, raw_record = self._parse(raw)
            problems = problems + self._custom_field_problems(rec, raw_record)
            key = (rec.source, rec.external_id) if rec is not None else _raw_key(raw_record)
            if key is not None and (first := self.seen.setdefault(key, line)) != line and not self.last_wins:
                problems = [*problems, ("external_id", _duplicate(first))]
            if problems:
                refused.append(_refused(line, problems, raw_record, rec))
            elif rec is not None:
                parsed.append(_Row(line, rec, digest(rec.handlers()), transcript_digest(rec.messages), row_hash))
        names = _names_of(row.rec for row in parsed)
        self.batches += 1
        if self.batches % GC_EVERY_BATCHES == 0:  # cycles, if any (Django's objects were frozen); while the writer works
            gc.collect(1)
        self.wait()
        if self.pool is None:
            self._store_batch(parsed, refused, names, same)
        else:
            self.pending = self.pool.submit(self._store_batch, parsed, refused, names, same)

    def _custom_field_problems(self, rec: InteractionIn | None, raw: dict[str, Any] | None) -> list[tuple[str, str]]:
        """Check the row's custom fields against the declared ones and store them typed (on the reading thread, no
        database); a row refused for its shape has them checked too, so its errors come in one pass."""
        values = rec.custom_fields if rec is not None else (raw or {}).get("custom_fields")
        if not values or not isinstance(values, dict):
            return []
        stored, problems, undeclared = custom_field_values(values, self.declared)
        for key in undeclared:
            self.undeclared.setdefault(key, values[key])
        if rec is not None and not problems:
            rec.custom_fields = stored
        return problems

    def _store_batch(self, parsed: list[_Row], refused: list[_Refused], names: _Names, same: list[str]) -> None:
        """Check the batch's references, create the names it uses, write its rows (on the writer's thread, if any)."""
        for external_id in same:  # counted here: the report is this thread's while a batch is being stored
            self.report.name("unchanged", external_id)
        for lookup in (self.sites, self.teams, self.agents, self.labels, self.customers, self.sops):
            lookup.trim()
        self.reviewed_transcripts: dict[int, list[tuple[Any, ...]]] = {}  # filled by the checks when transcripts change
        self.protected: dict[int, dict[int, int]] = {}
        self.revising: dict[int, str] = {}  # interaction id → what the new revision changes (`new_revision`)
        stored = stored_rows({(row.rec.source, row.rec.external_id) for row in parsed}, UPDATED_COLUMNS)
        valid = self._check_references(parsed, refused, names, stored)
        latest: dict[tuple[str, str], _Row] = {}
        for row in valid:  # with last_wins, the later of two rows for the same interaction
            latest[(row.rec.source, row.rec.external_id)] = row
        if len(latest) < len(parsed):  # rows were rejected or replaced: only the rows written may create names
            names = _names_of(row.rec for row in latest.values())
        if latest:
            self._write(latest, names, stored)
            if connection.vendor == "postgresql":
                plans_kept_current(connection)

    def _reject(self, line: int, problems: list[tuple[str, str]], external_id: str) -> None:
        if external_id:
            self.report.name("refused", external_id)
        else:
            self.report.refused += 1
        self.report.error_count += len(problems)
        room = MAX_REPORTED_ERRORS - len(self.report.errors)
        self.report.errors.extend(RowError(line, f, m) for f, m in problems[: max(room, 0)])

    @staticmethod
    def _parse(raw: Any) -> tuple[InteractionIn | None, list[tuple[str, str]], dict[str, Any] | None]:
        """One row → the validated record, or the (field, message) problems that reject it (and the row as decoded,
        for its references and id). No database access."""
        if isinstance(raw, bytes | str):  # JSON text: validated as it is; a line that fails is decoded, for the same errors
            if not may_hold_null(raw):
                try:
                    rec = InteractionIn.model_validate_json(raw)
                except ValidationError:
                    pass
                else:
                    checks = [(msg.author, msg.agent, msg.name, msg.body is not None) for msg in rec.messages]
                    return rec, message_problems(checks), None
            raw = json_record(raw)
        if isinstance(raw, UnreadableRow):
            return None, [(raw.field, raw.message)], None
        problems = text_problems(raw) + _authorship_errors(raw)
        try:
            rec = InteractionIn.model_validate(raw)
        except ValidationError as exc:
            return None, error_messages(exc) + problems, raw
        return (None, problems, raw) if problems else (rec, [], raw)

    def _check_references(
        self, parsed: list[_Row], refused: list[_Refused], names: _Names, stored: dict[tuple[str, str], Stored]
    ) -> list[_Row]:
        """SOPs must be in the catalogue, message authors known or listed, reviewed transcripts kept; every row's
        errors (shape and references together) are reported in line order."""
        self.sops.load(names.sops | {r.sop for r in refused if r.sop})
        if "sop" in self.create_missing and not names.sops.issubset(self.sops.ids):
            created = sops_create_placeholders(codes=names.sops.difference(self.sops.ids))
            self.report.sops_created.extend(created)
            self.sops.load(created)
        self.agents.load(names.unlisted | {a for r in refused for a in r.authors.values()})
        unknown = names.unlisted.difference(self.agents.ids)
        transcripts = self._transcript_problems(parsed, stored)
        problems_of: dict[int, list[tuple[str, str]]] = {}
        for row in parsed:
            rec = row.rec
            authors = {i: msg.agent for i, msg in enumerate(rec.messages) if msg.agent in unknown}
            problems = self._reference_problems(rec.sop, authors) + transcripts.get(row.line, [])
            if problems:
                problems_of[row.line] = problems
        for r in refused:
            unlisted = {i: a for i, a in r.authors.items() if a not in self.agents.ids}
            more = self._reference_problems(r.sop, unlisted)
            problems_of[r.line] = sorted(r.problems + more, key=lambda p: _field_order(p[0]))
        ids = {row.line: row.rec.external_id for row in parsed} | {r.line: r.external_id for r in refused}
        for line in sorted(problems_of):
            self._reject(line, problems_of[line], ids[line])
        return [row for row in parsed if row.line not in problems_of]

    def _reference_problems(self, sop: str | None, unknown_authors: dict[int, str]) -> list[tuple[str, str]]:
        problems = []
        if sop and sop not in self.sops.ids:
            problems.append(("sop", _("unknown SOP {code}: SOPs come from the catalogue").format(code=sop)))
        for i, name in unknown_authors.items():
            problems.append((f"messages[{i}].agent", _("unknown agent {name}: list them in agents").format(name=name)))
        return problems

    def _transcript_problems(self, parsed: list[_Row], stored: dict[tuple[str, str], Stored]) -> dict[int, list[tuple[str, str]]]:
        """line → why its new transcript is refused: a reviewed transcript may only grow at its end, and a message with
        a review of its own must stay."""
        changing = {
            row.line: (stored_row.pk, row)
            for row in parsed
            if "messages" in row.rec.model_fields_set
            and (stored_row := stored.get((row.rec.source, row.rec.external_id))) is not None
            and stored_row.transcript_hash != row.transcript_hash
        }
        if not changing:
            return {}
        pks = [pk for pk, _row in changing.values()]
        reviewed = interactions_under_review(pks)
        self.reviewed_transcripts = transcripts_of({pk for pk in pks if pk in reviewed})
        self.protected = _protected_messages([pk for pk in pks if pk not in reviewed])
        problems: dict[int, list[tuple[str, str]]] = {}
        for line, (pk, row) in changing.items():
            if pk in reviewed:
                before = self.reviewed_transcripts.get(pk, [])
                found = transcript_edits(before, row.rec.messages)
                if found and self.new_revision:
                    self.revising[pk] = revision_summary(before, row.rec.messages)
                    found = []
            else:
                kept = self.protected.get(pk, {})
                found = (
                    [("messages", _("message {n} has a review, so the new transcript must keep it").format(n=max(kept)))]
                    if kept and max(kept) >= len(row.rec.messages)
                    else []
                )
            if found:
                problems[line] = found
        return problems

    def _resolve_names(self, names: _Names) -> None:
        """Create the sites, teams, agents, labels and customers the records name and nobody has created yet."""
        self.sites.ensure({site: {} for site in names.sites})
        site_ids = self.sites.ids
        self.teams.ensure({team: {"site_id": site_ids.get(site or "")} for team, site in names.teams.items()})
        team_ids = self.teams.ids
        self.agents.ensure(
            {
                agent: {
                    "team_id": team_ids[team] if team else None,
                    "site_id": site_ids.get(site or ""),
                    "is_bot": agent in names.bots,
                    **_person_fields(names.people.get(agent)),
                }
                for agent, (team, site) in names.agents.items()
            }
        )
        if names.people:
            self._update_people(names.people)
        self.labels.ensure({label: {} for label in names.labels})
        segments = names.customers
        self.customers.ensure({c: {"segment": s or ""} for c, s in segments.items()})
        changed: dict[str, list[int]] = defaultdict(list)
        for customer, segment in segments.items():
            if segment and self.customers.kept.get(customer) != segment:
                changed[segment].append(self.customers.ids[customer])
                self.customers.kept[customer] = segment
        for segment, pks in changed.items():
            Customer.objects.filter(pk__in=pks).update(segment=segment)

    def _update_people(self, people: dict[str, tuple[str | None, str | None]]) -> None:
        """Give known agents the display name and e-mail the rows carry (a later row's values win)."""
        self.report.people.extend(name for name in people if name not in self.report.people)
        for agent in Agent.objects.filter(username__in=list(people)):
            fields = _person_fields(people[agent.username])
            if any(getattr(agent, name) != value for name, value in fields.items()):
                Agent.objects.filter(pk=agent.pk).update(**fields)

    def _interaction_row(self, row: _Row) -> tuple[Any, ...]:
        rec, ids = row.rec, self.agents.ids
        handlers = rec.handlers()
        return (
            rec.external_id, rec.source, rec.channel, rec.language or "", rec.subject[:SUBJECT_MAX],
            self.customers.ids[rec.customer] if rec.customer else None,
            self.teams.ids[rec.team] if rec.team else None,
            self.sites.ids[rec.site] if rec.site else None,
            self.labels.ids[rec.label] if rec.label else None,
            self.sops.ids[rec.sop] if rec.sop else None,
            rec.phase or "", rec.default_status(), ids[handlers[-1]] if handlers else None,
            rec.created_at, rec.queued_at, rec.answered_at, rec.first_reply_at, rec.resolved_at, rec.closed_at,
            rec.talk_seconds, rec.hold_seconds, rec.acw_seconds, rec.abandoned, rec.reopens, rec.customer_rating or "",
            rec.complaint, rec.custom_fields, rec.tags, len(rec.messages), self.now, row.handlers_hash,
            row.transcript_hash, row.row_hash,
        )  # fmt: skip

    def _write(self, latest: dict[tuple[str, str], _Row], names: _Names, stored: dict[tuple[str, str], Stored]) -> None:
        self._resolve_names(names)
        new = [row for key, row in latest.items() if key not in stored]
        old = [(stored[key], row) for key, row in latest.items() if key in stored]
        changed: list[tuple[Stored, _Row, tuple[Any, ...]]] = []
        for before, row in old:
            values, what = self._merged(before, row)
            if what or row.row_hash != before.row_hash:  # unchanged but from another row: its digest is kept for next time
                changed.append((before, row, values))
            if what:
                self.report.name("updated", row.rec.external_id)
                if len(self.report.changes) < MAX_REPORTED_IDS:
                    self.report.changes.append(RowChange(row.line, row.rec.external_id, what))
            else:
                self.report.name("unchanged", row.rec.external_id)
        if changed:  # updates and deletions stay on this thread, before the new rows of the batch are handed over
            self._update_interactions(changed)
        for row in new:
            self.report.name("created", row.rec.external_id)
        self._insert(new, changed)

    def _merged(self, before: Stored, row: _Row) -> tuple[tuple[Any, ...], list[str]]:
        """The stored interaction's new column values (UPDATED_COLUMNS, then the two digests) — a field the row does
        not give keeps its stored value — and the names of the fields that change."""
        given = row.rec.model_fields_set
        if "bot" in given:  # the bot is a handler: giving it gives the handlers
            given = given | {"agents"}
        fresh = dict(zip(INTERACTION_COLUMNS, self._interaction_row(row), strict=True))
        pairs = zip(UPDATED_COLUMNS, before.values, strict=True)
        values = {c: fresh[c] if COLUMN_FIELDS[c] in given else old for c, old in pairs}
        if "status" not in given and given & {"resolved_at", "closed_at"}:  # derived from the merged milestones, else kept
            closed, resolved = values["closed_at"], values["resolved_at"]
            values["status"] = Status.CLOSED if closed else Status.RESOLVED if resolved else Status.OPEN
        hashes = (
            row.handlers_hash if "agents" in given else before.handlers_hash,
            row.transcript_hash if "messages" in given else before.transcript_hash,
            row.row_hash,
        )
        what = [COLUMN_FIELDS[c] for c, old in zip(UPDATED_COLUMNS, before.values, strict=True) if values[c] != old]
        what = [f for f in dict.fromkeys(what) if f not in ("agents", "messages")]
        if hashes[0] != before.handlers_hash:
            what.append("agents")
        if hashes[1] != before.transcript_hash and before.pk in self.revising:
            what.append(f"messages: new revision ({self.revising[before.pk]}); its reviews keep the transcript they scored")
        elif hashes[1] != before.transcript_hash:
            appended = len(row.rec.messages) - len(self.reviewed_transcripts.get(before.pk, []))
            what.append(f"messages: +{appended}" if before.pk in self.reviewed_transcripts else "messages")
        return (*values.values(), *hashes), what

    def _insert(self, new: list[_Row], changed: list[tuple[Stored, _Row, tuple[Any, ...]]]) -> None:
        """Store the new interactions, then the handlers and messages of new and changed ones (only what changed)."""
        rows = (self._interaction_row(row) for row in new)  # made while COPY sends the ones before
        new_ids = self.writer.insert_returning_ids(Interaction, INTERACTION_COLUMNS, rows, len(new))
        handlers = list(zip(new_ids, (row.rec for row in new), strict=True)) + [
            (before.pk, row.rec) for before, row, values in changed if values[-3] != before.handlers_hash
        ]
        agent_ids = self.agents.ids
        # Generators: the rows stream to the server as they are made, so it stores some while Python makes the rest.
        self.writer.insert(
            InteractionAgent,
            HANDLER_COLUMNS,
            ((pk, agent_ids[name], position) for pk, rec in handlers for position, name in enumerate(rec.handlers())),
        )
        if self.search_oids is None:
            self.writer.insert(
                Message,
                MESSAGE_COLUMNS,
                (
                    (pk, position, *_message_values(msg, agent_ids))
                    for pk, row in zip(new_ids, new, strict=True)
                    for position, msg in enumerate(row.rec.messages)
                ),
            )
            return
        self.writer.insert(
            Message,
            MESSAGE_COLUMNS,
            self._messages_with_search_config(new_ids, new, agent_ids),
            extra=(("search_config", "oid"),),  # a regconfig travels as its oid
        )

    def _messages_with_search_config(
        self, ids: list[int], rows: list[_Row], agent_ids: dict[str, int]
    ) -> Iterator[tuple[Any, ...]]:
        """The new messages' rows (MESSAGE_COLUMNS), each followed by its text search configuration's oid."""
        oid = self._search_oid
        for pk, row in zip(ids, rows, strict=True):
            default = oid(row.rec.language or "")  # the interaction's, for its messages without a tag of their own
            for position, msg in enumerate(row.rec.messages):
                yield (pk, position, *_message_values(msg, agent_ids), oid(msg.language) if msg.language else default)

    def _search_oid(self, tag: str) -> int:
        """The oid of the text search configuration of a message in language `tag` (its own, else its interaction's):
        the trigger's map (`interactions_search_config`, the same as `text_search_config`)."""
        if (oid := self.search_oid_of.get(tag)) is None:
            oid = self.search_oid_of[tag] = cast(dict[str, int], self.search_oids)[text_search_config(tag)]
        return oid

    def _update_interactions(self, changed: list[tuple[Stored, _Row, tuple[Any, ...]]]) -> None:
        """One set-based UPDATE of the changed interactions; their replaced handlers and messages deleted (except
        the messages of a reviewed transcript, and messages with a review of their own, updated in place)."""
        columns = ("id", *UPDATED_COLUMNS, "imported_at", "handlers_hash", "transcript_hash", "row_hash")
        # Their survey responses and invitations now count under another agent, team, site, channel, label or phase in
        # the survey results' rollup: counted before and after the update.
        survey_dims = [UPDATED_COLUMNS.index(name) for name in SURVEY_DIMENSIONS]
        regrouped = [before.pk for before, _row, values in changed if any(values[i] != before.values[i] for i in survey_dims)]
        with (
            survey_rollup_kept(
                responses=SurveyResponse.objects.filter(interaction_id__in=regrouped),
                invitations=SurveyInvitation.objects.filter(interaction_id__in=regrouped),
            )
            if regrouped
            else nullcontext()
        ):
            self.writer.update(
                Interaction, columns, ((before.pk, *values[:-3], self.now, *values[-3:]) for before, _row, values in changed)
            )
        # Their reviews now count under another team, site, channel, label or phase in the quality report's rollup.
        dims = [UPDATED_COLUMNS.index(name) for name in REPORT_DIMENSIONS]
        moved = [before.pk for before, _row, values in changed if any(values[i] != before.values[i] for i in dims)]
        if moved:
            quality_rollup_refresh(slices=slices_of(Review.objects.filter(interaction_id__in=moved).values_list("pk", flat=True)))
        handlers = [before.pk for before, _row, values in changed if values[-3] != before.handlers_hash]
        if handlers:
            InteractionAgent.objects.filter(interaction_id__in=handlers).delete()
        transcripts = [(before.pk, row.rec) for before, row, values in changed if values[-2] != before.transcript_hash]
        revised = [(pk, rec) for pk, rec in transcripts if pk in self.revising]
        if revised:  # the scored transcripts move aside, whole: the new ones are then written in full
            transcripts_revise(interaction_ids=[pk for pk, _rec in revised], at=self.now)
            room = MAX_REPORTED_IDS - len(self.report.revised)
            self.report.revised.extend(rec.external_id for _pk, rec in revised[: max(room, 0)])
        if transcripts:
            self._sync_transcripts(transcripts)

    def _sync_transcripts(self, transcripts: list[tuple[int, InteractionIn]]) -> None:
        """Bring stored transcripts to the new ones, set-based and touching only what differs: the new messages go
        into a temporary table; one UPDATE rewrites the stored messages that differ at the same position (keeping
        their ids, so a message with a review of its own stays that row), one INSERT adds the positions not stored
        yet, and the positions past each new end are deleted (on PostgreSQL in one statement that probes the index per
        transcript; elsewhere a DELETE per new length). (Deleting and copying every message again cost more than the
        first import did.)"""
        agent_ids = self.agents.ids
        self.writer.stage(
            Message,
            MESSAGE_COLUMNS,
            (
                (pk, position, *_message_values(msg, agent_ids))
                for pk, rec in transcripts
                for position, msg in enumerate(rec.messages)
            ),
        )
        sql = sync_from_staging_sql(connection, Message, ("interaction_id", "position"), MESSAGE_COLUMNS[2:])
        pks = [pk for pk, _rec in transcripts]
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement, [pks] if connection.vendor == "postgresql" else None)
            cursor.execute(f"DROP TABLE {STAGING}")
            if connection.vendor == "postgresql":  # one statement, an index probe per transcript
                cursor.execute(_PAST_THE_END, [pks, [len(rec.messages) for _pk, rec in transcripts]])
                return
        by_length: dict[int, list[int]] = defaultdict(list)
        for pk, rec in transcripts:
            by_length[len(rec.messages)].append(pk)
        for length, pks in by_length.items():
            # Without Django's collector, which reads every message first to look for rows protecting it: those
            # were checked (`_transcript_problems`); any other reference would fail the statement.
            Message.objects.filter(interaction_id__in=pks, position__gte=length)._raw_delete(Message.objects.db)


# The messages past each new end (PostgreSQL; parameters: the interactions, their new lengths), found by one probe of the
# (interaction, position) index per transcript (the lateral subquery, kept apart by OFFSET 0) and deleted by id. Written
# as a join, it was planned as a sort of the whole message table when its statistics were missing or old (0.5–1.5 s a
# batch, growing; benchmarks/README.md, branch w-imp12b).
_PAST_THE_END = """
DELETE FROM interactions_message WHERE id = ANY(ARRAY(
    SELECT m.id FROM unnest(%s::bigint[], %s::int[]) AS t(interaction_id, length)
    CROSS JOIN LATERAL (
        SELECT id FROM interactions_message WHERE interaction_id = t.interaction_id AND position >= t.length OFFSET 0
    ) AS m
))
"""

# The interaction fields the quality report groups and filters by (its rollup's level 1 keys).
REPORT_DIMENSIONS = ("team_id", "site_id", "channel", "label_id", "phase")
SURVEY_DIMENSIONS = ("agent_id", *REPORT_DIMENSIONS)  # the survey results group by the interaction's agent too


def _duplicate(first: int) -> str:
    return _("the same source and external_id as line {line}; use --last-wins to keep the later row").format(line=first)


def _raw_key(raw: dict[str, Any] | None) -> tuple[str, str] | None:
    """(source, external_id) of a row that failed its checks, when it has both as text (or the id as a number)."""
    if raw is None:
        return None
    source, external_id = raw.get("source"), raw.get("external_id")
    if isinstance(external_id, int) and not isinstance(external_id, bool):
        external_id = str(external_id)
    return (source, external_id) if isinstance(source, str) and isinstance(external_id, str) and external_id else None


def _refused(line: int, problems: list[tuple[str, str]], raw: dict[str, Any] | None, rec: InteractionIn | None) -> _Refused:
    """A refused row with what it names: its id, SOP and message authors (from the record, else from the raw row)."""
    if rec is not None:
        listed = set(rec.agents)
        authors = {i: m.agent for i, m in enumerate(rec.messages) if m.agent and m.agent not in listed}
        return _Refused(line, problems, rec.external_id, rec.sop, authors)
    raw = raw or {}
    key = _raw_key(raw)
    sop = raw.get("sop") if isinstance(raw.get("sop"), str) else None
    agents, messages = raw.get("agents"), raw.get("messages")
    listed = set(agents) if isinstance(agents, list) and all(isinstance(a, str) for a in agents) else set()
    authors = {
        i: m["agent"]
        for i, m in enumerate(messages if isinstance(messages, list) else [])
        if isinstance(m, dict) and isinstance(m.get("agent"), str) and m["agent"] and m["agent"] not in listed
    }
    return _Refused(line, problems, key[1] if key else "", sop or None, authors)


_FIELD_ORDER = {name: i for i, name in enumerate(InteractionIn.model_fields)}


def _field_order(path: str) -> int:
    """Where a field comes in the format, so that a row's shape and reference errors read in one order."""
    return _FIELD_ORDER.get(path.split("[")[0].split(".")[0], len(_FIELD_ORDER))


@dataclass
class _Names:
    """What a batch's rows name, worked out without the database (on the reading thread).

    A new team or agent takes its team and site from the first row that names it; a customer's segment
    comes from the last row that gives one.
    """

    sites: dict[str, None] = field(default_factory=dict)  # ordered set
    teams: dict[str, str | None] = field(default_factory=dict)  # team → site
    agents: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # agent → (team, site)
    labels: set[str] = field(default_factory=set)
    customers: dict[str, str | None] = field(default_factory=dict)  # customer → segment
    sops: set[str] = field(default_factory=set)
    people: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # agent → (display name, e-mail)
    bots: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)  # agents named in some row's `agents`
    unlisted: set[str] = field(default_factory=set)  # message authors no row lists: they must exist already


def _names_of(records: Iterable[InteractionIn]) -> _Names:
    names = _Names()
    authors: set[str] = set()
    for rec in records:
        site, team = rec.site, rec.team
        if site:
            names.sites.setdefault(site, None)
        if team:
            names.teams.setdefault(team, site)
        if bot := rec.bot_name():
            names.agents.setdefault(bot, (team, site))
            names.bots.add(bot)
        for name in rec.agents:
            names.agents.setdefault(name, (team, site))
        if rec.agents and (rec.agent_name or rec.agent_email):
            known = names.people.get(rec.agents[-1], (None, None))
            names.people[rec.agents[-1]] = (rec.agent_name or known[0], rec.agent_email or known[1])
        for msg in rec.messages:
            if msg.agent:
                authors.add(msg.agent)
                names.agents.setdefault(msg.agent, (team, site))
        if rec.label:
            names.labels.add(rec.label)
        if rec.customer:
            names.customers[rec.customer] = rec.customer_segment or names.customers.get(rec.customer)
        if rec.sop:
            names.sops.add(rec.sop)
        names.listed.update(rec.agents)
    names.unlisted = authors - names.listed
    return names


def _person_fields(person: tuple[str | None, str | None] | None) -> dict[str, str]:
    """An agent's display name and e-mail as the row gives them (only those given)."""
    name, email = person or (None, None)
    return {key: value for key, value in (("display_name", name), ("email", email)) if value}


def _use_in_this_thread(shared: BaseDatabaseWrapper, language: str | None) -> None:
    """Set up the writer's thread: the import's connection (already shared, so its transaction) and its language."""
    connections[shared.alias] = shared
    if language:
        translation.activate(language)


def _authorship_errors(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """The rules across a message's fields (schemas.message_problems), checked on the raw row so that they are
    reported alongside shape errors."""
    messages = raw.get("messages")
    if not isinstance(messages, list):
        return []
    return message_problems(
        [
            (msg.get("author"), msg.get("agent"), msg.get("name"), msg.get("body") is not None)
            if isinstance(msg, dict)
            else (None, None, None, True)
            for msg in messages
        ]
    )


def _message_values(msg: MessageIn, agent_ids: dict[str, int]) -> tuple[Any, ...]:
    """A message's column values after interaction and position (MESSAGE_COLUMNS[2:])."""
    name, parameters = msg.event()
    return (
        msg.author, agent_ids[msg.agent] if msg.agent else None, msg.at, msg.body or "", msg.public, msg.language or "",
        msg.format, name, parameters, msg.translation or "", msg.translation_language or "",
    )  # fmt: skip


def _protected_messages(interaction_ids: list[int]) -> dict[int, dict[int, int]]:
    """interaction id → {position: message id} of the messages another record protects from deletion (reviews)."""
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for rel in Message._meta.related_objects:
        if rel.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        protecting = Exists(rel.related_model._base_manager.filter(**{rel.field.name: OuterRef("pk")}))
        for query in where_in(Message._base_manager.filter(protecting), "interaction", interaction_ids):
            for message_pk, pk, position in query.values_list("pk", "interaction_id", "position"):
                result[pk][position] = message_pk
    return result
