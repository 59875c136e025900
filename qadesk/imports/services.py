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
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.db import connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydantic import ValidationError

from qadesk.accounts.models import Agent, Role, Site, Team, User
from qadesk.analytics.rollup import quality_rollup_refresh, slices_of
from qadesk.core.errors import ApplicationError, PermissionDenied
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
from qadesk.imports.schemas import SUBJECT_MAX, InteractionIn, MessageIn, RowError, error_messages
from qadesk.imports.writers import Writer, constraints_checked_per_statement, writer_for
from qadesk.interactions.models import AuthorRole, Customer, Interaction, InteractionAgent, Label, Message, Sop
from qadesk.interactions.services import sops_create_placeholders
from qadesk.reviews.models import Review

MAX_REPORTED_ERRORS = 1000
CACHE_LIMIT = 50_000
BATCH_SIZE = 2000  # rows per batch by default: 100k rows ran ~10 % faster than with 1,000, for ~30 MB more at peak
# Automatic garbage collection is off during an import (see _fewer_gc_pauses); a collection every this many batches
# frees reference cycles, if any, while bounding memory. Each one walks every live object allocated since the
# last, so one per batch cost ~2 s of 100,000 rows for nothing (an import makes no cycles we know of).
GC_EVERY_BATCHES = 20

INTERACTION_COLUMNS = (
    "external_id", "source", "channel", "language", "subject", "customer_id", "team_id", "site_id", "label_id",
    "sop_id", "phase", "status", "agent_id", "created_at", "queued_at", "answered_at", "first_reply_at",
    "resolved_at", "closed_at", "talk_seconds", "hold_seconds", "acw_seconds", "abandoned", "reopens",
    "customer_rating", "complaint", "message_count", "imported_at",
)  # fmt: skip
HANDLER_COLUMNS = ("interaction_id", "agent_id", "position")
MESSAGE_FIELDS = ("author_role", "agent_id", "sent_at", "body", "is_public", "body_format")  # after interaction, position
MESSAGE_COLUMNS = ("interaction_id", "position", "author_role", "agent_id", "sent_at", "body", "is_public", "body_format")


