"""Intercom: conversations changed since the cursor (search), each retrieved with its conversation parts.

POST /conversations/search {"query": {"field": "updated_at", "operator": ">", "value": T}, "pagination":
{"per_page": 150, "starting_after": …}}; `pages.next.starting_after` is the next page. Then
GET /conversations/{id}?display_as=plaintext for the parts (a 404 there: deleted since). When the search is read to
the end, the next sync searches from the latest `updated_at` seen. Shapes: tests/fixtures/README.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from qadesk.connectors.client import HttpClient, NotFound
from qadesk.connectors.vendors.common import (
    Context,
    Page,
    Parallel,
    agents_in_order,
    first_label,
    from_unix,
    parse_time,
    require,
)

PER_PAGE = 150
STATE = {"open": "open", "snoozed": "pending", "closed": "closed"}
CHANNEL = {
    "conversation": "chat", "chat": "chat", "email": "email", "phone_call": "phone", "phone_switch": "phone",
    "twitter": "social", "facebook": "social", "whatsapp": "social", "instagram": "social", "sms": "social",
}  # fmt: skip
CUSTOMERS = {"user", "lead", "contact"}
MESSAGE_PARTS = {"comment", "note", "open", "close", "assignment", "conversation_rating_changed"}


def rating_of(value: Any) -> str | None:
    """Intercom asks for 1 to 5 stars: 4–5 positive, 3 neutral, 1–2 negative."""
    if not isinstance(value, int) or not 1 <= value <= 5:
        return None
    return "positive" if value >= 4 else "neutral" if value == 3 else "negative"


class IntercomFeed:
    def __init__(self, context: Context) -> None:
        self.ctx = context

    def pages(self, *, cursor: dict[str, Any], start: datetime | None) -> Iterator[Page]:
        after = int(cursor.get("updated_after") or (start.timestamp() if start else 0))
        starting_after = cursor.get("starting_after")
        latest = after
        while True:
            body: dict[str, Any] = {
                "query": {"field": "updated_at", "operator": ">", "value": after},
                "pagination": {"per_page": PER_PAGE, **({"starting_after": starting_after} if starting_after else {})},
            }
            data = self.ctx.client.request("POST", "/conversations/search", body=body).data
            found = require(data, "conversations", list, "conversations/search")
            page = Page()
            fetch = Parallel(self.ctx.client)
            try:
                conversations = fetch.map(_retrieve, [summary["id"] for summary in found])
            finally:
                fetch.close()
            for summary, full in zip(found, conversations, strict=True):
                latest = max(latest, int(summary.get("updated_at") or 0))
                page.reached = max(filter(None, [page.reached, parse_time(summary.get("updated_at"))]), default=None)
                if isinstance(full, NotFound):  # deleted since the search
                    page.deleted.append(str(summary["id"]))
                    continue
                page.rows.append(conversation_row(full, self.ctx))
            starting_after = ((data.get("pages") or {}).get("next") or {}).get("starting_after")
            # Read to the end: the next search starts from the latest change seen (one second back: ">" is strict).
            page.cursor = (
                {"updated_after": after, "starting_after": starting_after}
                if starting_after
                else {"updated_after": max(after, latest - 1), "starting_after": None}
            )
            yield page
            if not starting_after:
                return


def _retrieve(client: HttpClient, conversation_id: Any) -> Any:
    """A conversation with its parts, asked on `client` (one of the page's connections)."""
    return client.get(f"/conversations/{int(conversation_id)}", {"display_as": "plaintext"}).data


def _person(author: dict[str, Any] | None) -> str | None:
    return f"intercom-{author['id']}" if author and author.get("id") else None


def _message(author: dict[str, Any], body: str, at: Any, note: bool) -> dict[str, Any]:
    kind = author.get("type")
    if kind in CUSTOMERS:
        return {"author": "customer", "at": from_unix(at), "body": body}
    if kind == "bot":
        return {"author": "bot", "at": from_unix(at), "body": body}
    if kind == "admin":
        return {"author": "agent", "agent": _person(author), "at": from_unix(at), "body": body, "public": not note}
    return {"author": "system", "at": from_unix(at), "body": body}


def conversation_row(conv: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """One Intercom conversation and its parts as an import row (docs/connectors.md, "Intercom")."""
    source = conv.get("source") or {}
    messages = [_message(source.get("author") or {}, source.get("body") or "", conv.get("created_at"), False)]
    for part in (conv.get("conversation_parts") or {}).get("conversation_parts") or []:
        if part.get("body") and part.get("part_type") in MESSAGE_PARTS:
            note = part.get("part_type") == "note"
            messages.append(_message(part.get("author") or {}, part["body"], part.get("created_at"), note))
    assignee = f"intercom-{conv['admin_assignee_id']}" if conv.get("admin_assignee_id") else None
    contacts = (conv.get("contacts") or {}).get("contacts") or []
    stats = conv.get("statistics") or {}
    state = STATE.get(conv.get("state") or ("open" if conv.get("open") else "closed"), "open")
    return {
        "external_id": str(conv["id"]),
        "source": ctx.source,
        "channel": CHANNEL.get(source.get("type") or "", "chat"),
        "subject": source.get("subject") or conv.get("title") or "",
        "created_at": from_unix(conv.get("created_at")),
        "first_reply_at": from_unix(stats.get("first_admin_reply_at")),
        "closed_at": from_unix(stats.get("last_close_at")) if state == "closed" else None,
        "status": state,
        "customer": _person(contacts[0]) if contacts else None,
        "agents": agents_in_order((m.get("agent") for m in messages), assignee),
        "label": first_label((t.get("name") for t in (conv.get("tags") or {}).get("tags") or []), ctx.labels),
        "reopens": max(0, int(stats.get("count_reopens") or 0)),
        "customer_rating": rating_of((conv.get("conversation_rating") or {}).get("rating")),
        "messages": messages,
    }
