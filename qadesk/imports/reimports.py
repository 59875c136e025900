"""What a re-import compares: the stored interactions a batch names, the digests that tell unchanged rows and
transcripts without reading them back, and the transcripts a review saw (which may only grow)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.db import connection, models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from qadesk.imports.schemas import MessageIn
from qadesk.interactions.models import Interaction, Message
from qadesk.reviews.models import Review, ReviewStatus

MESSAGE_FIELDS = (
    "author", "agent", "at", "body", "public", "language", "format", "name", "parameters", "translation",
    "translation_language",
)  # fmt: skip


class Stored(NamedTuple):
    """A stored interaction as a re-import compares it: its id, the compared columns' values, its digests."""

    pk: int
    values: tuple[Any, ...]
    handlers_hash: str
    transcript_hash: str
    row_hash: str


def stored_rows(keys: set[tuple[str, str]], columns: Sequence[str]) -> dict[tuple[str, str], Stored]:
    """(source, external_id) → the interaction already stored under it, as a re-import compares it."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, external_id in keys:
        by_source[source].append(external_id)
    found = {}
    fields = ("pk", "external_id", *columns, "handlers_hash", "transcript_hash", "row_hash")
    for source, external_ids in by_source.items():
        for query in where_in(Interaction.objects.filter(source=source).order_by(), "external_id", external_ids):
            for pk, external_id, *values, handlers_hash, transcript_hash, row_hash in query.values_list(*fields):
                found[(source, external_id)] = Stored(pk, tuple(values), handlers_hash, transcript_hash, row_hash)
    return found


class RowHashes:
    """Which rows of a batch are, byte for byte, the row that last wrote their interaction (its `row_hash`).

    On PostgreSQL this asks on a connection of its own, so that the reading thread can ask while the writer's thread
    uses the import's connection: it sees what was committed before, not what this import wrote — a row written by
    this import is then compared the usual way, and a row met twice is a duplicate (see `run`). Elsewhere it asks on
    the import's connection, which is free while the reading thread works."""

    def __init__(self) -> None:
        self.raw: Any = None
        if connection.vendor == "postgresql":
            import psycopg

            self.raw = psycopg.connect(**connection.get_connection_params(), autocommit=True)
            table = connection.ops.quote_name(Interaction._meta.db_table)
            self.sql = f"SELECT row_hash, source, external_id FROM {table} WHERE row_hash = ANY(%s)"  # noqa: S608

    def lookup(self, digests: list[str]) -> dict[str, tuple[str, str]]:
        if self.raw is None:
            rows: Iterable[tuple[str, str, str]] = Interaction.objects.filter(row_hash__in=digests).values_list(
                "row_hash", "source", "external_id"
            )
        else:
            rows = self.raw.execute(self.sql, [digests]).fetchall()
        return {digest: (source, external_id) for digest, source, external_id in rows}

    def close(self) -> None:
        if self.raw is not None:
            self.raw.close()


def interactions_under_review(pks: list[int]) -> set[int]:
    """The interactions whose transcript a review saw: a submitted review, a dispute not yet decided, a calibration."""
    from qadesk.calibration.models import CalibrationItem
    from qadesk.disputes.models import Dispute, DisputeStatus

    current = {"transcript__isnull": True}  # not those that scored a revision kept already
    open_dispute = Exists(Dispute.objects.filter(review=OuterRef("pk")).exclude(status=DisputeStatus.DECIDED))
    queries = (
        Review.objects.filter(**current, status=ReviewStatus.SUBMITTED),
        Review.objects.filter(**current).filter(open_dispute),
        CalibrationItem.objects.filter(**current),
    )
    # One array per query (`where_in`): a batch's 2,000 ids as `IN (…)` cost Django and psycopg ~0.1 s a query to build.
    found: set[int] = set()
    for query in queries:
        for part in where_in(query, "interaction", pks):
            found.update(part.values_list("interaction_id", flat=True))
    return found


def transcripts_of(pks: set[int]) -> dict[int, list[tuple[Any, ...]]]:
    """interaction id → its stored messages in order, as MESSAGE_FIELDS."""
    found: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    query = Message.objects.filter(interaction_id__in=pks).order_by("interaction_id", "position")
    fields = (
        "interaction_id", "author_role", "agent__username", "sent_at", "body", "is_public", "language", "body_format",
        "event_name", "event_parameters", "translation", "translation_language",
    )  # fmt: skip
    for pk, *values in query.values_list(*fields) if pks else ():
        found[pk].append(tuple(values))
    return found


def transcript_edits(before: list[tuple[Any, ...]], messages: list[MessageIn]) -> list[tuple[str, str]]:
    """Why a new transcript may not replace a reviewed one: messages removed, or changed (which fields)."""
    problems = []
    if len(messages) < len(before):
        problems.append(
            (
                "messages",
                _(
                    "the reviewed transcript has {before} messages and this row {after}: "
                    "messages cannot be removed from a reviewed transcript (“Revise reviewed transcripts”, or --new-revision, "
                    "keeps it as a revision)"
                ).format(before=len(before), after=len(messages)),
            )
        )
    for i, (old, msg) in enumerate(zip(before, messages, strict=False)):
        new = _message_tuple(msg)
        edited = [name for name, a, b in zip(MESSAGE_FIELDS, old, new, strict=True) if a != b]
        if edited:
            problems.append(
                (
                    f"messages[{i}]",
                    _(
                        "changed ({fields}) though the transcript is reviewed: only new messages at its end are taken "
                        "(“Revise reviewed transcripts”, or --new-revision, keeps it as a revision)"
                    ).format(fields=", ".join(edited)),
                )
            )
    return problems


def revision_summary(before: list[tuple[Any, ...]], messages: list[MessageIn]) -> str:
    """What a new transcript revision changes, for the report: "2 changed, 32 removed" (counts of messages)."""
    changed = sum(1 for old, msg in zip(before, messages, strict=False) if old != _message_tuple(msg))
    removed, added = max(0, len(before) - len(messages)), max(0, len(messages) - len(before))
    parts = [(changed, "changed"), (removed, "removed"), (added, "added")]
    return ", ".join(f"{n} {what}" for n, what in parts if n) or "0 changed"


def _message_tuple(msg: MessageIn) -> tuple[Any, ...]:
    """A message as `transcripts_of` reads a stored one (MESSAGE_FIELDS)."""
    return (
        msg.author, msg.agent, msg.at, msg.body or "", msg.public, msg.language or "", msg.format, *msg.event(),
        msg.translation or "", msg.translation_language or "",
    )  # fmt: skip


def row_digest(raw: Any) -> str:
    """The digest of a row as read: a JSON Lines line's bytes, or a record's (CSV row, API record) keys and values."""
    data = raw if isinstance(raw, bytes) else raw.encode() if isinstance(raw, str) else repr(raw).encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def digest(value: Any) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def transcript_digest(messages: list[MessageIn]) -> str:
    """The transcript's digest: each message's author, agent, time (as an instant), body, visibility, language, format,
    and its event and translation when it has any (MessageIn.extras)."""
    return digest(
        [
            (
                m.author,
                m.agent,
                m.at.timestamp() if m.at else None,
                m.body or "",
                m.public,
                m.language or "",
                m.format,
                *m.extras(),
            )
            for m in messages
        ]
    )


def where_in(query: models.QuerySet[Any], name: str, values: list[Any]) -> Iterator[models.QuerySet[Any]]:
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
