"""What the three vendors' mappings share: a page of import rows, and the small conversions they all need."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from django.utils.translation import gettext as _

from qadesk.connectors.client import ConnectorError, HttpClient


@dataclass
class Page:
    """One page of a vendor's change feed, mapped: import rows, ids deleted upstream, and the cursor after it."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    cursor: dict[str, Any] = field(default_factory=dict)
    reached: datetime | None = None  # the latest change this page covers: how far the sync has come


class Feed(Protocol):
    def pages(self, *, cursor: dict[str, Any], start: datetime | None) -> Iterator[Page]: ...


@dataclass
class Context:
    """What a mapping needs besides the vendor's records: the client, the source name, the label codes that exist."""

    client: HttpClient
    source: str
    labels: frozenset[str]


def from_unix(value: Any) -> str | None:
    """A Unix timestamp (seconds) as ISO 8601 UTC; None stays None."""
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(int(value), tz=UTC).isoformat()


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def first_label(tags: Iterable[str], labels: frozenset[str]) -> str | None:
    """The first tag that is an existing qadesk label code: tags are free text, labels a catalogue."""
    return next((tag for tag in tags if tag in labels), None)


def agents_in_order(authors: Iterable[str | None], assignee: str | None) -> list[str]:
    """Everyone who wrote as an agent, in order of first appearance, with the assignee last (the one credited)."""
    seen = [name for name in dict.fromkeys(a for a in authors if a) if name != assignee]
    return [*seen, assignee] if assignee else seen


def require(data: Any, key: str, kind: type, what: str) -> Any:
    """The page's `key` of the expected type, else the page is malformed (the sync stops; the cursor stays)."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, kind):
        raise ConnectorError(_("The helpdesk sent a malformed page: {what} has no list of {key}.").format(what=what, key=key))
    return value
