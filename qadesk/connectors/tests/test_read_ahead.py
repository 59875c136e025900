"""The sync's two kinds of overlap: a page's requests on several connections at once, and the next page read while
this one is imported."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from qadesk.connectors.client import ConnectorError, HttpClient, NotFound
from qadesk.connectors.vendors.common import Page, Parallel, read_ahead


def _feed(n: int, fail_at: int | None = None, closed: list[bool] | None = None) -> Iterator[Page]:
    try:
        for i in range(n):
            if i == fail_at:
                raise ConnectorError("malformed page")
            yield Page(cursor={"page": i})
    finally:
        if closed is not None:
            closed.append(True)


def test_it_yields_the_pages_in_order_then_the_feeds_error() -> None:
    seen = []
    with pytest.raises(ConnectorError, match="malformed"):
        for page in read_ahead(_feed(5, fail_at=3)):
            seen.append(page.cursor["page"])
    assert seen == [0, 1, 2]


def test_a_caller_that_stops_early_stops_the_reader_and_closes_the_feed() -> None:
    closed: list[bool] = []
    pages = read_ahead(_feed(100, closed=closed))
    assert next(pages).cursor == {"page": 0}
    pages.close()
    assert closed == [True]
    assert not any(t.name == "qadesk-connector-pages" for t in threading.enumerate())


def test_parallel_keeps_the_order_returns_404s_and_counts_every_request() -> None:
    client = HttpClient(base_url="http://127.0.0.1:9", headers={})
    threads: set[str] = set()

    def fetch(own: HttpClient, item: int) -> Any:
        assert own is not client  # each thread has its own connection
        threads.add(threading.current_thread().name)
        own.requests += 1
        if item == 2:
            raise NotFound("gone")
        return item * 10

    fetcher = Parallel(client)
    try:
        results = fetcher.map(fetch, range(6))
    finally:
        fetcher.close()
    assert [r if not isinstance(r, NotFound) else "404" for r in results] == [0, 10, "404", 30, 40, 50]
    assert client.requests == 6 and threads


def test_parallel_stops_the_page_on_any_other_error() -> None:
    def fetch(own: HttpClient, item: int) -> int:
        if item == 1:
            raise ConnectorError("The helpdesk refused the credentials (401).")
        return item

    fetcher = Parallel(HttpClient(base_url="http://127.0.0.1:9", headers={}))
    try:
        with pytest.raises(ConnectorError, match="401"):
            fetcher.map(fetch, range(3))
    finally:
        fetcher.close()


def test_parallel_keeps_the_order_of_a_full_page_and_of_none() -> None:
    """Each connection works through every 4th item (one task per connection): the results still come in order."""
    fetcher = Parallel(HttpClient(base_url="http://127.0.0.1:9", headers={}))
    try:
        assert fetcher.map(lambda own, item: item, []) == []
        assert fetcher.map(lambda own, item: item * 2, range(1001)) == [i * 2 for i in range(1001)]
    finally:
        fetcher.close()
