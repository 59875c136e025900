"""What every big list shares: a whitelisted sort key, a page size, and numbered pages whose count stays cheap.

Pure helpers plus one small paginator. A list at 1,000,000 rows must not run `COUNT(*)` over every matching row on
each page: the count stops at COUNT_CAP (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`), and past it the page says "more
than 10,000" and numbers pages without a last one (benchmarks/README.md: Load).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import F, OrderBy, QuerySet

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
COUNT_CAP = 10_000
# Message text searches (`?text=`) count up to this many on PostgreSQL (page and API): each match is found by reading
# an interaction's messages, and counting 10,000 matches of a common word read 40,000 contacts' (benchmarks/README.md,
# "List pages at 1,000,000 again"). As many as "assign all N matching" takes (reviews.services.BULK_MAX).
SEARCH_COUNT_CAP = 1_000


def parse_sort(value: str | None, allowed: Mapping[str, Sequence[str]], default: str) -> str:
    """The sort key asked for ("score" or "-score") if it is one of `allowed`, else `default`."""
    key = value[1:] if value and value.startswith("-") else value
    return value if value and key in allowed else default


def sort_ordering(sort: str, allowed: Mapping[str, Sequence[str]], nullable: frozenset[str] = frozenset()) -> list[OrderBy]:
    """ORDER BY expressions for a parsed sort key: its columns in its direction, then the id in the same direction, so
    rows with equal values keep one stable order from page to page. Columns in `nullable` put missing values last
    either way; the others get a plain ASC/DESC, which PostgreSQL can read from an index (`DESC NULLS LAST` on a
    NOT NULL column made it sort a million rows for the default order: benchmarks/README.md, Lists at 1M)."""
    descending = sort.startswith("-")
    columns = [*allowed[sort[1:] if descending else sort], "id"]
    if descending:
        return [F(c).desc(nulls_last=True) if c in nullable else F(c).desc() for c in columns]
    return [F(c).asc(nulls_last=True) if c in nullable else F(c).asc() for c in columns]


def parse_page_size(value: str | None) -> int:
    """One of PAGE_SIZES; anything else gives the default."""
    try:
        size = int(value or "")
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def parse_page_number(value: str | None) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return 1
    return min(max(number, 1), 10**9)


@dataclass
class ListPage:
    """One page of a list: its rows, its number and size, and the total (exact up to COUNT_CAP, else "more than")."""

    rows: list[Any]
    number: int
    size: int
    count: int
    count_exact: bool
    window: list[int | None] = field(default_factory=list)

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def ids(self) -> list[int]:
        """The rows' ids (rows are dicts with "id")."""
        return [row["id"] for row in self.rows]

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)

    @property
    def num_pages(self) -> int | None:
        """The last page's number, when the count is exact."""
        return max(1, -(-self.count // self.size)) if self.count_exact else None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.end_index < self.count if self.count_exact else len(self.rows) == self.size

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_window(number: int, last: int | None, *, around: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the ones around the current page, the last when known; None for a gap."""
    end = last if last is not None else number + around
    shown = sorted({1, *range(max(1, number - around), min(end, number + around) + 1), *([last] if last else [])})
    window: list[int | None] = []
    for n in shown:
        if window and n - (window[-1] or 0) > 1:
            window.append(None)
        window.append(n)
    return window


def paginate(
    queryset: QuerySet[Any],
    *,
    number: int,
    size: int,
    columns: Sequence[str] = (),
    count_cap: int | None = COUNT_CAP,
    rows_at: Callable[[int, int], list[Any]] | None = None,
) -> ListPage:
    """The page `number` of `queryset` (a page past the end gives the last one), with a count capped at count_cap;
    with `columns`, rows are dicts of those columns (`values()`), counted without the joins they need. `rows_at(offset,
    limit)`: reads those rows instead of slicing the queryset (a list that knows a faster way to its page).

    On SQLite the count is exact (count_cap is ignored): its `COUNT(*)` walks a b-tree without reading rows (1.3 ms at
    20,000 interactions against 3.7 ms for the capped form), and SQLite installs are the small ones."""
    ids = queryset.order_by().values("pk")
    if count_cap is None or connections[queryset.db].vendor == "sqlite":
        count = ids.count()
        count_cap = max(count, 1)
    else:
        count = ids[: count_cap + 1].count()
    exact = count <= count_cap
    last = max(1, -(-count // size))
    if exact and number > last:
        number = last
    offset = (number - 1) * size
    fetched = queryset.values(*columns) if columns else queryset
    read = rows_at or (lambda start, limit: list(fetched[start : start + limit]))
    rows = read(offset, size)
    if not rows and number > 1 and not exact:  # beyond the capped count and past the real end
        number = 1
        rows = read(0, size)
    page = ListPage(rows=rows, number=number, size=size, count=count if exact else count_cap, count_exact=exact)
    page.window = page_window(number, page.num_pages)
    return page


def group_slices(counts: Sequence[tuple[Any, int]], offset: int, limit: int) -> list[tuple[Any, int, int]]:
    """Where rows offset … offset + limit of a list sorted group by group fall: (group, start, stop) within each group
    touched, in order, from the groups' row counts in the list's order. Groups of 0 rows are skipped.

    >>> group_slices([("a", 3), ("b", 0), ("c", 5)], offset=2, limit=4)
    [('a', 2, 3), ('c', 0, 3)]"""
    slices: list[tuple[Any, int, int]] = []
    seen, end = 0, offset + limit
    for group, count in counts:
        first, last = max(offset, seen), min(end, seen + count)
        if first < last:
            slices.append((group, first - seen, last - seen))
        seen += count
        if seen >= end:
            break
    return slices