@dataclass
class ImportReport:
    """What an import did: rows created and updated, invalid rows skipped, and why (line, field, message)."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    error_count: int = 0  # every error found; `errors` keeps the first MAX_REPORTED_ERRORS
    sops_created: list[str] = field(default_factory=list)  # placeholders made for unknown codes (--create-missing sop)
    people: list[str] = field(default_factory=list)  # agents whose name or e-mail the rows gave (--invite invites them)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [err._asdict() for err in self.errors]
        return data


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
    batch_size: int = BATCH_SIZE,
    create_missing: frozenset[str] = frozenset(),
) -> ImportReport:
    """Import (line, record) pairs in one transaction; with errors and not skip_invalid nothing is written.

    `create_missing={"sop"}`: an unknown SOP code creates a placeholder SOP to complete later, instead of an error."""
    report = ImportReport()
    try:
        with transaction.atomic(), _fewer_gc_pauses():
            with constraints_checked_per_statement(connection):
                batch_import = _BatchImport(
                    report=report, writer=writer_for(connection, batch_size=batch_size), create_missing=create_missing
                )
                try:
                    for batch in _batches(rows, max(1, batch_size)):
                        batch_import.run(batch)
                    batch_import.wait()
                finally:
                    batch_import.close()
            if report.error_count and not skip_invalid:
                raise _RollBack
    except _RollBack:
        report.created = report.updated = 0
        report.sops_created, report.people = [], []
        return report
    report.committed = True
    return report


def interactions_import_file(
    *,
    path_or_stream: str | Path | IO[Any],
    fmt: str | None = None,
    skip_invalid: bool = False,
    batch_size: int = BATCH_SIZE,
    create_missing: frozenset[str] = frozenset(),
) -> ImportReport:
    """Import a JSON Lines or CSV file (optionally gzipped); the format is guessed from the extension when not given."""
    if isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        fmt = fmt or guess_format(path.name)
        try:
            raw = open(path, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise ApplicationError(_("Cannot read {path}: {error}").format(path=path, error=exc.strerror)) from exc
        with raw:
            rows = file_rows(readable(raw, name=path.name), fmt)
            return interactions_import(rows=rows, skip_invalid=skip_invalid, batch_size=batch_size, create_missing=create_missing)
    name = str(getattr(path_or_stream, "name", "") or "")
    fmt = fmt or guess_format(name)
    stream: IO[Any] = path_or_stream
    if not isinstance(stream, io.TextIOBase):  # an upload or a file opened "rb"; a text stream is read as it is
        stream = readable(getattr(stream, "file", stream), name=name)
    return interactions_import(
        rows=file_rows(stream, fmt), skip_invalid=skip_invalid, batch_size=batch_size, create_missing=create_missing
    )


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
        for query in _where_in(self.model._base_manager.all(), self.key, missing):
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


class _BatchImport:
    """Runs the batches of one import, keeping its report and its name caches.

    Two stages per batch: reading and validating (`_parse`, no database), then storing (`_store_batch`: the
    references, the names to create, the rows). With a writer that can work in the background (COPY on
    PostgreSQL), batch k is stored on a second thread, through the import's own database connection,
    while this thread reads and validates batch k+1: the database server and Python work at the same
    time. This thread makes no query while a batch is being stored, so every statement still runs in the
    import's one transaction, in order.
    """

    def __init__(self, *, report: ImportReport, writer: Writer, create_missing: frozenset[str] = frozenset()) -> None:
        self.report, self.writer = report, writer
        self.create_missing = create_missing
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
        self.sites = _Lookup(Site, "name")
        self.teams = _Lookup(Team, "name")
        self.agents = _Lookup(Agent, "username")
        self.labels = _Lookup(Label, "code")
        self.customers = _Lookup(Customer, "external_id", keep="segment")
        self.sops = _Lookup(Sop, "code")

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

    def run(self, batch: list[Row]) -> None:
        """Validate this batch (while the previous one is being stored), then hand it over to be stored."""
        parsed: list[tuple[int, InteractionIn]] = []
        rejected: list[tuple[int, list[tuple[str, str]]]] = []
        for line, raw in batch:
            rec, problems = self._parse(raw)
            if problems:
                rejected.append((line, problems))
            elif rec is not None:
                parsed.append((line, rec))
        names = _names_of(rec for _line, rec in parsed)
        self.batches += 1
        if self.batches % GC_EVERY_BATCHES == 0:  # cycles, if any (Django's objects were frozen); while the writer works
            gc.collect(1)
        self.wait()
        for line, problems in rejected:
            self._reject(line, problems)
        if self.pool is None:
            self._store_batch(parsed, names)
        else:
            self.pending = self.pool.submit(self._store_batch, parsed, names)

    def _store_batch(self, parsed: list[tuple[int, InteractionIn]], names: _Names) -> None:
        """Check the batch's references, create the names it uses, write its rows (on the writer's thread, if any)."""
        for lookup in (self.sites, self.teams, self.agents, self.labels, self.customers, self.sops):
            lookup.trim()
        existing = _existing_ids({(rec.source, rec.external_id) for _line, rec in parsed})
        protected = _protected_messages(list(existing.values()))
        valid = self._check_references(parsed, names, existing, protected)
        latest: dict[tuple[str, str], InteractionIn] = {}
        for _line, rec in valid:
            key = (rec.source, rec.external_id)
            if key in latest:  # the same interaction twice in a file: the later row wins
                self.report.updated += 1
            latest[key] = rec
        if len(latest) < len(parsed):  # rows were rejected or replaced: only the rows written may create names
            names = _names_of(latest.values())
        if latest:
            self._write(latest, names, existing, protected)

    def _reject(self, line: int, problems: list[tuple[str, str]]) -> None:
        self.report.skipped += 1
        self.report.error_count += len(problems)
        room = MAX_REPORTED_ERRORS - len(self.report.errors)
        self.report.errors.extend(RowError(line, f, m) for f, m in problems[: max(room, 0)])

    @staticmethod
    def _parse(raw: Any) -> tuple[InteractionIn | None, list[tuple[str, str]]]:
        """One row → the validated record, or the (field, message) problems that reject it. No database access."""
        if isinstance(raw, bytes | str):  # JSON text: validated as it is; a line that fails is decoded, for the same errors
            if not may_hold_null(raw):
                try:
                    rec = InteractionIn.model_validate_json(raw)
                except ValidationError:
                    pass
                else:
                    return rec, _misattributed([(msg.author, msg.agent) for msg in rec.messages])
            raw = json_record(raw)
        if isinstance(raw, UnreadableRow):
            return None, [(raw.field, raw.message)]
        problems = text_problems(raw) + _authorship_errors(raw)
        try:
            rec = InteractionIn.model_validate(raw)
        except ValidationError as exc:
            return None, error_messages(exc) + problems
        return (None, problems) if problems else (rec, [])

    def _check_references(
        self,
        parsed: list[tuple[int, InteractionIn]],
        names: _Names,
        existing: dict[tuple[str, str], int],
        protected: dict[int, dict[int, int]],
    ) -> list[tuple[int, InteractionIn]]:
        """SOPs must be in the catalogue, message authors known or listed, reviewed messages kept."""
        self.sops.load(names.sops)
        if "sop" in self.create_missing and not names.sops.issubset(self.sops.ids):
            created = sops_create_placeholders(codes=names.sops.difference(self.sops.ids))
            self.report.sops_created.extend(created)
            self.sops.load(created)
        self.agents.load(names.unlisted)
        unknown = names.unlisted.difference(self.agents.ids)
        if not protected and not unknown and names.sops.issubset(self.sops.ids):
            return parsed
        valid = []
        for line, rec in parsed:
            problems = []
            if rec.sop and rec.sop not in self.sops.ids:
                problems.append(("sop", _("unknown SOP {code}: SOPs come from the catalogue").format(code=rec.sop)))
            for i, msg in enumerate(rec.messages):
                if msg.agent in unknown:
                    problems.append(
                        (f"messages[{i}].agent", _("unknown agent {name}: list them in agents").format(name=msg.agent))
                    )
            kept = protected.get(existing.get((rec.source, rec.external_id), 0), {})
            if kept and max(kept) >= len(rec.messages):
                problems.append(
                    ("messages", _("message {n} has a review, so the new transcript must keep it").format(n=max(kept)))
                )
            if problems:
                self._reject(line, problems)
            else:
                valid.append((line, rec))
        return valid

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

    def _interaction_row(self, rec: InteractionIn) -> tuple[Any, ...]:
        ids = self.agents.ids
        handlers = rec.handlers()
        return (
            rec.external_id, rec.source, rec.channel, rec.language, rec.subject[:SUBJECT_MAX],
            self.customers.ids[rec.customer] if rec.customer else None,
            self.teams.ids[rec.team] if rec.team else None,
            self.sites.ids[rec.site] if rec.site else None,
            self.labels.ids[rec.label] if rec.label else None,
            self.sops.ids[rec.sop] if rec.sop else None,
            rec.phase or "", rec.default_status(), ids[handlers[-1]] if handlers else None,
            rec.created_at, rec.queued_at, rec.answered_at, rec.first_reply_at, rec.resolved_at, rec.closed_at,
            rec.talk_seconds, rec.hold_seconds, rec.acw_seconds, rec.abandoned, rec.reopens, rec.customer_rating or "",
            rec.complaint, len(rec.messages), self.now,
        )  # fmt: skip

    def _write(
        self,
        latest: dict[tuple[str, str], InteractionIn],
        names: _Names,
        existing: dict[tuple[str, str], int],
        protected: dict[int, dict[int, int]],
    ) -> None:
        self._resolve_names(names)
        new = [rec for key, rec in latest.items() if key not in existing]
        old = [(existing[key], rec) for key, rec in latest.items() if key in existing]
        agent_ids = self.agents.ids
        if old:  # updates and deletions stay on this thread, before the new rows of the batch are handed over
            self._update_interactions(old, protected)
            in_place = [
                Message(pk=kept[position], interaction_id=pk, position=position, **_message_fields(msg, agent_ids))
                for pk, rec in old
                if (kept := protected.get(pk))
                for position, msg in enumerate(rec.messages)
                if position in kept
            ]
            if in_place:
                Message.objects.bulk_update(in_place, list(MESSAGE_FIELDS))
        self.report.created += len(new)
        self.report.updated += len(old)
        self._insert(new, old, protected)

    def _insert(
        self, new: list[InteractionIn], old: list[tuple[int, InteractionIn]], protected: dict[int, dict[int, int]]
    ) -> None:
        """Store the new interactions, then every written interaction's handlers and (unreviewed) messages."""
        rows = (self._interaction_row(rec) for rec in new)  # made while COPY sends the ones before
        new_ids = self.writer.insert_returning_ids(Interaction, INTERACTION_COLUMNS, rows, len(new))
        written = list(zip(new_ids, new, strict=True)) + old
        agent_ids = self.agents.ids
        # Generators: the rows stream to the server as they are made, so it stores some while Python makes the rest.
        self.writer.insert(
            InteractionAgent,
            HANDLER_COLUMNS,
            ((pk, agent_ids[name], position) for pk, rec in written for position, name in enumerate(rec.handlers())),
        )
        self.writer.insert(
            Message,
            MESSAGE_COLUMNS,
            (
                (pk, position, *_message_values(msg, agent_ids))
                for pk, rec in written
                for position, msg in enumerate(rec.messages)
                if not protected or position not in protected.get(pk, ())
            ),
        )

    def _update_interactions(self, old: list[tuple[int, InteractionIn]], protected: dict[int, dict[int, int]]) -> None:
        """Overwrite re-imported interactions and drop their handlers and messages, except reviewed messages."""
        fields = [name for name in INTERACTION_COLUMNS if name not in ("external_id", "source")]
        objs = [Interaction(pk=pk, **dict(zip(INTERACTION_COLUMNS, self._interaction_row(rec), strict=True))) for pk, rec in old]
        pks = [pk for pk, _rec in old]
        moved = _report_dimensions_changed(objs)
        Interaction.objects.bulk_update(objs, fields, batch_size=200)
        # Their reviews now count under another team, site, channel, label or phase in the quality report's rollup.
        quality_rollup_refresh(slices=slices_of(Review.objects.filter(interaction_id__in=moved).values_list("pk", flat=True)))
        InteractionAgent.objects.filter(interaction_id__in=pks).delete()
        keep = [message_pk for pk in pks for message_pk in protected.get(pk, {}).values()]
        Message.objects.filter(interaction_id__in=pks).exclude(pk__in=keep).delete()


