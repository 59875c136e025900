"""Reading interactions: the list with its filters and one interaction with its transcript."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import WhereNode
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from qadesk.accounts.models import Agent, Team, User
from qadesk.core.days import day_start, next_day_start
from qadesk.core.lists import group_slices, parse_sort, sort_ordering
from qadesk.interactions.languages import language_name
from qadesk.interactions.models import (
    AuthorRole,
    Customer,
    CustomField,
    CustomFieldSeen,
    Interaction,
    InteractionAgent,
    Message,
    Sop,
    TranscriptRevision,
)
from qadesk.interactions.querysets import InteractionQuerySet
from qadesk.interactions.search import SEARCH_CONFIGS, websearch_terms
from qadesk.interactions.sops import steps_read

# Filter name -> model lookup for the filters that compare one column with the given value.
_EXACT_FILTERS = {
    "channel": "channel",
    "team": "team_id",
    "site": "site_id",
    "label": "label_id",
    "phase": "phase",
    "language": "language",
    "status": "status",
    "customer_rating": "customer_rating",
}

# Sort keys people click in the list (page and API) -> columns; the id breaks ties (core.lists.sort_ordering).
INTERACTION_SORTS = {
    "created": ("created_at",),
    "external_id": ("external_id",),
    "channel": ("channel",),
    "team": ("team__name",),
    "agent": ("agent__display_name", "agent__username"),
    "label": ("label__code",),
    "status": ("status",),
    "messages": ("message_count",),
}
# Not "score": the latest review's score is a subquery per row, and sorting by it computes it for every matching
# interaction (9 s at 1,000,000). Scores sort on the review list, where the score is a column.
_NULLABLE_SORT_COLUMNS = frozenset({"team__name", "agent__display_name", "agent__username", "label__code"})
DEFAULT_INTERACTION_SORT = "-created"

MAX_EVENT_NAMES = 500  # the event filter's choices; a source with more distinct names is filtered through the API

# What a row of the interaction list page shows: its columns as plain values, no model instance per row.
ROW_COLUMNS = (
    "id",
    "external_id",
    "subject",
    "created_at",
    "channel",
    "language",
    "team__name",
    "agent__username",
    "agent__display_name",
    "label__code",
    "label__name",
    "label__names",
    "phase",
    "status",
    "message_count",
    "latest_score",
)


# The distinct languages by skipping through the language index (migrations 0011 on PostgreSQL, 0017 on SQLite) from one
# value to the next: a few probes where DISTINCT reads every row (0.37 s at 1,000,000 interactions on PostgreSQL, 9 ms
# at 20,000 on SQLite — a third of the list page's CPU — on every list page: the filter form's menu). Scalar subqueries
# with ORDER BY … LIMIT 1, a form both databases accept inside a recursive query and answer from the index.
_LANGUAGES_SKIP_SCAN = """
    WITH RECURSIVE found(language) AS (
        SELECT (SELECT language FROM interactions_interaction WHERE language > '' ORDER BY language LIMIT 1)
        UNION ALL
        SELECT (SELECT i.language FROM interactions_interaction i WHERE i.language > found.language
                ORDER BY i.language LIMIT 1)
        FROM found WHERE found.language IS NOT NULL
    )
    SELECT language FROM found WHERE language IS NOT NULL
"""


def interaction_languages(*, actor: User) -> list[tuple[str, str]]:
    """(tag, name in the active language) of the languages the actor's interactions are in, by name."""
    tags: Iterable[str]
    if Interaction.objects.visible_to(actor).query.is_empty() is False and (actor.sees_everything or actor.can_review):
        with connection.cursor() as cursor:  # every interaction is visible: the index holds the answer
            cursor.execute(_LANGUAGES_SKIP_SCAN)
            tags = [row[0] for row in cursor.fetchall()]
    else:
        tags = Interaction.objects.visible_to(actor).exclude(language="").order_by().values_list("language", flat=True).distinct()
    ui = get_language() or "en"
    return sorted(((tag, language_name(tag, ui)) for tag in tags), key=lambda pair: pair[1].casefold())


