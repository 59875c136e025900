"""A sampling plan's candidate filters, checked when the plan is saved and again before each draw.

`filters` is free JSON in the API, so without a check a plan could be saved that only fails later, in the worker, with
a database error nobody sees ({"teams": ["T1"]}). Teams are given by id, as the plan form and the API's answers give
them: a name is refused, with the id to use, rather than resolved, so what a client sends is what the plan stores.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from qadesk.accounts.models import Team
from qadesk.core.errors import InvalidInput
from qadesk.interactions.models import Label

FILTER_KEYS = ("labels", "teams", "date_from", "date_to", "long_handle_seconds", "tags", "custom_fields")


def sampling_filters_check(filters: Any) -> dict[str, Any]:
    """The filters if every one is valid; otherwise InvalidInput naming the first wrong filter and why."""
    if not isinstance(filters, dict):
        raise InvalidInput(_("must be an object"), field=("filters",))
    for key in filters:
        if key not in FILTER_KEYS:
            raise InvalidInput(
                _("{key} is not a filter; the filters are: {keys}.").format(key=key, keys=", ".join(FILTER_KEYS)),
                field=("filters", str(key)),
            )
    if "labels" in filters:
        _check_labels(filters["labels"])
    if "teams" in filters:
        _check_teams(filters["teams"])
    dates = {key: _check_date(filters[key], key) for key in ("date_from", "date_to") if filters.get(key) is not None}
    if len(dates) == 2 and dates["date_from"] > dates["date_to"]:
        raise InvalidInput(_("date_from is after date_to."), field=("filters", "date_from"))
    if "tags" in filters:
        _check_tags(filters["tags"])
    if "custom_fields" in filters:
        _check_custom_fields(filters["custom_fields"])
    seconds = filters.get("long_handle_seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 1):
        raise InvalidInput(_("must be a whole number of seconds, 1 or more"), field=("filters", "long_handle_seconds"))
    return filters


def _check_tags(tags: Any) -> None:
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise InvalidInput(_("must be a list of tags"), field=("filters", "tags"))


def _check_custom_fields(values: Any) -> None:
    """{key: value}: the candidates' custom field holds that value (text, a number, true/false; a date as YYYY-MM-DD)."""
    if not isinstance(values, dict):
        raise InvalidInput(_("must be an object"), field=("filters", "custom_fields"))
    for key, value in values.items():
        if not isinstance(value, str | int | float) or value == "":
            raise InvalidInput(_("must be text, a number or true/false"), field=("filters", "custom_fields", str(key)))


def _check_labels(labels: Any) -> None:
    if not isinstance(labels, list) or not all(isinstance(code, str) for code in labels):
        raise InvalidInput(_("must be a list of label codes"), field=("filters", "labels"))
    unknown = sorted(set(labels) - set(Label.objects.filter(code__in=labels).values_list("code", flat=True)))
    if unknown:
        raise InvalidInput(
            _("No label has the code: {codes} (labels come with imported interactions, or are added in the admin site).").format(
                codes=", ".join(unknown)
            ),
            field=("filters", "labels"),
        )


def _check_teams(teams: Any) -> None:
    field = ("filters", "teams")
    if not isinstance(teams, list):
        raise InvalidInput(_("must be a list of team ids"), field=field)
    for team in teams:
        if isinstance(team, bool) or not isinstance(team, int):
            named = Team.objects.filter(name=str(team)).values_list("pk", flat=True).first()
            if named is not None:
                message = _("Teams are given by id, not by name: “{name}” is team {id}.").format(name=team, id=named)
            else:
                message = _("Teams are given by id (a number), and “{value}” is not one.").format(value=team)
            raise InvalidInput(message, field=field)
    missing = sorted(set(teams) - set(Team.objects.filter(pk__in=teams).values_list("pk", flat=True)))
    if missing:
        raise InvalidInput(_("No team has the id: {ids}.").format(ids=", ".join(map(str, missing))), field=field)


def _check_date(value: Any, key: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("is not a date (YYYY-MM-DD)"), field=("filters", key)) from None
