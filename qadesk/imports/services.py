"""Importing interactions (docs/import-format.md): validate each row, create what it names on the fly, write in batches.

The whole import is one transaction. A row that breaks a rule is reported by line and field; unless
`skip_invalid`, any such row rolls everything back. Rows stream through in batches of `batch_size`, with
bounded per-import caches for names → ids, so memory does not grow with the size of the file.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from qadesk.accounts.models import Agent, Role, Site, Team, User
from qadesk.core.errors import ApplicationError, PermissionDenied
from qadesk.imports.parsers import Row, UnreadableRow, file_rows, guess_format, text_stream
from qadesk.imports.schemas import SUBJECT_MAX, InteractionIn, RowError, error_messages
from qadesk.imports.writers import Writer, writer_for
from qadesk.interactions.models import AuthorRole, Customer, Interaction, InteractionAgent, Label, Message, Sop

MAX_REPORTED_ERRORS = 1000
CACHE_LIMIT = 50_000

INTERACTION_COLUMNS = (
    "external_id", "source", "channel", "language", "subject", "customer_id", "team_id", "site_id", "label_id",
    "sop_id", "phase", "status", "agent_id", "created_at", "queued_at", "answered_at", "first_reply_at",
    "resolved_at", "closed_at", "talk_seconds", "hold_seconds", "acw_seconds", "abandoned", "message_count",
    "imported_at",
)  # fmt: skip
HANDLER_COLUMNS = ("interaction_id", "agent_id", "position")
MESSAGE_COLUMNS = ("interaction_id", "position", "author_role", "agent_id", "sent_at", "body", "is_public")


@dataclass
class ImportReport:
    """What an import did: rows created and updated, invalid rows skipped, and why (line, field, message)."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    error_count: int = 0  # every error found; `errors` keeps the first MAX_REPORTED_ERRORS

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


def interactions_import(*, rows: Iterable[Row], skip_invalid: bool = False, batch_size: int = 1000) -> ImportReport:
    """Import (line, record) pairs in one transaction; with errors and not skip_invalid nothing is written."""
    report = ImportReport()
    try:
        with transaction.atomic():
            batch_import = _BatchImport(report=report, writer=writer_for(connection, batch_size=batch_size))
            for batch in _batches(rows, max(1, batch_size)):
                batch_import.run(batch)
            if report.error_count and not skip_invalid:
                raise _RollBack
    except _RollBack:
        report.created = report.updated = 0
        return report
    report.committed = True
    return report


