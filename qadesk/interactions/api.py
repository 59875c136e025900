"""Interactions over the API: list with the same filters as the UI, read one with its transcript."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from qadesk.core.api import Pagination, paged_rows
from qadesk.core.inputs import Id
from qadesk.core.lists import SEARCH_COUNT_CAP

router = Router(tags=["interactions"])


class InteractionFilters(Schema):
    channel: str | None = None
    team: Id | None = None
    site: Id | None = None
    label: Id | None = None
    phase: str | None = None
    language: str | None = None
    status: str | None = None
    agent: Id | None = None
    date_from: date | None = None
    date_to: date | None = None
    customer_rating: str | None = Field(None, description="positive, neutral or negative")
    complaint: bool | None = None
    reviewed: bool | None = Field(None, description="true: a submitted review exists; false: none yet")
    assigned: bool | None = Field(None, description="true: open in someone's review queue; false: in nobody's")
    event: str | None = Field(None, max_length=100, description="Only interactions whose transcript holds this action or event")
    tag: str | None = Field(None, max_length=100, description="Only interactions carrying this tag")
    field: str | None = Field(
        None, max_length=50, description="A custom field's key; with field_value, only interactions where it holds that value"
    )
    field_value: str | None = Field(None, max_length=1000, description="The value of `field` (numbers compare as numbers)")
    q: str | None = Field(
        None, max_length=300, description="Text search in external id, subject, customer id and the credited agent's name"
    )
    text: str | None = Field(
        None,
        max_length=200,
        description="Search in message bodies: only interactions with at least one message matching it. Words, "
        '"quoted phrases", -excluded words and OR, as web search engines read them; on PostgreSQL with stemming in '
        "each message's language (Italian, French, English; other languages word for word), on SQLite as substrings",
    )
    sort: str | None = Field(
        None,
        max_length=30,
        description="created (default: -created), external_id, channel, team, agent, label, status or messages; "
        "a leading - sorts descending; ties are broken by id",
    )


class InteractionOut(Schema):
    id: int
    external_id: str
    source: str
    channel: str
    language: str
    subject: str
    status: str
    phase: str
    team: str | None = None
    site: str | None = None
    label: str | None = None
    agent: str | None = None
    created_at: datetime
    resolved_at: datetime | None
    message_count: int

    # Resolvers, not dotted aliases ("team.name"): ninja resolves an alias through Django's template Variable, which
    # cost a tenth of a 100-row list (benchmarks/README.md: Load).
    @staticmethod
    def resolve_team(obj: Any) -> str | None:
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_site(obj: Any) -> str | None:
        return obj.site.name if obj.site_id else None

    @staticmethod
    def resolve_label(obj: Any) -> str | None:
        return obj.label.code if obj.label_id else None

    @staticmethod
    def resolve_agent(obj: Any) -> str | None:
        """No name while the caller scores this contact in a calibration session that hides the agent."""
        return None if getattr(obj, "agent_hidden", False) or obj.agent is None else obj.agent.username


class MessageOut(Schema):
    position: int
    author_role: str
    agent: str | None = Field(None, alias="agent.username")
    sent_at: datetime | None
    body: str = Field(description="As imported; an HTML body (body_format html) is not sanitised here: sanitise it to show it.")
    body_format: str = Field(description="text or html.")
    is_public: bool
    language: str = Field(description="The message's BCP 47 tag when it differs from the interaction's, else empty.")
    event_name: str = Field(description="For an action or event (author_role event): what happened; else empty.")
    event_parameters: dict[str, Any] | None = Field(description="An event's details (a JSON object); null for messages.")
    translation: str = Field(description="A translation of the body (plain text), or empty.")
    translation_language: str = Field(description="The translation's BCP 47 tag, or empty.")


class TranscriptRevisionOut(Schema):
    number: int = Field(description="1 for the first transcript replaced, and so on.")
    replaced_at: datetime = Field(description="When a re-import replaced it.")
    message_count: int


class TranscriptRevisionDetailOut(TranscriptRevisionOut):
    messages: list[MessageOut]


class InteractionDetailOut(InteractionOut):
    customer: str | None = Field(None, alias="customer.external_id")
    sop: str | None = Field(None, alias="sop.code")
    agents: list[str]
    queued_at: datetime | None
    answered_at: datetime | None
    first_reply_at: datetime | None
    closed_at: datetime | None
    talk_seconds: int | None
    hold_seconds: int | None
    acw_seconds: int | None
    abandoned: bool
    reopens: int
    customer_rating: str = Field(description="positive, neutral, negative, or empty when the customer gave none.")
    complaint: bool
    custom_fields: dict[str, Any] = Field(description="Custom fields as imported: {key: value}; a date as YYYY-MM-DD.")
    tags: list[str]
    messages: list[MessageOut] = Field(description="The current transcript.")
    transcript_revisions: list[TranscriptRevisionOut] = Field(
        description="Transcripts a re-import replaced after reviews scored them (--new-revision), oldest first: the "
        "reviews keep showing the one they scored (a review's `transcript`)."
    )

    @staticmethod
    def resolve_transcript_revisions(obj: Any) -> list[Any]:
        from qadesk.interactions.selectors import transcript_revisions

        return transcript_revisions(interaction=obj)

    @staticmethod
    def resolve_agents(obj: Any) -> list[str]:
        return [] if getattr(obj, "agent_hidden", False) else [h.agent.username for h in obj.handlers.all()]

    @staticmethod
    def resolve_messages(obj: Any) -> list[Any]:
        return _messages_shown(obj, list(obj.messages.all()))


def _messages_shown(interaction: Any, messages: list[Any]) -> list[Any]:
    """The messages as the reader may see them: no author named while they score the contact blind to the agent."""
    if getattr(interaction, "agent_hidden", False):
        return [MessageOut.model_validate(m).model_copy(update={"agent": None}) for m in messages]
    return messages


class PagedInteractionOut(Schema):
    items: list[InteractionOut]
    count: int = Field(
        description="How many interactions match; with a `text` search on PostgreSQL at most 1,000 are counted "
        "(then `count_exact` is false and `count` is 1,000): an exact count of a common word's matches in millions "
        "of messages takes seconds. Page on with `offset` until `items` is empty."
    )
    count_exact: bool = Field(True, description="False when `count` is the cap of a `text` search, not the total.")


_LIST_COLUMNS = (
    "id",
    "external_id",
    "source",
    "channel",
    "language",
    "subject",
    "status",
    "phase",
    "team__name",
    "site__name",
    "label__code",
    "agent__username",
    "created_at",
    "resolved_at",
    "message_count",
)


def _item(row: dict[str, Any]) -> dict[str, Any]:
    """One InteractionOut from a values() row (the resolvers above, for dicts)."""
    return {
        "id": row["id"],
        "external_id": row["external_id"],
        "source": row["source"],
        "channel": row["channel"],
        "language": row["language"],
        "subject": row["subject"],
        "status": row["status"],
        "phase": row["phase"],
        "team": row["team__name"],
        "site": row["site__name"],
        "label": row["label__code"],
        "agent": None if row.get("agent_hidden") else row["agent__username"],
        "created_at": row["created_at"],
        "resolved_at": row["resolved_at"],
        "message_count": row["message_count"],
    }


@router.get("", response=PagedInteractionOut)
def list_interactions(request: HttpRequest, filters: Query[InteractionFilters], page: Query[Pagination.Input]) -> HttpResponse:
    """Interactions you may see, newest first unless `sort` says otherwise, filtered like the interaction list page."""
    from qadesk.interactions.selectors import DEFAULT_INTERACTION_SORT, interaction_list, interaction_page_rows

    query = filters.model_dump(exclude_none=True)
    sort = query.pop("sort", None)
    interactions = interaction_list(actor=request.user, filters=query, sort=sort)  # type: ignore[arg-type]
    hidden = ("agent_hidden",) if "agent_hidden" in interactions.query.annotations else ()
    columns = (*_LIST_COLUMNS, *hidden)

    def rows_at(offset: int, limit: int) -> list[dict[str, Any]]:
        return interaction_page_rows(
            interactions, sort=sort or DEFAULT_INTERACTION_SORT, columns=columns, offset=offset, limit=limit
        )

    # A message search counts like the list page does (lists.SEARCH_COUNT_CAP): at 1,000,000 interactions the exact
    # count of a common word's matches was most of the answer's 13 s (benchmarks/README.md, "Message text search").
    count_cap = SEARCH_COUNT_CAP if query.get("text") else None
    return paged_rows(interactions, page, columns=columns, item=_item, rows_at=rows_at, count_cap=count_cap, says_exact=True)


@router.get("/{interaction_id}", response=InteractionDetailOut)
def get_interaction(request: HttpRequest, interaction_id: int) -> Any:
    """One interaction with its handlers in order and its transcript (bodies as written: escape when rendering)."""
    from qadesk.interactions.selectors import interaction_detail

    return interaction_detail(actor=request.user, pk=interaction_id)  # type: ignore[arg-type]


@router.get("/{interaction_id}/transcripts/{number}", response=TranscriptRevisionDetailOut)
def get_transcript_revision(request: HttpRequest, interaction_id: int, number: int) -> Any:
    """A transcript a re-import replaced after reviews scored it, with its messages as they were scored; 404 if none."""
    from django.http import Http404

    from qadesk.interactions.selectors import interaction_detail, transcript_messages, transcript_revisions

    interaction = interaction_detail(actor=request.user, pk=interaction_id)  # type: ignore[arg-type]
    revision = next((r for r in transcript_revisions(interaction=interaction) if r.number == number), None)
    if revision is None:
        raise Http404
    messages = transcript_messages(interaction=interaction, transcript=revision)
    return {
        "number": revision.number,
        "replaced_at": revision.replaced_at,
        "message_count": revision.message_count,
        "messages": _messages_shown(interaction, messages),
    }
