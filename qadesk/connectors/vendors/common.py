"""What the three vendors' mappings share: a page of import rows, and the small conversions they all need."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext as _

from qadesk.connectors.client import ConnectorError, HttpClient, NotFound

# Per-record requests (a ticket's comments, a conversation's parts) made at once, each on its own keep-alive
# connection: one after the other, a sync waits a round trip per ticket (it ran at 253 tickets/s on a loaded machine
# using an eighth of a core). Each connection honours 429/Retry-After on its own.
CONNECTIONS = 4
T = TypeVar("T")
R = TypeVar("R")


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


class Parallel:
    """Runs `fn(client, item)` for a page's items on CONNECTIONS connections at once, results in the items' order; a
    record gone meanwhile (404) comes back as its NotFound, any other error stops the page (and the sync)."""

    def __init__(self, client: HttpClient, size: int = CONNECTIONS) -> None:
        self.client, self.size = client, size
        self.pool = ThreadPoolExecutor(size, thread_name_prefix="qadesk-connector")
        self.local = threading.local()
        self.copies: list[HttpClient] = []
        self.lock = threading.Lock()

    def map(self, fn: Callable[[HttpClient, T], R], items: Iterable[T]) -> list[R | NotFound]:
        # One task per connection, each working through every size-th item, rather than one task per item: a
        # thousand futures, queue hand-overs and thread wake-ups a page cost more CPU than the mapping of a ticket.
        def chunk(part: list[T]) -> list[R | NotFound]:
            client = self._own()
            done: list[R | NotFound] = []
            for item in part:
                try:
                    done.append(fn(client, item))
                except NotFound as exc:
                    done.append(exc)
            return done

        listed = list(items)
        size = self.size
        try:
            parts = list(self.pool.map(chunk, [listed[k::size] for k in range(min(size, len(listed)))]))
        finally:
            self._count()
        results: list[R | NotFound] = [None] * len(listed)  # type: ignore[list-item]
        for k, part in enumerate(parts):
            results[k::size] = part
        return results

    def close(self) -> None:
        self.pool.shutdown()
        self._count()
        for copy in self.copies:
            copy.close()

    def _own(self) -> HttpClient:
        copy: HttpClient | None = getattr(self.local, "client", None)
        if copy is None:
            copy = self.local.client = self.client.copy()
            with self.lock:
                self.copies.append(copy)
        return copy

    def _count(self) -> None:
        """The requests and waits of the copies, added to the main client's (what the sync reports)."""
        with self.lock:
            for copy in self.copies:
                self.client.requests, copy.requests = self.client.requests + copy.requests, 0
                self.client.waited, copy.waited = self.client.waited + copy.waited, 0.0


_END = object()


def read_ahead(pages: Iterator[Page]) -> Generator[Page, None, None]:
    """The same pages, the next one read on a thread while the caller works on this one (one page ahead at most).

    What the feed raises is raised here, in order, after the pages before it; when the caller stops early (an error
    importing a page), the thread stops at its next page and the feed is closed there. The cursor still moves only
    with the pages the caller commits."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for page in pages:
                while not stop.is_set():
                    try:
                        ready.put(page, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            _hand(ready, stop, _END)
        except BaseException as exc:  # handed to the caller's thread and raised there
            _hand(ready, stop, exc)
        finally:
            close = getattr(pages, "close", None)  # a generator: its own finally blocks run here
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="qadesk-connector-pages", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _hand(ready: queue.Queue[Any], stop: threading.Event, item: object) -> None:
    while not stop.is_set():
        try:
            ready.put(item, timeout=0.1)
            return
        except queue.Full:
            continue
