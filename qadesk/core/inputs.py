"""Hostile input: the limits every door applies (API, pages, import), in one place.

What a person or a program may send qadesk is checked before it reaches a query: ids are ASCII digits within the
database's integer range (`'²'.isdigit()` is True, yet `int('²')` fails, and an id above 2⁶³−1 overflows SQLite and
PostgreSQL alike); text never holds a null character (PostgreSQL cannot store one); JSON is nested at most
MAX_JSON_DEPTH levels. The API's parser (core/api.py), the null-character middleware (core/middleware.py) and the
import (imports/parsers.py) all use these helpers, so the limits read the same everywhere (README, "API").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import Field

MAX_INT = 2**63 - 1  # the largest value of a database id (bigint) and of any integer qadesk reads from JSON
MAX_JSON_DEPTH = 32  # arrays and objects inside each other; qadesk's own documents need fewer than 8
NULL = "\x00"

_ASCII_DIGITS = re.compile(r"[0-9]+")
# What no database column can hold: a null character, and a lone surrogate (not Unicode text; JSON's "\\ud800" decodes
# to one in Python, and it cannot be encoded as UTF-8 to be sent to the database).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

Id = Annotated[int, Field(ge=1, le=MAX_INT)]
"""An object's id in the API: a whole number from 1 to 2⁶³−1."""

# Database column ranges, for the API's integer fields that are stored as they are.
SMALL_INT_MAX = 32_767
INT_MAX = 2_147_483_647


def parse_id(text: str | None) -> int | None:
    """An id typed by a person or put in a URL: ASCII digits from 1 to 2⁶³−1, else None ('²', '-1', '٣', '1e3')."""
    if text is None or not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_INT else None


def unstorable(text: str) -> str | None:
    """ "null_character" or "surrogate" when `text` holds what no database column can store, else None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "null_character" if found.group() == NULL else "surrogate"


def unstorable_message(kind: str) -> str:
    """Why text of this kind (see `unstorable`) is refused, in the active language."""
    return _("must not contain a null character") if kind == "null_character" else _("is not valid Unicode text")


def unstorable_path(value: Any, path: tuple[str | int, ...] = ()) -> tuple[tuple[str | int, ...], str] | None:
    """Where the first unstorable text of a decoded JSON value is (in a key or a text) and which kind, or None."""
    for location, item in _walk(value, path):
        if isinstance(item, str) and (kind := unstorable(item)) is not None:
            return location, kind
    return None


def deeper_than(value: Any, limit: int) -> bool:
    """Whether a decoded JSON value nests arrays and objects more than `limit` levels (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def out_of_range_path(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """Where the first integer beyond ±(2⁶³−1) of a decoded JSON value is, or None."""
    for location, item in _walk(value, path):
        if isinstance(item, int) and not isinstance(item, bool) and not -MAX_INT <= item <= MAX_INT:
            return location
    return None


def _walk(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every key and value of a decoded JSON value with its location, depth first, without recursion."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, value)]
    while stack:
        location, item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                yield (*location, key), key
                stack.append(((*location, key), child))
        elif isinstance(item, list):
            stack.extend(((*location, index), child) for index, child in enumerate(item))
        else:
            yield location, item
