"""Text hygiene for names that come from outside (helpdesk exports, the admin).

Bidirectional control characters (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/U+200F marks,
U+061C Arabic letter mark) reorder how text is displayed: `"\u202eexe.txt"` shows as `txt.exe`, and an agent or team
name can be made to look like another. qadesk removes them from names when they are written (import, admin), so pages,
API answers, CSV exports and e-mails all show the same plain characters."""

from __future__ import annotations

from typing import Any

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_REMOVE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi_controls(value: Any) -> Any:
    """The text without bidirectional control characters; anything that is not text is returned as it is.

    ASCII text has none (they are all beyond U+007F) and is returned as it is: `isascii` is much cheaper than building
    the translated copy, and most names in imports are ASCII (a call per name of every row)."""
    if isinstance(value, str) and not value.isascii():
        return value.translate(_REMOVE)
    return value
