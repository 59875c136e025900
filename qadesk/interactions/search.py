"""Searching the text of messages (the interaction list's "Message text" filter, docs/lists.md).

PostgreSQL: full-text search. Each message keeps a `search_vector` (tsvector) made with the text search configuration
of its language — the message's own tag, else its interaction's — and the configuration's name in `search_config`;
a trigger fills both on every insert and update (imports' COPY included), and a GIN index serves the search
(migration interactions 0014). The query is read with `websearch_to_tsquery` in each configuration and compared only
with the messages made in that configuration, so "rimborsi" finds "rimborso" in Italian messages and an exclusion
stemmed in one language cannot let through a message of another.

SQLite (small installs): no stemming; the same syntax is read here (`websearch_terms`) and each term is a substring of
the body, in any case (ASCII letters only: SQLite's LIKE).

Either way an interaction matches when at least one of its messages matches the whole query.
"""

from __future__ import annotations

import re
from typing import NamedTuple

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
