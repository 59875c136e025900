"""Vendors' export files as import rows, for organisations that cannot open API access (docs/connectors.md, "Files").

A Zendesk, Freshdesk or Intercom export is read record by record and each record goes through the same mapping as
the connector's API payloads (vendors/*.py: `ticket_row`, `conversation_row`), so a file and a sync of the same
helpdesk make the same interactions. Accepted shapes, each documented in tests/fixtures/README.md:

- JSON Lines: one record per line (Zendesk's full JSON export is so);
- one JSON document: an array of records, or an object holding them under `tickets` / `conversations` (as the APIs
  answer; a Zendesk document may side-load `users`, whose roles then tell customers from agents).

A record that cannot be mapped (no id, a comment list that is not a list) is an error of its line, like any row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import chain
from typing import IO, TYPE_CHECKING, Any, cast

from django.utils.translation import gettext as _

from qadesk.connectors.client import HttpClient
from qadesk.connectors.vendors import freshdesk, intercom, zendesk
from qadesk.connectors.vendors.common import Context
from qadesk.core.errors import ApplicationError
from qadesk.core.inputs import MAX_JSON_DEPTH, deeper_than
from qadesk.imports.parsers import Row, UnreadableRow, json_record, readable

if TYPE_CHECKING:
    from qadesk.imports.services import ImportReport

VENDOR_FORMATS = ("zendesk", "freshdesk", "intercom")
# Where a JSON document keeps its records, per vendor.
LIST_KEYS = {"zendesk": "tickets", "freshdesk": "tickets", "intercom": "conversations"}


def context_for(*, source: str, labels: frozenset[str]) -> Context:
    """A mapping context for records read from a file: no helpdesk to ask (the row mappers never use the client)."""
    return Context(client=cast(HttpClient, None), source=source, labels=labels)


def _zendesk(record: dict[str, Any], ctx: Context, users: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    comments = record.get("comments")
    if comments is None:
        comments = []
    if not isinstance(comments, list) or not all(isinstance(c, dict) for c in comments):
        raise ValueError(_("comments must be a list of objects"))
    metric = record.get("metric_set") or record.get("metric_sets")
    return zendesk.ticket_row(record, comments, users, metric if isinstance(metric, dict) else None, ctx)


def _freshdesk(record: dict[str, Any], ctx: Context, users: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    conversations = record.get("conversations")
    if conversations is None:
        conversations = []
    if not isinstance(conversations, list) or not all(isinstance(c, dict) for c in conversations):
        raise ValueError(_("conversations must be a list of objects"))
    rating = ((record.get("satisfaction_rating") or {}).get("ratings") or {}).get("default_question")
    return freshdesk.ticket_row(record, conversations, rating, ctx)


def _intercom(record: dict[str, Any], ctx: Context, users: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    return intercom.conversation_row(record, ctx)


MAPPERS: dict[str, Callable[[dict[str, Any], Context, dict[Any, dict[str, Any]]], dict[str, Any]]] = {
    "zendesk": _zendesk,
    "freshdesk": _freshdesk,
    "intercom": _intercom,
}


def vendor_rows(stream: IO[bytes], *, vendor: str, source: str, labels: frozenset[str], name: str = "") -> Iterator[Row]:
    """(line, import row) for each record of a vendor's export; a record that cannot be mapped is that line's error."""
    if vendor not in MAPPERS:
        raise ApplicationError(_("Unknown helpdesk export {fmt}: use zendesk, freshdesk or intercom.").format(fmt=vendor))
    ctx = context_for(source=source, labels=labels)
    for line, record, users in _records(readable(stream, name=name), vendor):
        if isinstance(record, UnreadableRow):
            yield line, record
            continue
        yield line, _mapped(record, vendor, ctx, users)


def _mapped(record: Any, vendor: str, ctx: Context, users: dict[Any, dict[str, Any]]) -> dict[str, Any] | UnreadableRow:
    if not isinstance(record, dict):
        return UnreadableRow("", _("a record must be a JSON object"))
    if record.get("id") in (None, ""):
        return UnreadableRow("id", _("is required: the helpdesk's id of the record"))
    try:
        return MAPPERS[vendor](record, ctx, users)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # a field of the wrong type deep in the record
        return UnreadableRow("", _("cannot be read as a {vendor} record: {error}").format(vendor=vendor.capitalize(), error=exc))


def _records(stream: IO[bytes], vendor: str) -> Iterator[tuple[int, Any, dict[Any, dict[str, Any]]]]:
    """(line or position, record, side-loaded users) from JSON Lines or from one JSON document."""
    head = stream.peek(64).lstrip(b"\xef\xbb\xbf \t\r\n")  # type: ignore[attr-defined]
    first = stream.readline()
    rest_is_document = head[:1] == b"["
    if not rest_is_document:
        try:
            parsed = json.loads(first)
        except ValueError:
            parsed = None  # a document spread over several lines (pretty-printed)
        if isinstance(parsed, dict) and "id" in parsed:  # JSON Lines: the first line is a whole record
            yield from _lines(first, stream)
            return
        if parsed is None:
            rest_is_document = True
        else:
            yield from _document(parsed, vendor)
            return
    try:
        document = json.loads(first + stream.read())
    except (ValueError, RecursionError) as exc:
        raise ApplicationError(_("The file is neither JSON Lines nor one JSON document: {error}").format(error=exc)) from exc
    yield from _document(document, vendor)


def _lines(first: bytes, stream: IO[bytes]) -> Iterator[tuple[int, Any, dict[Any, dict[str, Any]]]]:
    for number, line in enumerate(chain([first], stream), 1):
        if line.strip():
            yield number, json_record(line), {}


def _document(document: Any, vendor: str) -> Iterator[tuple[int, Any, dict[Any, dict[str, Any]]]]:
    if isinstance(document, dict):
        records = document.get(LIST_KEYS[vendor])
        users = {u.get("id"): u for u in document.get("users") or [] if isinstance(u, dict)}
    else:
        records, users = document, {}
    if not isinstance(records, list):
        raise ApplicationError(
            _("A {vendor} export holds a list of {key}, as JSON Lines or in one JSON document.").format(
                vendor=vendor.capitalize(), key=LIST_KEYS[vendor]
            )
        )
    for position, record in enumerate(records, 1):
        if deeper_than(record, MAX_JSON_DEPTH):
            yield position, UnreadableRow("", _("JSON nested deeper than {n} levels").format(n=MAX_JSON_DEPTH)), users
        else:
            yield position, record, users


def vendor_file_import(
    *,
    path: str,
    vendor: str,
    source: str,
    skip_invalid: bool = False,
    last_wins: bool = False,
    batch_size: int | None = None,
    create_missing: frozenset[str] = frozenset(),
    new_revision: bool = False,
) -> ImportReport:
    """Import a helpdesk's export file (`qadesk import interactions FILE --format zendesk|freshdesk|intercom`)."""
    from qadesk.imports.services import BATCH_SIZE, interactions_import
    from qadesk.interactions.models import Label

    labels = frozenset(Label.objects.values_list("code", flat=True))
    try:
        raw = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise ApplicationError(_("Cannot read {path}: {error}").format(path=path, error=exc.strerror)) from exc
    with raw:
        rows = vendor_rows(raw, vendor=vendor, source=source, labels=labels, name=path)
        return interactions_import(
            rows=rows,
            skip_invalid=skip_invalid,
            last_wins=last_wins,
            batch_size=batch_size or BATCH_SIZE,
            create_missing=create_missing,
            new_revision=new_revision,
        )
