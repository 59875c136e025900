"""Freshdesk: tickets changed since the cursor, oldest change first, with their conversations.

GET /api/v2/tickets?updated_since=…&order_by=updated_at&order_type=asc&include=stats&per_page=100&page=N (a JSON
array; a `Link: <…>; rel="next"` header while there are more). The cursor keeps `updated_since` and the page; once a
page ends on a later time than it started from, the next request starts again from that time at page 1 (so the
300-page limit of the list is never reached, and a ticket changed while paging is read again, never skipped).
Deleted tickets: the same list with filter=deleted. Conversations: GET /api/v2/tickets/{id}/conversations.
Satisfaction: GET /api/v2/surveys/satisfaction_ratings?created_since=…. Shapes: tests/fixtures/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from qadesk.connectors.client import HttpClient, NotFound
from qadesk.connectors.vendors.common import Context, Page, Parallel, agents_in_order, first_label, parse_time, require

PER_PAGE = 100
EPOCH = "1970-01-01T00:00:00Z"
STATUS = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}  # other numbers are custom statuses: open
CHANNEL = {1: "email", 2: "self_service", 3: "phone", 5: "social", 6: "social", 7: "chat", 9: "self_service", 10: "email"}
NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def rating_of(value: Any) -> str | None:
    """Freshdesk's default question: 103/102/101 happy, 100 neutral, -101/-102/-103 unhappy."""
    if not isinstance(value, int):
        return None
    return "positive" if value > 100 else "neutral" if value == 100 else "negative" if value < 0 else None


class FreshdeskFeed:
    def __init__(self, context: Context) -> None:
        self.ctx = context

    def pages(self, *, cursor: dict[str, Any], start: datetime | None) -> Iterator[Page]:
        since = cursor.get("updated_since") or (start.isoformat().replace("+00:00", "Z") if start else EPOCH)
        page_no = int(cursor.get("page") or 1)
        yield from self._deleted(since)
        ratings = self._ratings(since)
        while True:
            answer = self.ctx.client.get(
                "/api/v2/tickets",
                {"updated_since": since, "order_by": "updated_at", "order_type": "asc", "include": "stats",
                 "per_page": PER_PAGE, "page": page_no},
            )  # fmt: skip
            tickets = answer.data
            if not isinstance(tickets, list):
                require({}, "tickets", list, "tickets")
            page = Page()
            fetch = Parallel(self.ctx.client)
            try:
                found = fetch.map(self._conversations_with, [ticket["id"] for ticket in tickets])
            finally:
                fetch.close()
            for ticket, conversations in zip(tickets, found, strict=True):
                page.reached = max(filter(None, [page.reached, parse_time(ticket.get("updated_at"))]), default=None)
                if isinstance(conversations, NotFound):  # deleted since the list was read
                    page.deleted.append(str(ticket["id"]))
                    continue
                page.rows.append(ticket_row(ticket, conversations, ratings.get(ticket["id"]), self.ctx))
            last = tickets[-1].get("updated_at") if tickets else None
            more = bool(NEXT.search(answer.headers.get("link", "")))
            if more and last and last != since:
                since, page_no = last, 1  # start again from the last change read: no page limit, nothing skipped
            elif more:
                page_no += 1
            else:
                since, page_no = (last or since), 1
            page.cursor = {"updated_since": since, "page": page_no}
            yield page
            if not more:
                return

    def _deleted(self, since: str) -> Iterator[Page]:
        page_no = 1
        while True:
            answer = self.ctx.client.get(
                "/api/v2/tickets", {"filter": "deleted", "updated_since": since, "per_page": PER_PAGE, "page": page_no}
            )
            if not isinstance(answer.data, list):
                require({}, "tickets", list, "deleted tickets")
            if answer.data:
                yield Page(deleted=[str(t["id"]) for t in answer.data if isinstance(t, dict) and "id" in t])
            if not NEXT.search(answer.headers.get("link", "")):
                return
            page_no += 1

    def _ratings(self, since: str) -> dict[Any, Any]:
        ratings: dict[Any, Any] = {}
        url: str | None = "/api/v2/surveys/satisfaction_ratings"
        params: dict[str, Any] | None = {"created_since": since, "per_page": PER_PAGE}
        while url:
            answer = self.ctx.client.get(url, params)
            for rating in answer.data if isinstance(answer.data, list) else []:
                ratings[rating.get("ticket_id")] = (rating.get("ratings") or {}).get("default_question")
            found = NEXT.search(answer.headers.get("link", ""))
            url, params = (found.group(1), None) if found else (None, None)
        return ratings

    @staticmethod
    def _conversations_with(client: HttpClient, ticket_id: Any) -> list[dict[str, Any]]:
        """A ticket's conversations, every page of them, asked on `client` (one of the page's connections)."""
        found: list[dict[str, Any]] = []
        url: str | None = f"/api/v2/tickets/{int(ticket_id)}/conversations"
        params: dict[str, Any] | None = {"per_page": PER_PAGE}
        while url:
            answer = client.get(url, params)
            if not isinstance(answer.data, list):
                require({}, "conversations", list, "ticket conversations")
            found.extend(answer.data)
            link = NEXT.search(answer.headers.get("link", ""))
            url, params = (link.group(1), None) if link else (None, None)
        return found


def _person(user_id: Any) -> str | None:
    return f"freshdesk-{user_id}" if user_id else None


def ticket_row(ticket: dict[str, Any], conversations: list[dict[str, Any]], rating: Any, ctx: Context) -> dict[str, Any]:
    """One Freshdesk ticket and its conversations as an import row (docs/connectors.md, "Freshdesk")."""
    messages: list[dict[str, Any]] = [
        {"author": "customer", "at": ticket.get("created_at"), "body": ticket.get("description_text") or ""}
    ]
    for conv in conversations:
        if conv.get("incoming"):
            messages.append({"author": "customer", "at": conv.get("created_at"), "body": conv.get("body_text") or ""})
        else:
            messages.append({
                "author": "agent", "agent": _person(conv.get("user_id")), "at": conv.get("created_at"),
                "body": conv.get("body_text") or "", "public": not conv.get("private"),
            })  # fmt: skip
    stats = ticket.get("stats") or {}
    assignee = _person(ticket.get("responder_id"))
    return {
        "external_id": str(ticket["id"]),
        "source": ctx.source,
        "channel": CHANNEL.get(ticket.get("source"), "email"),  # type: ignore[arg-type]
        "subject": ticket.get("subject") or "",
        "created_at": ticket.get("created_at"),
        "first_reply_at": stats.get("first_responded_at"),
        "resolved_at": stats.get("resolved_at"),
        "closed_at": stats.get("closed_at"),
        "status": STATUS.get(ticket.get("status"), "open"),  # type: ignore[arg-type]
        "customer": _person(ticket.get("requester_id")),
        "agents": agents_in_order((m.get("agent") for m in messages), assignee),
        "label": first_label(ticket.get("tags") or [], ctx.labels),
        "customer_rating": rating_of(rating),
        "messages": messages,
    }
