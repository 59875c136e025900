"""pydantic's validation errors in plain words, in the user's language, each with the field it is about.

pydantic writes its messages in English only, but each error has a stable *type* (`missing`, `literal_error`, …) and a
context (`max_length`, `expected`, …): the reason is chosen here from those. One implementation for every door that
validates with pydantic — the API's 422 answers (core/api.py) and the import report (imports)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError
from pydantic_core.core_schema import ErrorType

# pydantic's own error types; any other type was raised by a validator (PydanticCustomError) with its own message.
_PYDANTIC_TYPES = frozenset(get_args(ErrorType))

_DATETIME = ("datetime_type", "datetime_parsing", "datetime_object_invalid", "datetime_from_date_parsing")
_DATE = ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact")

# type → (reason, reason quoting the rejected value). The second is used when the error still carries the value: the
# import report does (a file of thousands of rows needs it), the API does not (django-ninja drops it; the caller sent it).
_REASONS: dict[str, tuple[Promise, Promise | None]] = {
    "missing": (gettext_lazy("is required"), None),
    "extra_forbidden": (gettext_lazy("is not an accepted field"), None),
    "string_type": (gettext_lazy("must be text"), None),
    "string_too_long": (gettext_lazy("must be at most {n} characters"), None),
    "string_pattern_mismatch": (gettext_lazy("is not in the expected form"), None),
    "literal_error": (gettext_lazy("is not one of: {expected}"), gettext_lazy("{value} is not one of: {expected}")),
    "int_type": (gettext_lazy("is not a whole number"), gettext_lazy("{value} is not a whole number")),
    "float_type": (gettext_lazy("is not a number"), gettext_lazy("{value} is not a number")),
    "bool_type": (gettext_lazy("is not true or false"), gettext_lazy("{value} is not true or false")),
    "datetime_type": (
        gettext_lazy("is not a date and time (ISO 8601, e.g. 2026-10-01T09:00:00Z)"),
        gettext_lazy("{value} is not a date and time (ISO 8601, e.g. 2026-10-01T09:00:00Z)"),
    ),
    "date_type": (gettext_lazy("is not a date (YYYY-MM-DD)"), gettext_lazy("{value} is not a date (YYYY-MM-DD)")),
    "greater_than": (gettext_lazy("must be more than {gt}"), None),
    "greater_than_equal": (gettext_lazy("must be {ge} or more"), None),
    "less_than": (gettext_lazy("must be less than {lt}"), None),
    "less_than_equal": (gettext_lazy("must be {le} or less"), None),
    "too_short": (gettext_lazy("needs at least {min_length} items"), None),
    "too_long": (gettext_lazy("must have at most {max_length} items"), None),
    "list_type": (gettext_lazy("must be a list"), None),
    "model_type": (gettext_lazy("must be an object"), None),
    "json_invalid": (gettext_lazy("is not valid JSON"), None),
    "uuid_type": (gettext_lazy("is not a UUID"), None),
    "url_type": (gettext_lazy("is not a web address"), None),
}
# Types that read the same as another one.
_ALIASES = {
    "enum": "literal_error",
    "int_parsing": "int_type",
    "int_from_float": "int_type",
    "float_parsing": "float_type",
    "decimal_type": "float_type",
    "decimal_parsing": "float_type",
    "bool_parsing": "bool_type",
    "tuple_type": "list_type",
    "set_type": "list_type",
    "dict_type": "model_type",
    "model_attributes_type": "model_type",
    "dataclass_type": "model_type",
    "uuid_parsing": "uuid_type",
    "url_parsing": "url_type",
    **dict.fromkeys(_DATETIME, "datetime_type"),
    **dict.fromkeys(_DATE, "date_type"),
}


def field_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """('messages', 3, 'author') → 'messages[3].author'."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def error_messages(exc: ValidationError) -> list[tuple[str, str]]:
    """pydantic's errors as (field path, translated reason) pairs."""
    return [(field_path(err["loc"]), error_message(err)) for err in exc.errors(include_url=False)]


def error_message(error: Mapping[str, Any]) -> str:
    """One error of `ValidationError.errors()` as a reason in the active language, e.g. "is required".

    A validator's own message (ValueError, assertion, PydanticCustomError) is kept as written: it is translated where
    it is raised. Any other type reads "is not valid"."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error") or error["msg"])
    if kind not in _PYDANTIC_TYPES:
        return str(error["msg"])
    if kind == "too_long" and isinstance(error.get("input"), str):  # a length check behind a validator: still characters
        kind = "string_too_long"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return _("must not be empty")
    if kind == "string_too_short":
        return _("is shorter than {n} characters").format(n=ctx.get("min_length"))
    reasons = _REASONS.get(_ALIASES.get(kind, kind))
    if reasons is None:
        return _("is not valid")
    plain, quoted = reasons
    template = quoted if quoted is not None and "input" in error else plain
    values = {**ctx, "n": ctx.get("max_length"), "expected": _expected(ctx), "value": repr(error.get("input"))}
    for bound in ("gt", "ge", "lt", "le"):  # pydantic-core gives a float field's bound as a float: "1", not "1.0"
        if isinstance(values.get(bound), float) and values[bound].is_integer():
            values[bound] = int(values[bound])
    return str(template).format_map(values)


def _expected(ctx: Mapping[str, Any]) -> str:
    """pydantic's "'a', 'b' or 'c'" as "'a', 'b', 'c'": the English "or" would stay untranslated."""
    head, sep, last = str(ctx.get("expected", "")).rpartition(" or ")
    return f"{head}, {last}" if sep else last
