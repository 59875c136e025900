"""Searching the text of messages (the interaction list's "Message text" filter, docs/lists.md).

PostgreSQL: full-text search. Each message keeps a `search_vector` (tsvector) made with the text search configuration
of its language — the message's own tag, else its interaction's — and the configuration's name in `search_config`;
a trigger fills both on every insert and update, and a GIN index serves the search (migration interactions 0014).
An import's COPY writes the configuration itself and leaves the vector to a job after its commit (migration 0020:
`message_search_later`); the search reads those messages' bodies until then. The query is read with
`websearch_to_tsquery` in each configuration and compared only with the messages made in that configuration, so
"rimborsi" finds "rimborso" in Italian messages and an exclusion stemmed in one language cannot let through a message
of another.

SQLite (small installs): no stemming; the same syntax is read here (`websearch_terms`) and each term is a substring of
the body, in any case (ASCII letters only: SQLite's LIKE).

Either way an interaction matches when at least one of its messages matches the whole query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from django.db.backends.base.base import BaseDatabaseWrapper

# BCP 47 primary language subtag -> PostgreSQL text search configuration (stemming and stop words of that language).
# Other languages are searched word for word ("simple"). Changing this map needs a migration: the trigger's function
# (migration interactions 0014) holds the same map, and the stored vectors were made with it.
TEXT_SEARCH_CONFIGS = {"it": "italian", "fr": "french", "en": "english"}
SIMPLE_CONFIG = "simple"
SEARCH_CONFIGS = (*TEXT_SEARCH_CONFIGS.values(), SIMPLE_CONFIG)


def text_search_config(tag: str) -> str:
    """The configuration a text in language `tag` is indexed with: "it-IT" → "italian", "de" or "" → "simple"."""
    return TEXT_SEARCH_CONFIGS.get(tag.split("-")[0].strip().lower(), SIMPLE_CONFIG)


class TermGroup(NamedTuple):
    """Terms a message must all contain (`include`) and must not contain (`exclude`); a phrase is one term."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def websearch_terms(text: str) -> list[TermGroup]:
    """The query as web search engines read it, as alternatives: words, "quoted phrases", -excluded words or phrases,
    and OR between alternatives (AND binds tighter, as in PostgreSQL's websearch_to_tsquery).

    >>> websearch_terms('rimborso "ordine annullato" -spedizione or reso')
    [TermGroup(include=('rimborso', 'ordine annullato'), exclude=('spedizione',)), TermGroup(include=('reso',), exclude=())]

    Groups with no term are dropped: an empty list matches nothing."""
    groups: list[TermGroup] = []
    include: list[str] = []
    exclude: list[str] = []
    for match in _TOKEN.finditer(text):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None and word.lower() == "or":
            if include or exclude:
                groups.append(TermGroup(tuple(include), tuple(exclude)))
            include, exclude = [], []
            continue
        if word is not None:
            negated, term = ("-", word[1:]) if word.startswith("-") else ("", word)
        else:
            term = " ".join(phrase.split())
        term = term.strip()
        if term:
            (exclude if negated else include).append(term)
    if include or exclude:
        groups.append(TermGroup(tuple(include), tuple(exclude)))
    return groups


# --- PostgreSQL: messages indexed after an import (migration interactions 0020) ---

# While this transaction-local setting is 'on', the message trigger leaves `search_vector` NULL on an INSERT that brings
# its own `search_config`: the import's COPY does (`message_search_later`); `services.messages_search_index` fills them.
SEARCH_LATER_SETTING = "qadesk.message_search_later"


@contextmanager
def message_search_later(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """In the block (PostgreSQL, inside a transaction), messages inserted with their `search_config` get no vector yet:
    the caller queues `messages_search_index_after_commit`. Until then the search reads their bodies (selectors). The
    previous value is set back afterwards; a rollback undoes it by itself."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), set_config(%s, 'on', true)",
            [SEARCH_LATER_SETTING, SEARCH_LATER_SETTING],
        )
        before = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [SEARCH_LATER_SETTING, before])


def search_config_oids(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """PostgreSQL: each configuration's name → its oid, the value a binary COPY writes in a `regconfig` column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, ('pg_catalog.' || name)::regconfig::oid FROM unnest(%s::text[]) AS name", [list(SEARCH_CONFIGS)]
        )
        return {name: int(oid) for name, oid in cursor.fetchall()}
