"""Notifications through the API door: only your own, unread filter, marking read."""

import pytest
from django.test import Client

from qadesk.accounts.services import api_token_create
from qadesk.notifications.models import Notification
from qadesk.notifications.services import notify

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    _token, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_it_lists_only_the_callers_notifications_newest_first(reviewer, qa_lead) -> None:
    first = notify(recipient=reviewer, kind="assigned", subject="one", url="/reviews/queue/")
    second = notify(recipient=reviewer, kind="dispute_opened", subject="two")
    notify(recipient=qa_lead, kind="k", subject="not yours")
    body = bearer(reviewer).get("/api/v1/notifications").json()
    assert [(n["id"], n["subject"]) for n in body["items"]] == [(second.pk, "two"), (first.pk, "one")]
    assert body["items"][1]["url"] == "/reviews/queue/"


def test_it_marks_read_by_id_or_all_and_filters_unread(reviewer, qa_lead) -> None:
    client = Client()
    client.force_login(reviewer)
    one, two, three = (notify(recipient=reviewer, kind="k", subject=s) for s in ("one", "two", "three"))
    theirs = notify(recipient=qa_lead, kind="k", subject="not yours")
    marked = client.post("/api/v1/notifications/read", {"ids": [one.pk, theirs.pk]}, content_type="application/json")
    assert marked.json() == {"marked": 1}
    assert [n["subject"] for n in client.get("/api/v1/notifications?unread=true").json()["items"]] == ["three", "two"]
    assert client.post("/api/v1/notifications/read", {}, content_type="application/json").json() == {"marked": 2}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0
    assert client.get("/api/v1/notifications").json()["count"] == 3
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert {n.pk for n in (two, three)} <= set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True))


def test_it_needs_a_login(db) -> None:
    assert Client().get("/api/v1/notifications").status_code == 401