# The interaction fields the quality report groups and filters by (its rollup's level 1 keys).
REPORT_DIMENSIONS = ("team_id", "site_id", "channel", "label_id", "phase")


def _report_dimensions_changed(objs: list[Interaction]) -> list[int]:
    """The interactions among `objs` (unsaved new values) whose report dimensions differ from the stored ones."""
    stored = {
        row[0]: row[1:]
        for row in Interaction.objects.filter(pk__in=[o.pk for o in objs]).values_list(*("pk", *REPORT_DIMENSIONS))
    }
    return [o.pk for o in objs if stored.get(o.pk) != tuple(getattr(o, name) for name in REPORT_DIMENSIONS)]


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
    """Only agent messages may name an agent (checked on the raw row, so it is reported alongside shape errors)."""
    messages = raw.get("messages")
    if not isinstance(messages, list):
        return []
    return _misattributed([(msg.get("author"), msg.get("agent")) if isinstance(msg, dict) else (None, None) for msg in messages])


def _misattributed(authors: list[tuple[Any, Any]]) -> list[tuple[str, str]]:
    """(author, agent) of each message → an error for each message that names an agent but is not an agent's."""
    return [
        (f"messages[{i}].agent", _("only agent messages name an agent"))
        for i, (author, agent) in enumerate(authors)
        if agent and author != AuthorRole.AGENT
    ]


