"""The shape of one imported interaction (docs/import-format.md), checked by pydantic, and its errors in plain words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, NamedTuple

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from qadesk.core.text import strip_bidi_controls
from qadesk.core.validation import error_messages as error_messages  # the import report's reasons (re-exported)
from qadesk.interactions.models import AuthorRole, BodyFormat, Channel, CustomerRating, JourneyPhase, Status

SUBJECT_MAX = 300


class RowError(NamedTuple):
    """One problem of one input row: its line in the file, the field path (e.g. `messages[3].author`), the reason."""

    line: int
    field: str
    message: str


def _blank_to_none(value: Any) -> Any:
    """An empty string (a CSV's empty cell, a helpdesk's empty value) means the field is absent."""
    return None if value == "" else value


def _as_utc(value: datetime | None) -> datetime | None:
    """Times without an offset are taken as UTC, the time helpdesks export in."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


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
Moment = Annotated[datetime | None, BeforeValidator(_blank_to_none), AfterValidator(_as_utc)]
Seconds = Annotated[Annotated[int, Field(ge=0, le=2_147_483_647)] | None, BeforeValidator(_blank_to_none)]


class MessageIn(BaseModel):
    """One transcript message."""

    model_config = ConfigDict(extra="ignore")

    author: Literal[tuple(AuthorRole.values)]  # type: ignore[valid-type]
    agent: _name(150) = None  # type: ignore[valid-type]
    at: Moment = None
    body: str
    public: bool = True
    format: Literal[tuple(BodyFormat.values)] = BodyFormat.TEXT  # type: ignore[valid-type]  # html: an e-mail's HTML body


class InteractionIn(BaseModel):
    """One interaction as a helpdesk exports it; unknown keys are ignored so exports may carry more."""

    model_config = ConfigDict(extra="ignore")

    external_id: str = Field(min_length=1, max_length=100)
    source: str = Field(min_length=1, max_length=50)
    channel: Literal[tuple(Channel.values)]  # type: ignore[valid-type]
    language: Annotated[str, BeforeValidator(lambda v: "" if v is None else v), Field(max_length=8)] = ""
    subject: Annotated[str, BeforeValidator(lambda v: "" if v is None else v)] = ""
    created_at: Annotated[datetime, AfterValidator(_as_utc)]
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
