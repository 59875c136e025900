"""Organisation settings over the API (everyone reads them, admins change them), and the caller's own API tokens
(listed and revoked; created on the account page or with `qadesk token create`, so a token cannot mint another), and
the agents' logins (people: listed and invited by admins)."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from qadesk.accounts.models import SETTING_MAX_DAYS, SETTING_MAX_HOURS, SETTING_MAX_MINIMUM_N, Agent, ApiToken, OrgSettings
from qadesk.accounts.selectors import api_token_list, people_list
from qadesk.accounts.services import api_token_revoke, org_settings_update, people_check_admin, people_invite
from qadesk.core.api import ErrorOut

router = Router(tags=["settings"])
tokens_router = Router(tags=["tokens"])
people_router = Router(tags=["people"])


class SettingsOut(Schema):
    pass_mark: float = Field(description="A review scoring at least this passes.")
    minimum_n: int = Field(description="Below this many reviews a score is marked not conclusive (at least 2).")
    max_interval_width: float = Field(
        description="A score is conclusive only when its 95 % interval is at most this many points wide (1–100)."
    )
    allow_self_review: bool
    dispute_window_days: int = Field(description="How long after submission an agent may dispute a review.")
    dispute_decision_days: int = Field(description="A dispute undecided after this many days is overdue.")
    disputes_go_to_qa_lead: bool = Field(description="Otherwise disputes go to the original reviewer, who may escalate.")
    calibration_reminder_hours: int = Field(
        description="Calibration participants still scoring are reminded this many hours before the deadline; 0: never."
    )


class SettingsPatch(Schema):
    pass_mark: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    minimum_n: int | None = Field(None, ge=2, le=SETTING_MAX_MINIMUM_N)
    max_interval_width: Decimal | None = Field(None, ge=1, le=100, max_digits=4, decimal_places=1)
    allow_self_review: bool | None = None
    dispute_window_days: int | None = Field(None, ge=0, le=SETTING_MAX_DAYS)
    dispute_decision_days: int | None = Field(None, ge=1, le=SETTING_MAX_DAYS)
    disputes_go_to_qa_lead: bool | None = None
    calibration_reminder_hours: int | None = Field(None, ge=0, le=SETTING_MAX_HOURS)


@router.get("", response=SettingsOut, summary="Organisation settings")
def get_settings(request: HttpRequest) -> OrgSettings:
    return OrgSettings.load()


@router.patch("", response={200: SettingsOut, 403: ErrorOut}, summary="Change organisation settings")
def patch_settings(request: HttpRequest, payload: SettingsPatch) -> OrgSettings:
    """Admins only; fields left out keep their value."""
    return org_settings_update(actor=request.user, changes=payload.dict(exclude_unset=True, exclude_none=True))  # type: ignore[arg-type]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The key's first characters, to recognise it (the key itself is never shown again).")
    created_at: datetime
    last_used_at: datetime | None = Field(description="To the minute.")
    expires_at: datetime | None = Field(description="Null: never expires.")
    revoked_at: datetime | None
    revoked_reason: str = Field(description="owner, admin or password (revoked when the password changed); empty if not.")
    active: bool = Field(alias="is_active", description="Neither revoked nor expired.")


@tokens_router.get("", response=list[TokenOut], summary="My API tokens")
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    """The caller's tokens, newest first, revoked and expired ones included."""
    return api_token_list(actor=request.user)  # type: ignore[arg-type]


@tokens_router.delete("/{token_id}", response={204: None, 404: ErrorOut}, summary="Revoke one of my API tokens")
def revoke_token(request: HttpRequest, token_id: int) -> tuple[int, None]:
    """The token answers 401 from now on (revoking the token of this very request is allowed)."""
    api_token_revoke(token=get_object_or_404(api_token_list(actor=request.user), pk=token_id))  # type: ignore[arg-type]
    return 204, None


class PersonOut(Schema):
    username: str
    display_name: str
    email: str
    is_bot: bool
    login: str = Field(description="none, invited (no password set yet) or active.")

    @staticmethod
    def resolve_login(obj: Agent) -> str:
        if obj.user is None:
            return "none"
        return "active" if obj.user.has_usable_password() else "invited"


class InviteIn(Schema):
    usernames: list[str] = Field(max_length=10_000)


class SkippedOut(Schema):
    username: str
    reason: str


class InviteOut(Schema):
    invited: list[str]
    resent: list[str]
    skipped: list[SkippedOut]


@people_router.get("", response={200: list[PersonOut], 403: ErrorOut}, summary="Agents and their logins")
def list_people(request: HttpRequest) -> QuerySet[Agent]:
    """Admins only: every agent (bots included) with their e-mail and whether they have a login."""
    people_check_admin(actor=request.user)  # type: ignore[arg-type]
    return people_list()


@people_router.post("/invite", response={200: InviteOut, 403: ErrorOut}, summary="Invite agents")
def invite_people(request: HttpRequest, payload: InviteIn) -> dict[str, Any]:
    """Admins only: a login for each agent and an e-mail to set a password; again for one invited already."""
    report = people_invite(actor=request.user, agents=Agent.objects.filter(username__in=payload.usernames))  # type: ignore[arg-type]
    skipped = [{"username": name, "reason": reason} for name, reason in report.skipped]
    return {"invited": report.invited, "resent": report.resent, "skipped": skipped}