def interactions_import_file(
    *,
    path_or_stream: str | Path | IO[Any],
    fmt: str | None = None,
    skip_invalid: bool = False,
    batch_size: int = 1000,
) -> ImportReport:
    """Import a JSON Lines or CSV file (optionally gzipped); the format is guessed from the extension when not given."""
    if isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        fmt = fmt or guess_format(path.name)
        opener: Any = gzip.open if path.suffix == ".gz" else open
        try:
            stream = opener(path, "rt", encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise ApplicationError(_("Cannot read {path}: {error}").format(path=path, error=exc.strerror)) from exc
        with stream:
            return interactions_import(rows=file_rows(stream, fmt), skip_invalid=skip_invalid, batch_size=batch_size)
    fmt = fmt or guess_format(str(getattr(path_or_stream, "name", "")))
    stream = text_stream(path_or_stream)
    return interactions_import(rows=file_rows(stream, fmt), skip_invalid=skip_invalid, batch_size=batch_size)


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
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for pk, key, *kept in self.model._base_manager.filter(**{f"{self.key}__in": chunk}).values_list(*fields):
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
    """Runs the batches of one import, keeping its report and its name caches."""

    def __init__(self, *, report: ImportReport, writer: Writer) -> None:
        self.report, self.writer = report, writer
        self.now = timezone.now()
        self.sites = _Lookup(Site, "name")
        self.teams = _Lookup(Team, "name")
        self.agents = _Lookup(Agent, "username")
        self.labels = _Lookup(Label, "code")
        self.customers = _Lookup(Customer, "external_id", keep="segment")
        self.sops = _Lookup(Sop, "code")

    def run(self, batch: list[Row]) -> None:
        for lookup in (self.sites, self.teams, self.agents, self.labels, self.customers, self.sops):
            lookup.trim()
        parsed = [(line, rec) for line, raw in batch if (rec := self._parse(line, raw)) is not None]
        existing = _existing_ids({(rec.source, rec.external_id) for _line, rec in parsed})
        protected = _protected_messages(list(existing.values()))
        parsed = self._check_references(parsed, existing, protected)
        latest: dict[tuple[str, str], InteractionIn] = {}
        for _line, rec in parsed:
            key = (rec.source, rec.external_id)
            if key in latest:  # the same interaction twice in a file: the later row wins
                self.report.updated += 1
            latest[key] = rec
        if latest:
            self._write(latest, existing, protected)

    def _reject(self, line: int, problems: list[tuple[str, str]]) -> None:
        self.report.skipped += 1
        self.report.error_count += len(problems)
        room = MAX_REPORTED_ERRORS - len(self.report.errors)
        self.report.errors.extend(RowError(line, f, m) for f, m in problems[: max(room, 0)])

    def _parse(self, line: int, raw: Any) -> InteractionIn | None:
        if isinstance(raw, UnreadableRow):
            self._reject(line, [(raw.field, raw.message)])
            return None
        problems = _authorship_errors(raw)
        try:
            rec = InteractionIn.model_validate(raw)
        except ValidationError as exc:
            problems = error_messages(exc) + problems
        if problems:
            self._reject(line, problems)
            return None
        return rec

    def _check_references(
        self,
        parsed: list[tuple[int, InteractionIn]],
        existing: dict[tuple[str, str], int],
        protected: dict[int, dict[int, int]],
    ) -> list[tuple[int, InteractionIn]]:
        """SOPs must be in the catalogue, message authors known or listed, reviewed messages kept."""
        self.sops.load(rec.sop for _line, rec in parsed if rec.sop)
        listed = {name for _line, rec in parsed for name in rec.agents}
        self.agents.load(m.agent for _line, rec in parsed for m in rec.messages if m.agent and m.agent not in listed)
        valid = []
        for line, rec in parsed:
            problems = []
            if rec.sop and rec.sop not in self.sops.ids:
                problems.append(("sop", _("unknown SOP {code}: SOPs come from the catalogue").format(code=rec.sop)))
            for i, msg in enumerate(rec.messages):
                if msg.agent and msg.agent not in listed and msg.agent not in self.agents.ids:
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

    def _resolve_names(self, records: Iterable[InteractionIn]) -> None:
        """Create the sites, teams, agents, labels and customers the records name and nobody has created yet."""
        records = list(records)
        self.sites.ensure({rec.site: {} for rec in reversed(records) if rec.site})
        teams: dict[str, dict[str, Any]] = {}
        agents: dict[str, dict[str, Any]] = {}
        for rec in reversed(records):  # reversed, so the first row naming a new team or agent decides its team and site
            site_id = self.sites.ids.get(rec.site) if rec.site else None
            if rec.team:
                teams[rec.team] = {"site_id": site_id}
            for name in [m.agent for m in rec.messages if m.agent] + rec.agents:
                agents[name] = {"team": rec.team, "site_id": site_id}
        self.teams.ensure(teams)
        for values in agents.values():
            team = values.pop("team")
            values["team_id"] = self.teams.ids[team] if team else None
        self.agents.ensure(agents)
        self.labels.ensure({rec.label: {} for rec in records if rec.label})
        segments = {rec.customer: rec.customer_segment for rec in records if rec.customer}
        self.customers.ensure({c: {"segment": s or ""} for c, s in segments.items()})
        changed: dict[str, list[int]] = defaultdict(list)
        for customer, segment in segments.items():
            if segment and self.customers.kept.get(customer) != segment:
                changed[segment].append(self.customers.ids[customer])
                self.customers.kept[customer] = segment
        for segment, pks in changed.items():
            Customer.objects.filter(pk__in=pks).update(segment=segment)

    def _interaction_row(self, rec: InteractionIn) -> tuple[Any, ...]:
        ids = self.agents.ids
        return (
            rec.external_id, rec.source, rec.channel, rec.language, rec.subject[:SUBJECT_MAX],
            self.customers.ids[rec.customer] if rec.customer else None,
            self.teams.ids[rec.team] if rec.team else None,
            self.sites.ids[rec.site] if rec.site else None,
            self.labels.ids[rec.label] if rec.label else None,
            self.sops.ids[rec.sop] if rec.sop else None,
            rec.phase or "", rec.default_status(), ids[rec.agents[-1]] if rec.agents else None,
            rec.created_at, rec.queued_at, rec.answered_at, rec.first_reply_at, rec.resolved_at, rec.closed_at,
            rec.talk_seconds, rec.hold_seconds, rec.acw_seconds, rec.abandoned, len(rec.messages), self.now,
        )  # fmt: skip

    def _write(
        self,
        latest: dict[tuple[str, str], InteractionIn],
        existing: dict[tuple[str, str], int],
        protected: dict[int, dict[int, int]],
    ) -> None:
        self._resolve_names(latest.values())
        new = [(key, rec) for key, rec in latest.items() if key not in existing]
        old = [(existing[key], rec) for key, rec in latest.items() if key in existing]
        new_ids = self.writer.insert_returning_ids(Interaction, INTERACTION_COLUMNS, [self._interaction_row(r) for _k, r in new])
        if old:
            self._update_interactions(old, protected)
        written = list(zip(new_ids, (rec for _k, rec in new), strict=True)) + old
        self.report.created += len(new)
        self.report.updated += len(old)
        agent_ids = self.agents.ids
        self.writer.insert(
            InteractionAgent,
            HANDLER_COLUMNS,
            ((pk, agent_ids[name], position) for pk, rec in written for position, name in enumerate(rec.agents)),
        )
        in_place: list[Message] = []
        rows = []
        for pk, rec in written:
            kept = protected.get(pk, {})
            for position, msg in enumerate(rec.messages):
                values = (msg.author, agent_ids[msg.agent] if msg.agent else None, msg.at, msg.body, msg.public)
                if position in kept:
                    in_place.append(Message(pk=kept[position], interaction_id=pk, position=position, **_message_fields(values)))
                else:
                    rows.append((pk, position, *values))
        self.writer.insert(Message, MESSAGE_COLUMNS, rows)
        if in_place:
            Message.objects.bulk_update(in_place, ["author_role", "agent_id", "sent_at", "body", "is_public"])

    def _update_interactions(self, old: list[tuple[int, InteractionIn]], protected: dict[int, dict[int, int]]) -> None:
        """Overwrite re-imported interactions and drop their handlers and messages, except reviewed messages."""
        fields = [name for name in INTERACTION_COLUMNS if name not in ("external_id", "source")]
        objs = [Interaction(pk=pk, **dict(zip(INTERACTION_COLUMNS, self._interaction_row(rec), strict=True))) for pk, rec in old]
        Interaction.objects.bulk_update(objs, fields, batch_size=200)
        pks = [pk for pk, _rec in old]
        InteractionAgent.objects.filter(interaction_id__in=pks).delete()
        keep = [message_pk for pk in pks for message_pk in protected.get(pk, {}).values()]
        Message.objects.filter(interaction_id__in=pks).exclude(pk__in=keep).delete()


def _authorship_errors(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """Only agent messages may name an agent (checked on the raw row, so it is reported alongside shape errors)."""
    messages = raw.get("messages")
    if not isinstance(messages, list):
        return []
    return [
        (f"messages[{i}].agent", _("only agent messages name an agent"))
        for i, msg in enumerate(messages)
        if isinstance(msg, dict) and msg.get("agent") and msg.get("author") != AuthorRole.AGENT
    ]


def _message_fields(values: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(("author_role", "agent_id", "sent_at", "body", "is_public"), values, strict=True))


def _existing_ids(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(source, external_id) → id of the interactions already stored."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, external_id in keys:
        by_source[source].append(external_id)
    found = {}
    for source, external_ids in by_source.items():
        for start in range(0, len(external_ids), 500):
            query = Interaction.objects.filter(source=source, external_id__in=external_ids[start : start + 500])
            for pk, external_id in query.values_list("pk", "external_id"):
                found[(source, external_id)] = pk
    return found


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