def interaction_event_names(*, actor: User) -> list[str]:
    """The names of the actions and events in the current transcripts the actor may see, alphabetically (the list's
    filter, which finds interactions by their current transcript): not those only a kept revision holds."""
    events = Message.objects.filter(author_role=AuthorRole.EVENT)
    if actor.sees_everything or actor.can_review:
        return _all_event_names()
    events = events.filter(interaction__in=Interaction.objects.visible_to(actor).values("pk"))
    names = events.order_by("event_name").values_list("event_name", flat=True).distinct()
    return list(names[:MAX_EVENT_NAMES])


def _all_event_names() -> list[str]:
    """Every event name of the current transcripts, by a walk of the events' index that jumps from one name to the
    next (a recursive query: one index probe per name). A plain DISTINCT reads every event, and the list page asks on
    every view. The events of kept revisions (no interaction: interactions/0016) are in the index too, with an
    empty interaction, its second column: the probe passes over them in the index, without reading a row."""
    table = connection.ops.quote_name(Message._meta.db_table)
    # The partial index's own condition, so that it serves the query, and a current transcript's message.
    condition = f"author_role = '{AuthorRole.EVENT}' AND interaction_id IS NOT NULL"
    sql = (
        f"WITH RECURSIVE names(name) AS ("  # noqa: S608 (a quoted table name and a constant)
        f"SELECT MIN(event_name) FROM {table} WHERE {condition} "
        f"UNION ALL SELECT (SELECT MIN(event_name) FROM {table} WHERE {condition} AND event_name > names.name) "
        f"FROM names WHERE names.name IS NOT NULL) "
        f"SELECT name FROM names WHERE name IS NOT NULL LIMIT {MAX_EVENT_NAMES}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [name for (name,) in cursor.fetchall()]


def interaction_list(
    *, actor: User, filters: dict[str, Any] | None = None, sort: str | None = None, paged: bool = True
) -> QuerySet[Interaction]:
    """Interactions the actor may see, filtered and sorted (newest first by default), each with its latest visible
    review score (`latest_score`).

    Filters: channel, team, site, label, phase, language, status, customer_rating, agent (ids for the foreign keys),
    date_from and date_to (inclusive local dates of creation), complaint (bool), reviewed (bool: a submitted review
    exists), assigned (bool: open in someone's review queue), event (an action or event name its transcript holds),
    tag, field and field_value (a custom field holds that value), q (text in external id, subject, customer id or
    the credited agent's name) and text (at least one of its messages matches this query: `message_text_match`).
    `sort`: a key of INTERACTION_SORTS, "-" for descending; unknown keys give the default. `paged`: read a page at a
    time, with a capped count (the list); False for a caller that reads every match (assign all), so that a message
    search is not walked contact by contact through the whole list.
    """
    from qadesk.reviews.models import AssignmentStatus, Review, ReviewAssignment

    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    listed = False  # a filter read as a list of ids (`_few_ids`)
    qs = _with_agent_hidden(Interaction.objects.visible_to(actor), actor)
    qs = qs.filter(**{_EXACT_FILTERS[name]: value for name, value in filters.items() if name in _EXACT_FILTERS})
    if "agent" in filters:
        # Any agent who handled it, not only the last one: a reassigned contact belongs to both.
        handled = InteractionAgent.objects.filter(agent_id=filters["agent"]).values_list("interaction_id", flat=True)
        few = _few_ids(handled)
        qs = qs.filter(pk__in=handled) if few is None else qs.filter(_id_in(few))
        listed = listed or few is not None
        if _may_have_hidden_agents(actor):
            from qadesk.calibration.selectors import calibration_hidden_agent_items

            # Filtering by agent would name the hidden one.
            qs = qs.exclude(pk__in=calibration_hidden_agent_items(actor=actor).values("interaction_id"))
    if "event" in filters:  # through the partial index of events (message_event_name)
        events = Message.objects.filter(author_role=AuthorRole.EVENT, event_name=filters["event"])
        qs = qs.filter(pk__in=events.values("interaction_id"))
    if "tag" in filters:
        qs = cast("QuerySet[Interaction]", cast(InteractionQuerySet, qs).with_tag(str(filters["tag"])))
    if "field" in filters and "field_value" in filters:
        key = str(filters["field"])
        value = custom_field_typed(key, str(filters["field_value"]))
        qs = cast("QuerySet[Interaction]", cast(InteractionQuerySet, qs).with_field(key, value))
    if "date_from" in filters:
        qs = qs.filter(created_at__gte=day_start(filters["date_from"]))
    if "date_to" in filters:
        qs = qs.filter(created_at__lt=next_day_start(filters["date_to"]))
    if "complaint" in filters:
        qs = qs.filter(complaint=bool(filters["complaint"]))
    if "reviewed" in filters:
        reviewed = Exists(Review.objects.filter(interaction=OuterRef("pk"), status="submitted"))
        qs = qs.filter(reviewed if filters["reviewed"] else ~reviewed)
    if "assigned" in filters:
        open_ = Exists(ReviewAssignment.objects.filter(interaction=OuterRef("pk"), status=AssignmentStatus.OPEN))
        queued = ReviewAssignment.objects.filter(status=AssignmentStatus.OPEN).values_list("interaction_id", flat=True)
        few = _few_ids(queued) if filters["assigned"] else None
        qs = qs.filter(~open_ if not filters["assigned"] else open_ if few is None else _id_in(few))
        listed = listed or few is not None
    if "q" in filters:
        # Searching by name would find a hidden agent's contacts.
        qs = qs.filter(_text_match(str(filters["q"]).strip(), names=not _may_have_hidden_agents(actor)))
    if "text" in filters:
        # A rare text (or one found nowhere) is read through the index as a list of ids, as one agent's contacts are:
        # the planner cannot tell a missing word from a rare one and walked every interaction (3.3 s at 100,000). A
        # common one is not: reading 20,000 matching messages first cost more than the walk, which soon fills a page.
        # Messages of kept revisions (no interaction) are no contact's transcript any more.
        text = str(filters["text"])
        matching = Message.objects.filter(message_text_match(text), interaction__isnull=False)
        rare = connection.vendor == "postgresql" and _estimated_rows(matching) <= ID_LIST_MAX
        few = _few_ids(matching.values_list("interaction_id", flat=True)) if rare else None
        if few is not None:
            qs = qs.filter(_id_in(sorted(set(few))))
        elif (
            connection.vendor == "postgresql"
            and paged
            and parse_sort(sort, INTERACTION_SORTS, DEFAULT_INTERACTION_SORT).lstrip("-") in _WALKED_SORTS
        ):
            qs = qs.filter(_messages_walked(text))
        else:
            qs = qs.filter(Exists(matching.filter(interaction=OuterRef("pk"))))
        listed = listed or few is not None
    latest_score = (
        Review.objects.visible_to(actor)
        .filter(interaction=OuterRef("pk"), status="submitted")
        .order_by("-submitted_at", "-pk")
        .values("score")[:1]
    )
    qs = qs.select_related("team", "site", "label", "agent").annotate(latest_score=Subquery(latest_score))
    parsed = parse_sort(sort, INTERACTION_SORTS, DEFAULT_INTERACTION_SORT)
    ordering: list[Any] = sort_ordering(parsed, INTERACTION_SORTS, _NULLABLE_SORT_COLUMNS)
    if listed and parsed.lstrip("-") == "created":
        # Few rows by id: sort them, rather than walk the newest-first index until they turn up (the planner expects
        # them spread evenly; one agent's or the queue's contacts are often all weeks old: 100,000 rows walked, ~1 s).
        # `created_at + 0 s` orders the same but is not the index's expression.
        after = ExpressionWrapper(F("created_at") + Value(timedelta(0)), output_field=DateTimeField())
        ordering[0] = after.desc() if parsed.startswith("-") else after.asc()
    return cast("QuerySet[Interaction]", qs.order_by(*ordering))


# Name sorts read group by group (`interaction_page_rows`): the column holding each group and how its model sorts by name.
_GROUPED_SORTS: dict[str, tuple[str, Any, tuple[str, ...]]] = {
    "team": ("team_id", Team, ("name",)),
    "agent": ("agent_id", Agent, ("display_name", "username")),
}


def interaction_page_rows(
    interactions: QuerySet[Interaction], *, sort: str, columns: Iterable[str], offset: int, limit: int
) -> list[Any]:
    """Rows offset … offset + limit of `interaction_list(…, sort=sort)` as `values(*columns)` dicts.

    Sorted by team or agent name on PostgreSQL, the list is read group by group instead of joining and sorting every
    matching row (~1 s at 1,000,000): one GROUP BY counts the matching rows of each team (agent), the groups are put in
    name order by the database (its collation, as the sort), and only the groups the page falls in are read, each by
    id. The same rows in the same order as the plain sort (names are unique: a team's name, an agent's username), so a
    group's rows are consecutive and ordered by id in the sort's direction; no team (agent) comes last either way."""
    fetched = interactions.values(*columns)
    key = sort.lstrip("-")
    if connection.vendor != "postgresql":
        return list(fetched[offset : offset + limit])
    if key not in _GROUPED_SORTS:
        return _rows_by_ids_first(interactions, fetched, offset, limit)
    column, model, names = _GROUPED_SORTS[key]
    descending = sort.startswith("-")
    every: list[Any] = list(model.objects.order_by(*names).values_list("pk", flat=True))
    found = _rows_group_by_group(fetched, column, [*(every[::-1] if descending else every), None], descending, offset, limit)
    if found is not None:
        return found
    counts = dict(interactions.order_by().values_list(column).annotate(rows=Count("pk")).values_list(column, "rows"))
    ordered: list[Any] = list(
        model.objects.filter(pk__in=[g for g in counts if g is not None]).order_by(*names).values_list("pk", flat=True)
    )
    if descending:
        ordered.reverse()
    if None in counts:
        ordered.append(None)
    rows: list[Any] = []
    for group, start, stop in group_slices([(g, counts[g]) for g in ordered], offset, limit):
        part = fetched.filter(**{column: group} if group is not None else {f"{column}__isnull": True})
        rows += part.order_by("-pk" if descending else "pk")[start:stop]
    return rows


GROUPS_PROBED = 25  # see interaction_page_rows


def _rows_group_by_group(
    fetched: QuerySet[Any], column: str, groups: list[Any], descending: bool, offset: int, limit: int
) -> list[Any] | None:
    """Rows offset … offset + limit of a list sorted group by group, the `groups` (ids, None last) taken in that order,
    each counted up to what the page still needs; None after GROUPS_PROBED groups without reaching the page's end."""
    rows: list[Any] = []
    seen, end = 0, offset + limit
    for probed, group in enumerate(groups, start=1):
        part = fetched.filter(**{column: group} if group is not None else {f"{column}__isnull": True})
        count = part.order_by().values("pk")[: end - seen].count()  # at most what the page still needs
        if count and offset < seen + count:
            rows += part.order_by("-pk" if descending else "pk")[max(offset - seen, 0) : count]
        seen += count
        if seen >= end:
            return rows
        if probed >= GROUPS_PROBED:
            return None
    return rows


def _rows_by_ids_first(interactions: QuerySet[Interaction], fetched: QuerySet[Any], offset: int, limit: int) -> list[Any]:
    """The page's ids in the list's order, then those rows with their columns, in that order (PostgreSQL).

    The ids alone can come from an index in the list's order (`(created_at, id)`, migration interactions 0019) while
    each contact is tested against another table (a submitted review, a message matching a search): walking 100,000
    contacts to find 50 reviewed ones read every contact's row to take its id (that query 0.49 → 0.20 s at 1,000,000). The
    joins and the latest score are then made for the page's rows only."""
    ids = list(interactions.values_list("pk", flat=True)[offset : offset + limit])
    if not ids:
        return []
    # The rows by id alone: the list's own conditions chose these ids already, and kept beside them (one agent's 5,000
    # ids, say) the planner read the 5,000 for the 50 (the page took 0.19 s instead of 0.06 s). Its joins stay: forward
    # keys, one row each, which these rows passed already.
    by_id = fetched.order_by()
    by_id.query.where = WhereNode()
    found = {row["id"]: row for row in by_id.filter(_id_in(ids))}
    return [found[pk] for pk in ids if pk in found]


ID_LIST_MAX = 20_000  # see `_few_ids`


def _id_in(ids: list[int]) -> Q:
    """`id = ANY(one array)`: thousands of ids as one parameter (Django's `pk__in` makes one parameter per id, which took
    longer to build and to plan than to run the query). PostgreSQL only, as `_few_ids`."""
    table = connection.ops.quote_name(Interaction._meta.db_table)
    return Q(RawSQL(f"{table}.id = ANY(%s::bigint[])", (ids,), output_field=BooleanField()))  # noqa: S611


def _few_ids(ids: QuerySet[Any]) -> list[int] | None:
    """On PostgreSQL, the interaction ids a selective filter keeps (one agent's contacts, the open queue) when there are
    at most ID_LIST_MAX, read first so that the list reads those rows by id; None otherwise (or on SQLite, whose lists
    are small): the filter then stays a subquery, and with that many matches the newest-first walk finds a page soon."""
    if connection.vendor != "postgresql":
        return None
    found = list(ids.order_by()[: ID_LIST_MAX + 1])
    return found if len(found) <= ID_LIST_MAX else None


def _estimated_rows(qs: QuerySet[Any]) -> int:
    """How many rows PostgreSQL expects the query to give (its plan's estimate: EXPLAIN, nothing read). For a text
    search it knows the common words' frequencies (the vectors' statistics); rare and unknown words get a small
    default."""
    sql, params = qs.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])


