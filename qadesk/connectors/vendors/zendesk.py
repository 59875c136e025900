"""Zendesk Support: the cursor-based incremental ticket export, and each ticket's comments.

GET /api/v2/incremental/tickets/cursor.json?start_time=… (first time) or ?cursor=… (then), with
include=users,metric_sets sideloaded; `after_cursor` is the next page, `end_of_stream` says the feed is read up to
now. Deleted tickets come through the feed with status "deleted". Comments: GET /api/v2/tickets/{id}/comments.json,
following `next_page`. Shapes: tests/fixtures/README.md.
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
    parse_time,
    require,
)

STATUS = {"new": "open", "open": "open", "pending": "pending", "hold": "pending", "solved": "resolved", "closed": "closed"}
CHANNEL = {
    "email": "email", "web": "self_service", "mobile": "self_service", "help_center": "self_service",
    "chat": "chat", "chat_transcript": "chat", "native_messaging": "chat", "mobile_sdk": "chat",
    "voice": "phone", "phone": "phone", "sms": "social", "twitter": "social", "facebook": "social",
    "whatsapp": "social", "instagram_dm": "social", "any_channel": "social",
}  # fmt: skip
RATING = {"good": "positive", "bad": "negative"}  # "offered" and "unoffered": no rating given


class ZendeskFeed:
    def __init__(self, context: Context) -> None:
        self.ctx = context

    def pages(self, *, cursor: dict[str, Any], start: datetime | None) -> Iterator[Page]:
        params: dict[str, Any] = {"include": "users,metric_sets"}
        if cursor.get("cursor"):
            params["cursor"] = cursor["cursor"]
        else:
            params["start_time"] = int(start.timestamp()) if start else 0
        fetch = Parallel(self.ctx.client)
        try:
            while True:
                data = self.ctx.client.get("/api/v2/incremental/tickets/cursor.json", params).data
                tickets = require(data, "tickets", list, "incremental/tickets")
                users = {u.get("id"): u for u in data.get("users") or [] if isinstance(u, dict)}
                metrics = {m.get("ticket_id"): m for m in data.get("metric_sets") or [] if isinstance(m, dict)}
                page = Page(cursor={"cursor": data.get("after_cursor") or params.get("cursor")})
                live = [ticket for ticket in tickets if ticket.get("status") != "deleted"]
                comments = dict(zip((id(t) for t in live), fetch.map(_comments, (t["id"] for t in live)), strict=True))
                for ticket in tickets:
                    page.reached = max(filter(None, [page.reached, parse_time(ticket.get("updated_at"))]), default=None)
                    found = comments.get(id(ticket))
                    if found is None or isinstance(found, NotFound):  # deleted, or deleted since the feed was read
                        page.deleted.append(str(ticket["id"]))
                        continue
                    page.rows.append(ticket_row(ticket, found, users, metrics.get(ticket["id"]), self.ctx))
                yield page
                if data.get("end_of_stream") or not data.get("after_cursor"):
                    return
                params = {"include": "users,metric_sets", "cursor": data["after_cursor"]}
        finally:
            fetch.close()


def _comments(client: HttpClient, ticket_id: Any) -> list[dict[str, Any]]:
    """A ticket's comments, every page of them."""
    comments: list[dict[str, Any]] = []
    url: str | None = f"/api/v2/tickets/{int(ticket_id)}/comments.json"
    while url:
        data = client.get(url).data
        comments.extend(require(data, "comments", list, "ticket comments"))
        url = data.get("next_page")
    return comments


def _person(user_id: Any) -> str | None:
    return f"zendesk-{user_id}" if user_id else None


def ticket_row(
    ticket: dict[str, Any],
    comments: list[dict[str, Any]],
    users: dict[Any, dict[str, Any]],
    metric: dict[str, Any] | None,
    ctx: Context,
) -> dict[str, Any]:
    """One Zendesk ticket and its comments as an import row (docs/connectors.md, "Zendesk")."""
    requester = ticket.get("requester_id")
    messages = []
    for comment in comments:
        author = comment.get("author_id")
        role = (users.get(author) or {}).get("role")
        is_customer = role == "end-user" or (role is None and author == requester)
        public = bool(comment.get("public", True))
        message: dict[str, Any] = {
            "author": "customer" if is_customer else "agent",
            "at": comment.get("created_at"),
            "body": comment.get("plain_body") or comment.get("body") or "",
            "public": public,
        }
        if not is_customer:
            message["agent"] = _person(author)
        messages.append(message)
    assignee = _person(ticket.get("assignee_id"))
    rating = (ticket.get("satisfaction_rating") or {}).get("score")
    metric = metric or {}
    return {
        "external_id": str(ticket["id"]),
        "source": ctx.source,
        "channel": CHANNEL.get(((ticket.get("via") or {}).get("channel") or ""), "email"),
        "subject": ticket.get("subject") or ticket.get("raw_subject") or "",
        "created_at": ticket.get("created_at"),
        "resolved_at": metric.get("solved_at"),
        "status": STATUS.get(ticket.get("status") or "", "open"),
        "customer": _person(requester),
        "agents": agents_in_order((m.get("agent") for m in messages), assignee),
        "label": first_label(ticket.get("tags") or [], ctx.labels),
        "reopens": metric.get("reopens") or 0,
        "customer_rating": RATING.get(rating or ""),
        "messages": messages,
    }
