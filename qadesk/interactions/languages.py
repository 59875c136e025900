"""Language tags (BCP 47, RFC 5646) of interactions and messages: their shape, their usual case, their names.

The shape is checked with RFC 5646's grammar for well-formed tags (not against the IANA registry, so a new
region or variant is accepted); names come from CLDR through Babel, in the user's language.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

_ALNUM = "[A-Za-z0-9]"
# RFC 5646 section 2.1, "langtag" (plus private-use-only tags such as x-klingon). Not accepted: grandfathered tags, and
# 4-8 letter language subtags, which the RFC reserves and nobody uses (they would let "english" pass as a tag).
_LANGTAG = re.compile(
    rf"""
    (?:
      (?P<language>[A-Za-z]{{2,3}}(?:-[A-Za-z]{{3}}){{0,3}})
      (?:-(?P<script>[A-Za-z]{{4}}))?
      (?:-(?P<region>[A-Za-z]{{2}}|[0-9]{{3}}))?
      (?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*
      (?:-[0-9A-WYZa-wyz](?:-{_ALNUM}{{2,8}})+)*
      (?:-[xX](?:-{_ALNUM}{{1,8}})+)?
    |
      [xX](?:-{_ALNUM}{{1,8}})+
    )
    """,
    re.VERBOSE,
)


def language_tag_normal(tag: str) -> str | None:
    """A well-formed tag in its usual case (`pt-br` → `pt-BR`, `ZH-hant` → `zh-Hant`), or None when it is not one."""
    match = _LANGTAG.fullmatch(tag)
    if match is None:
        return None
    parts = tag.split("-")
    out = [parts[0].lower()]
    in_extension = False
    for part in parts[1:]:
        if len(part) == 1:
            in_extension = True
        if in_extension:
            out.append(part.lower())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2:
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


@lru_cache(maxsize=4096)
def language_name(tag: str, ui_language: str) -> str:
    """The tag's name in the user's language (`pt-BR` in Italian: "portoghese (Brasile)"); the tag itself when CLDR
    has no name for it."""
    try:
        ui = Locale.parse(ui_language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        ui = Locale("en")
    for candidate in (tag, tag.split("-")[0]):
        try:
            name = Locale.parse(candidate, sep="-").get_display_name(ui)
        except (ValueError, UnknownLocaleError):
            continue
        if name:
            return name if candidate == tag else f"{name} ({tag})"
    return tag


def language_primary(tag: str | None) -> str:
    """The language subtag of a tag, lower case (`it-IT` → `it`): what reviewers' languages are matched on."""
    return (tag or "").split("-", 1)[0].strip().lower()
