"""The shape of one imported interaction (docs/import-format.md), checked by pydantic, and its errors in plain words."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal, NamedTuple

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from qadesk.core.text import strip_bidi_controls
from qadesk.core.validation import error_messages as error_messages  # the import report's reasons (re-exported)
from qadesk.interactions.languages import language_tag_normal
from qadesk.interactions.models import AuthorRole, BodyFormat, Channel, CustomerRating, JourneyPhase, Status

SUBJECT_MAX = 300
EVENT_NAME_MAX = 100
TAG_MAX = 100
FIELD_KEY_MAX = 50
FIELD_TEXT_MAX = 1000
PARAMETERS_MAX = 10_000  # an event's parameters as JSON text: details, not documents
# A date-time later than now plus this is an error (a clock or time zone slip of a few hours passes).
FUTURE_TOLERANCE = timedelta(days=1)
_horizon = [datetime.now(UTC) + FUTURE_TOLERANCE]
_NUMBER = re.compile(r"\s*[-+]?[0-9]+(\.[0-9]*)?\s*")


class RowError(NamedTuple):
    """One problem of one input row: its line in the file, the field path (e.g. `messages[3].author`), the reason."""

    line: int
    field: str
    message: str


def _blank_to_none(value: Any) -> Any:
    """An empty string (a CSV's empty cell, a helpdesk's empty value) means the field is absent."""
    return None if value == "" else value


def future_horizon_reset() -> None:
    """Date-times after now + FUTURE_TOLERANCE are errors; the import sets "now" once per batch (cheaper than per value)."""
    _horizon[0] = datetime.now(UTC) + FUTURE_TOLERANCE


def _moment_in(value: Any) -> Any:
    """An empty value is absent; a number (or text of digits) is not a date: pydantic would read it as seconds or
    milliseconds since 1970. (One validator for both: each costs a call per date-time of every message.)"""
    if value == "":
        return None
    if value.__class__ is str and value[4:5] == "-" and value[:4].isdigit():  # 2026-10-01…: no number (cheaper than the regex)
        return value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError(_("is a number, not a date and time: write it in ISO 8601, e.g. 2026-10-01T09:00:00Z"))
    return value


def _moment(value: datetime | None) -> datetime | None:
    """Times without an offset are taken as UTC, the time helpdesks export in; later than the horizon is an error."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if value > _horizon[0]:
        raise ValueError(_("is in the future (more than a day from now)"))
    return value


