"""Notifications over the API: your own, newest first, and marking them read."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from qadesk.core.api import Pagination
from qadesk.core.inputs import Id
from qadesk.notifications.models import Notification
from qadesk.notifications.services import notifications_mark_read

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MarkReadIn(Schema):
    ids: list[Id] | None = Field(None, description="The notifications to mark read; omit to mark them all.")


class MarkedOut(Schema):
    marked: int


@router.get("", response=list[NotificationOut], summary="My notifications")
@paginate(Pagination)
def list_notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    """The caller's notifications, newest first (subjects in the language they had when notified)."""
    notifications = Notification.objects.filter(recipient=request.user)  # type: ignore[misc]
    return notifications.filter(read_at__isnull=True) if unread else notifications


@router.post("/read", response=MarkedOut, summary="Mark notifications read")
def mark_read(request: HttpRequest, payload: MarkReadIn) -> dict[str, int]:
    return {"marked": notifications_mark_read(recipient=request.user, ids=payload.ids)}  # type: ignore[arg-type]