def _message_values(msg: MessageIn, agent_ids: dict[str, int]) -> tuple[Any, ...]:
    """A message's column values after interaction and position: author role, agent id, sent at, body, public, format."""
    return (msg.author, agent_ids[msg.agent] if msg.agent else None, msg.at, msg.body, msg.public, msg.format)


def _message_fields(msg: MessageIn, agent_ids: dict[str, int]) -> dict[str, Any]:
    return dict(zip(MESSAGE_FIELDS, _message_values(msg, agent_ids), strict=True))


def _existing_ids(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(source, external_id) → id of the interactions already stored."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, external_id in keys:
        by_source[source].append(external_id)
    found = {}
    for source, external_ids in by_source.items():
        for query in _where_in(Interaction.objects.filter(source=source), "external_id", external_ids):
            for pk, external_id in query.values_list("pk", "external_id"):
                found[(source, external_id)] = pk
    return found


def _where_in(query: models.QuerySet[Any], name: str, values: list[str]) -> Iterator[models.QuerySet[Any]]:
    """`query` narrowed to rows whose `name` is one of `values`: chunks of `IN (…)`, or one `= ANY(array)` on PostgreSQL.

    (A thousand-placeholder `IN` costs more to build and send than the lookup costs the server.)
    """
    if not values:
        return
    if connection.vendor == "postgresql":
        meta, quote = query.model._meta, connection.ops.quote_name
        column = f"{quote(meta.db_table)}.{quote(str(meta.get_field(name).column))}"
        yield query.extra(where=[f"{column} = ANY(%s)"], params=[values])  # noqa: S610 (quoted names; values are parameters)
        return
    for start in range(0, len(values), 500):
        yield query.filter(**{f"{name}__in": values[start : start + 500]})


def _protected_messages(interaction_ids: list[int]) -> dict[int, dict[int, int]]:
    """interaction id → {position: message id} of the messages another record protects from deletion (reviews)."""
    result: dict[int, dict[int, int]] = defaultdict(dict)
    if not interaction_ids:
        return result
    for rel in Message._meta.related_objects:
        if rel.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        name = rel.field.name
        query = rel.related_model._base_manager.filter(**{f"{name}__interaction_id__in": interaction_ids})
        for message_pk, pk, position in query.values_list(f"{name}_id", f"{name}__interaction_id", f"{name}__position"):
            result[pk][position] = message_pk
    return result