def _id_text(value: Any) -> Any:
    """Ids may come as numbers (Zendesk, Freshdesk): stored as their text. A fraction or true/false is no id."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _language_tag(value: str | None) -> str | None:
    if value is None:
        return None
    tag = language_tag_normal(value)
    if tag is None:
        raise ValueError(_("is not a language tag (BCP 47, e.g. en, pt-BR, zh-Hant)"))
    return tag


def _name(max_length: int) -> Any:
    # Names lose their bidirectional control characters (core.text) first; one left empty by that is absent.
    return Annotated[
        Annotated[str, Field(min_length=1, max_length=max_length)] | None,
        BeforeValidator(_blank_to_none),
        BeforeValidator(strip_bidi_controls),
    ]


def _choice(values: list[str]) -> Any:
    return Annotated[Literal[tuple(values)] | None, BeforeValidator(_blank_to_none)]  # type: ignore[valid-type]


def _email(value: str | None) -> str | None:
    if value is not None:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(_("is not an e-mail address")) from None
    return value


Email = Annotated[Annotated[str, Field(max_length=254)] | None, BeforeValidator(_blank_to_none), AfterValidator(_email)]
Moment = Annotated[datetime | None, BeforeValidator(_moment_in), AfterValidator(_moment)]
LanguageTag = Annotated[
    Annotated[str, Field(max_length=35)] | None, BeforeValidator(_blank_to_none), AfterValidator(_language_tag)
]
Seconds = Annotated[Annotated[int, Field(ge=0, le=2_147_483_647)] | None, BeforeValidator(_blank_to_none)]


def _parameters(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is not None and len(json.dumps(value, ensure_ascii=False)) > PARAMETERS_MAX:
        raise ValueError(_("must be at most {n} characters as JSON").format(n=PARAMETERS_MAX))
    return value


Parameters = Annotated[dict[str, Any] | None, BeforeValidator(_blank_to_none), AfterValidator(_parameters)]


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


Tag = Annotated[str, BeforeValidator(strip_bidi_controls), Field(min_length=1, max_length=TAG_MAX)]


class MessageIn(BaseModel):
    """One transcript message, or an action/system event (`author` event, with its `name` and `parameters`).

    `body` may be left out of an event only: the rule is checked with the other cross-field rules (`message_problems`),
    so that a file's errors read in one pass. `name` and `parameters` count on events only, and are ignored elsewhere.
    """

    model_config = ConfigDict(extra="ignore")

    author: Literal[tuple(AuthorRole.values)]  # type: ignore[valid-type]
    agent: _name(150) = None  # type: ignore[valid-type]
    at: Moment = None
    body: str | None = None
    public: bool = True
    format: Literal[tuple(BodyFormat.values)] = BodyFormat.TEXT  # type: ignore[valid-type]  # html: an e-mail's HTML body
    language: LanguageTag = None
    name: _name(EVENT_NAME_MAX) = None  # type: ignore[valid-type]
    parameters: Parameters = None
    translation: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    translation_language: LanguageTag = None

    def event(self) -> tuple[str, dict[str, Any] | None]:
        """(event name, parameters) as stored: ("", None) for a message that is not an event."""
        if self.author != AuthorRole.EVENT:
            return "", None
        return self.name or "", self.parameters or {}

    def extras(self) -> tuple[Any, ...]:
        """The event and translation columns when the message has any (else nothing: digests made before they existed
        stay the same)."""
        name, parameters = self.event()
        if not (name or self.translation or self.translation_language):
            return ()
        canonical = json.dumps(parameters, sort_keys=True) if parameters is not None else None
        return (name, canonical, self.translation or "", self.translation_language or "")


def message_problems(messages: list[tuple[Any, Any, Any, bool]]) -> list[tuple[str, str]]:
    """(author, agent, event name, body given) of each message → (field, reason) for the rules across its fields: only
    agent messages and events name an agent, an event has a name, any other message a body."""
    problems = []
    for i, (author, agent, name, has_body) in enumerate(messages):
        if agent and author not in (AuthorRole.AGENT, AuthorRole.EVENT):
            problems.append((f"messages[{i}].agent", _("only agent messages and events name an agent")))
        if author == AuthorRole.EVENT and not name:
            problems.append((f"messages[{i}].name", _("is required for an event (e.g. refund-issued)")))
        elif author != AuthorRole.EVENT and author is not None and not has_body:
            problems.append((f"messages[{i}].body", _("is required")))
    return problems


class InteractionIn(BaseModel):
    """One interaction as a helpdesk exports it; unknown keys are ignored so exports may carry more.

    On a re-import, only the fields a row gives (`model_fields_set`: a key present, even empty) change what is stored.
    """

    model_config = ConfigDict(extra="ignore")

    external_id: Annotated[str, BeforeValidator(_id_text), Field(min_length=1, max_length=100)]
    source: str = Field(min_length=1, max_length=50)
    channel: Literal[tuple(Channel.values)]  # type: ignore[valid-type]
    language: LanguageTag = None
    subject: Annotated[str, BeforeValidator(lambda v: "" if v is None else v)] = ""
    created_at: Annotated[datetime, BeforeValidator(_moment_in), AfterValidator(_moment)]
    queued_at: Moment = None
    answered_at: Moment = None
    first_reply_at: Moment = None
    resolved_at: Moment = None
    closed_at: Moment = None
    status: _choice(Status.values) = None  # type: ignore[valid-type]
    customer: _name(100) = None  # type: ignore[valid-type]
    customer_segment: _name(50) = None  # type: ignore[valid-type]
    agents: list[Annotated[str, BeforeValidator(strip_bidi_controls), Field(min_length=1, max_length=150)]] = []
    # The display name and e-mail of the interaction's agent (the last of `agents`), as helpdesks export the assignee.
    agent_name: _name(150) = None  # type: ignore[valid-type]
    agent_email: Email = None
    # The bot or virtual agent that handled the contact (before any human agent); a reviewee like a person.
    bot: _name(150) = None  # type: ignore[valid-type]
    team: _name(100) = None  # type: ignore[valid-type]
    site: _name(100) = None  # type: ignore[valid-type]
    label: _name(100) = None  # type: ignore[valid-type]
    sop: _name(50) = None  # type: ignore[valid-type]
    phase: _choice(JourneyPhase.values) = None  # type: ignore[valid-type]
    talk_seconds: Seconds = None
    hold_seconds: Seconds = None
    acw_seconds: Seconds = None
    abandoned: Annotated[bool, BeforeValidator(lambda v: False if v in ("", None) else v)] = False
    reopens: Annotated[int, BeforeValidator(lambda v: 0 if v in ("", None) else v), Field(ge=0, le=32_767)] = 0
    customer_rating: _choice(CustomerRating.values) = None  # type: ignore[valid-type]
    complaint: Annotated[bool, BeforeValidator(lambda v: False if v in ("", None) else v)] = False
    # {key: value}: checked against the declared custom fields by `custom_field_values` (the import holds them).
    custom_fields: Annotated[dict[str, Any], BeforeValidator(lambda v: {} if v in ("", None) else v)] = {}
    tags: Annotated[list[Tag], BeforeValidator(lambda v: [] if v in ("", None) else v), AfterValidator(_distinct)] = []
    messages: list[MessageIn] = []

    def bot_name(self) -> str | None:
        """The row's bot: the one named, else `<source>:bot` for a contact only a bot answered (so it can be reviewed)."""
        if self.bot:
            return str(self.bot)
        if not self.agents and any(msg.author == AuthorRole.BOT for msg in self.messages):
            return f"{self.source}:bot"
        return None

    def handlers(self) -> list[str]:
        """Who handled the contact, in order: the bot first (if any), then the agents; the last one is credited."""
        bot = self.bot_name()
        return [bot, *self.agents] if bot else list(self.agents)

    def default_status(self) -> str:
        """The status given, else what the timestamps say: closed, resolved, or still open."""
        if self.status:
            return str(self.status)
        if self.closed_at:
            return Status.CLOSED
        return Status.RESOLVED if self.resolved_at else Status.OPEN