# Sorts read from an index of the interactions in their order (created_at, external_id, message_count): a message search
# sorted so walks it and tests each contact's messages (`_messages_walked`).
_WALKED_SORTS = frozenset({"created", "external_id", "messages"})


def _messages_walked(text: str) -> Q:
    """At least one of the interaction's messages matches `text` (PostgreSQL), tested contact by contact as the list is
    walked in its order: the page stops after its rows, the capped count after SEARCH_COUNT_CAP matches.

    The same condition as `Exists(messages matching)`, written so that PostgreSQL cannot turn it into a join (`OFFSET
    0` keeps the EXISTS a subquery per row): as a join it read every matching message first (a phrase's candidates, a
    common word's hundreds of thousands) or, expecting a rare match, walked far; 16.6 s for a phrase at 1,000,000
    interactions (benchmarks/README.md). Each contact's messages come by the (interaction, position) index."""
    where, params = _message_text_sql(text)
    table = connection.ops.quote_name(Interaction._meta.db_table)
    messages = connection.ops.quote_name(Message._meta.db_table)
    sql = f"EXISTS (SELECT 1 FROM {messages} m WHERE m.interaction_id = {table}.id AND {where} OFFSET 0)"  # noqa: S608
    return Q(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611


CUSTOMERS_LISTED = 1000  # at most this many matching customers are named by id in the text search (`_text_match`)


def _text_match(text: str, *, names: bool) -> Q:
    """Interactions whose external id, subject, customer's id or (with `names`) credited agent's name contains `text`.

    Each alternative compares a column of the interaction itself, so that PostgreSQL combines its indexes (trigram
    indexes on the external id and subject, the customer index) instead of reading a million rows through joins for a
    rare text: the matching customers and agents are looked up first (small tables, the customers by their own trigram
    index). A text naming more than CUSTOMERS_LISTED customers matches so many rows that the newest-first walk fills a
    page at once: it stays a join."""
    match = Q(external_id__icontains=text) | Q(subject__icontains=text)
    customers = list(
        Customer.objects.filter(external_id__icontains=text).order_by().values_list("pk", flat=True)[: CUSTOMERS_LISTED + 1]
    )
    if len(customers) > CUSTOMERS_LISTED:
        match |= Q(customer__external_id__icontains=text)
    elif customers:
        match |= Q(customer_id__in=customers)
    if names:
        agents = list(
            Agent.objects.filter(Q(display_name__icontains=text) | Q(username__icontains=text)).values_list("pk", flat=True)
        )
        if agents:
            match |= Q(agent_id__in=agents)
    return match


def message_text_match(text: str) -> Q:
    """Messages matching `text`, read as web search engines read a query: words, "quoted phrases", -exclusions, OR.

    PostgreSQL: full-text search in each message's own language (its stored `search_vector` and `search_config`,
    migration 0014; interactions/search.py): the query is read once per text search configuration and compared with
    the messages made in that one, so each alternative can use the GIN index. A message that an import left without a
    vector (indexed by a job after its commit, migration 0020) is found all the same: its body is read as it goes.
    SQLite: each term a substring of the body, in any case (no stemming). A query with no term matches nothing."""
    if connection.vendor == "postgresql":
        sql, params = _message_text_sql(text)
        return Q(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
    match = Q(pk__in=[])
    for group in websearch_terms(text):
        each = Q()
        for term in group.include:
            each &= Q(body__icontains=term)
        for term in group.exclude:
            each &= ~Q(body__icontains=term)
        match |= each
    return match


def _message_text_sql(text: str) -> tuple[str, list[str]]:
    """PostgreSQL's condition on a message for `message_text_match`, with its parameters."""
    branches = " OR ".join(
        "(search_config = %s::regconfig AND search_vector @@ websearch_to_tsquery(%s::regconfig, %s))"
        for _config in SEARCH_CONFIGS
    )
    # A message an import left for later (no vector until the job after its commit: migration 0020) is read as it goes,
    # in its stored configuration; the partial index of those messages finds them, and is empty when none waits.
    pending = "(search_vector IS NULL AND to_tsvector(search_config, body) @@ websearch_to_tsquery(search_config, %s))"
    # Unqualified columns: inside the list's EXISTS the message table is aliased, and only it has them.
    return f"({branches} OR {pending})", [*(value for config in SEARCH_CONFIGS for value in (config, config, text)), text]


def open_assignments_by_interaction(interaction_ids: list[int]) -> dict[int, list[str]]:
    """Who has each of these interactions open in their review queue (names), in one query: the list's state column."""
    from qadesk.reviews.models import AssignmentStatus, ReviewAssignment

    rows = (
        ReviewAssignment.objects.filter(interaction_id__in=interaction_ids, status=AssignmentStatus.OPEN)
        .order_by("created_at")
        .values_list("interaction_id", "reviewer__first_name", "reviewer__last_name", "reviewer__username")
    )
    found: dict[int, list[str]] = {}
    for interaction_id, first, last, username in rows:
        found.setdefault(interaction_id, []).append(f"{first} {last}".strip() or username)
    return found


def interaction_detail(*, actor: User, pk: int) -> Interaction:
    """One interaction the actor may see, with handlers in order and the transcript loaded; 404 otherwise.

    `agent_hidden` is true while the actor scores it in a calibration session that hides the agent's name: pages and
    the API then name no agent (the credited one, the handlers, the transcript's authors). `transcript_revised` is true
    when a re-import replaced a transcript that reviews scored (kept as revisions: `transcript_revisions`).
    """
    qs = _with_agent_hidden(Interaction.objects.visible_to(actor), actor)
    qs = qs.annotate(transcript_revised=Exists(TranscriptRevision.objects.filter(interaction=OuterRef("pk"))))
    qs = qs.select_related("customer", "team", "site", "label", "sop", "agent")
    qs = qs.prefetch_related(
        Prefetch("handlers", queryset=InteractionAgent.objects.select_related("agent").order_by("position")),
        Prefetch("messages", queryset=Message.objects.select_related("agent").order_by("position")),
    )
    return get_object_or_404(qs, pk=pk)


def transcript_messages(*, interaction: Interaction, transcript: TranscriptRevision | None = None) -> list[Message]:
    """The messages of a transcript in order: a kept revision's (what a review scored), else the interaction's
    current ones (prefetched by interaction_detail)."""
    if transcript is None:
        return list(interaction.messages.all())
    return list(transcript.messages.select_related("agent").order_by("position"))


def transcript_revisions(*, interaction: Interaction) -> list[TranscriptRevision]:
    """The transcripts a re-import replaced after reviews scored them, oldest first (none unless `transcript_revised`)."""
    if not getattr(interaction, "transcript_revised", True):
        return []
    return list(TranscriptRevision.objects.filter(interaction=interaction).order_by("number"))


def custom_fields_declared() -> dict[str, tuple[str, list[str]]]:
    """key → (type, accepted values) of the custom fields an admin declared (what imports check rows against)."""
    return {key: (kind, list(choices or [])) for key, kind, choices in CustomField.objects.values_list("key", "type", "choices")}


def custom_fields_undeclared() -> list[CustomFieldSeen]:
    """The custom field keys imports carried that no admin has declared (yet, or any more), by key."""
    return list(CustomFieldSeen.objects.exclude(key__in=CustomField.objects.values("key")).order_by("key"))


def custom_field_typed(key: str, text: str) -> str | int | float:
    """A value typed in a filter, in the type its field stores: a number for a number field, else the text as given
    (a date field's YYYY-MM-DD included). Text that is no number never matches a number field."""
    kind = CustomField.objects.filter(key=key).values_list("type", flat=True).first()
    if kind == "number":
        try:
            number = float(text.strip())
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    return text.strip()


class InteractionEvent(NamedTuple):
    """One action or system event of a transcript, as automatic QA reads it."""

    name: str  # e.g. "refund-issued"
    parameters: dict[str, Any]  # its details as imported, e.g. {"amount": 20}; {} when it had none
    position: int  # its place in the transcript (0 first), among all messages
    at: datetime | None  # when it happened, if the source said
    agent: str | None  # username of the agent who did it; None for a system event


def interaction_events(*, interaction: Interaction | int) -> list[InteractionEvent]:
    """The interaction's actions and system events in transcript order, e.g.
    [InteractionEvent("account-lookup", {"customer": "C-77"}, 1, datetime(…), "a.rossi"), …].

    No visibility check: for code that already holds the interaction (automatic QA, reports); pages and the API read
    events through interaction_detail. One query."""
    pk = interaction if isinstance(interaction, int) else interaction.pk
    rows = (
        Message.objects.filter(interaction_id=pk, author_role=AuthorRole.EVENT)
        .order_by("position")
        .values_list("event_name", "event_parameters", "position", "sent_at", "agent__username")
    )
    return [InteractionEvent(name, parameters or {}, position, at, agent) for name, parameters, position, at, agent in rows]


def _may_have_hidden_agents(actor: User) -> bool:
    """Only reviewers below QA lead take part in calibration sessions blind to the agent."""
    return bool(actor.is_authenticated and actor.can_review and not actor.sees_everything)


def _with_agent_hidden(qs: QuerySet[Interaction], actor: User) -> QuerySet[Interaction]:
    """Annotate `agent_hidden` (see interaction_detail); one EXISTS, and only for those it can concern."""
    if not _may_have_hidden_agents(actor):
        return qs
    from qadesk.calibration.selectors import calibration_hidden_agent_items

    hidden = calibration_hidden_agent_items(actor=actor).filter(interaction=OuterRef("pk"))
    return qs.annotate(agent_hidden=Exists(hidden))


def sop_list() -> QuerySet[Sop]:
    """The SOP catalogue by code, with labels and how many interactions each one serves. Every user may read it."""
    return Sop.objects.prefetch_related("labels").annotate(interaction_count=Count("interactions")).order_by("code")


def sop_catalogue_export(*, codes: list[str] | None = None) -> dict[str, Any]:
    """The catalogue (or these codes of it) in the file shape `sop import` reads back (docs/sops.md)."""
    sops = Sop.objects.prefetch_related("labels").order_by("code")
    if codes:
        sops = sops.filter(code__in=codes)
    return {
        "sops": [
            {
                "code": sop.code,
                "title": sop.title,
                "labels": sorted(label.code for label in sop.labels.all()),
                "steps": steps_read(sop.steps),
            }
            for sop in sops
        ]
    }


def interactions_to_assign(
    *, actor: User, filters: dict[str, Any], random_count: int | None = None, limit: int
) -> tuple[list[Interaction], int]:
    """For "assign all N matching" / "assign a random N of them": the interactions matching the list's filters that
    are in nobody's review queue, and how many match. All of them (when at most `limit`, else none: the caller says
    to narrow the filters) or `random_count` drawn at random among them."""
    matching = interaction_list(actor=actor, filters={**filters, "assigned": False}, paged=False)
    count = matching.order_by().values("pk").count()
    if random_count is not None:
        ids = list(matching.order_by("?").values_list("pk", flat=True)[: min(random_count, limit)])
    elif count <= limit:
        ids = list(matching.values_list("pk", flat=True))
    else:
        ids = []
    return [Interaction(pk=pk) for pk in ids], count


def interaction_transcripts(*, interaction_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The public customer and agent messages of these interactions, in order, as plain rows (id, author_role, body,
    body_format, sent_at, position), in one query: what automatic checks read (no model instances, no internal notes)."""
    rows = (
        Message.objects.filter(interaction_id__in=interaction_ids, is_public=True, author_role__in=["customer", "agent"])
        .order_by("interaction_id", "position")
        .values("id", "interaction_id", "author_role", "body", "body_format", "sent_at", "position")
    )
    found: dict[int, list[dict[str, Any]]] = {pk: [] for pk in interaction_ids}
    for row in rows:
        found[row["interaction_id"]].append(dict(row))
    return found