# key → (type, accepted values for a choice field): the custom fields an admin declared (interactions.CustomField).
Declared = dict[str, tuple[str, list[str]]]


def custom_field_values(values: dict[str, Any], declared: Declared) -> tuple[dict[str, Any], list[tuple[str, str]], list[str]]:
    """A row's custom fields → (the values to store, (field, reason) problems, the keys nobody declared).

    A declared field's value is checked and stored in its type (a number from a CSV's text becomes a number, a date is
    stored as YYYY-MM-DD); an undeclared one is stored as given when it is text, a number or true/false. An empty value
    (null, "") is no value."""
    stored: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    undeclared: list[str] = []
    for key, value in values.items():
        path = f"custom_fields.{key}"
        if not key.strip() or len(key) > FIELD_KEY_MAX:
            problems.append((path, _("a field's name must be 1 to {n} characters").format(n=FIELD_KEY_MAX)))
            continue
        if value is None or value == "":
            continue
        if key not in declared:
            undeclared.append(key)
            if isinstance(value, dict | list):
                problems.append((path, _("must be text, a number or true/false")))
            else:
                stored[key] = value
            continue
        try:
            stored[key] = _typed(value, *declared[key])
        except ValueError as exc:
            problems.append((path, str(exc)))
    return stored, problems, undeclared


def _typed(value: Any, kind: str, choices: list[str]) -> Any:
    """A declared field's value in its type, or ValueError with the reason in the user's language."""
    scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
    if kind == "number":
        if isinstance(value, str) and _NUMBER.fullmatch(value):
            number = float(value)
            return int(number) if number.is_integer() and "." not in value else number
        if not scalar or isinstance(value, str):
            raise ValueError(_("{value} is not a number").format(value=repr(value)))
        return value
    if kind == "date":
        try:
            return date.fromisoformat(value).isoformat() if isinstance(value, str) and len(value) == 10 else _no_date(value)
        except ValueError:
            return _no_date(value)
    if not scalar:
        raise ValueError(_("must be text"))
    text = str(value)
    if kind == "choice" and text not in choices:
        expected = ", ".join(repr(c) for c in choices)
        raise ValueError(_("{value} is not one of: {expected}").format(value=repr(text), expected=expected))
    if len(text) > FIELD_TEXT_MAX:
        raise ValueError(_("must be at most {n} characters").format(n=FIELD_TEXT_MAX))
    return text


def _no_date(value: Any) -> Any:
    raise ValueError(_("{value} is not a date (YYYY-MM-DD)").format(value=repr(value)))
