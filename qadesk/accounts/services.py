"""Writing accounts: API tokens, user preferences, and logins for imported agents (invitations)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qadesk.accounts.models import Agent, ApiToken, OrgSettings, Role, SavedFilter, User
from qadesk.core.errors import ApplicationError, PermissionDenied

MAX_TOKEN_DAYS = 3650


def api_token_create(*, user: User, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token (valid for `expires_in_days`, or until revoked) and return it with its key; only the key's digest
    is stored."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the token a name, e.g. the program or machine that will use it."))
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise ApplicationError(_("A token expires after 1 to {days} days.").format(days=MAX_TOKEN_DAYS))
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], digest=ApiToken.hash(key), expires_at=expires_at)
    return token, key


def api_token_revoke(*, token: ApiToken, reason: str = ApiToken.Revoked.OWNER) -> ApiToken:
    """Revoke a token now (a revoked token stays revoked, with its first reason); the API then answers 401 for it."""
    if token.revoked_at is None:
        token.revoked_at, token.revoked_reason = timezone.now(), reason
        token.save(update_fields=["revoked_at", "revoked_reason"])
    return token


def user_set_language(*, user: User, language: str) -> User:
    """Save the language the user reads qadesk in."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ApplicationError(_("Unsupported language: {language}").format(language=language))
    user.language = language
    user.save(update_fields=["language"])
    return user


def user_set_review_languages(*, user: User, languages: Iterable[str]) -> User:
    """Set the languages a reviewer reviews (language subtags: `it-IT` is kept as `it`); an unknown tag is refused."""
    from qadesk.interactions.languages import language_primary, language_tag_normal

    tags = [tag.strip() for tag in languages if tag.strip()]
    wrong = [tag for tag in tags if language_tag_normal(tag) is None]
    if wrong:
        raise ApplicationError(_("Not a language tag: {tags}").format(tags=", ".join(wrong)))
    user.review_languages = list(dict.fromkeys(language_primary(tag) for tag in tags))
    user.save(update_fields=["review_languages"])
    return user


@transaction.atomic
def org_settings_update(*, actor: User, changes: dict[str, object]) -> OrgSettings:
    """Change the organisation settings (admins only); values are validated by the model's own rules."""
    if actor.role != Role.ADMIN and not actor.is_superuser:
        raise PermissionDenied(_("Only an admin can change the organisation settings."))
    org = OrgSettings.objects.select_for_update().get(pk=OrgSettings.load().pk)
    pass_mark = org.pass_mark
    for name, value in changes.items():
        setattr(org, name, value)
    org.full_clean()
    org.save()
    if Decimal(org.pass_mark) != Decimal(pass_mark):
        from qadesk.analytics.rollup import quality_rollup_rebuild  # analytics builds on accounts, not the reverse

        quality_rollup_rebuild()  # passes are counted at the pass mark: recount them in the report's rollup
    return org


@dataclass
class InviteReport:
    """What `people_invite` did, by agent username: invited (login created), sent again, or skipped with the reason."""

    invited: list[str] = field(default_factory=list)
    resent: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def people_check_admin(*, actor: User) -> None:
    """Creating logins is an admin's act."""
    if not (actor.is_superuser or actor.role == Role.ADMIN):
        raise PermissionDenied(_("Only an admin can invite people."))


@transaction.atomic
def people_invite(*, actor: User | None, agents: Iterable[Agent]) -> InviteReport:
    """Give each agent a login (role agent, their team, no password yet) and e-mail them an invitation to set a password.

    Idempotent: an agent already invited gets the invitation again (a fresh link), never a second login; one who has
    set a password is skipped. Bots and agents without an e-mail address are skipped. Their reviews were credited to
    the agent all along, so the new login finds them waiting. `actor` None: the command line (the operator).
    """
    if actor is not None:
        people_check_admin(actor=actor)
    report = InviteReport()
    for agent in Agent.objects.select_for_update(of=("self",)).select_related("user").filter(pk__in=[a.pk for a in agents]):
        reason = _not_invitable(agent)
        if reason:
            report.skipped.append((agent.username, reason))
            continue
        user = agent.user
        if user is None:
            user = User(username=agent.username, email=agent.email, role=Role.AGENT, team=agent.team)
            user.first_name = agent.display_name[:150]
            user.set_unusable_password()
            user.save()
            agent.user = user
            agent.save(update_fields=["user"])
            report.invited.append(agent.username)
        else:
            if user.email != agent.email:
                user.email = agent.email
                user.save(update_fields=["email"])
            report.resent.append(agent.username)
        _send_invitation(user=user, agent=agent)
    return report


def _not_invitable(agent: Agent) -> str:
    """Why this agent cannot be invited, or ""."""
    if agent.is_bot:
        return _("a bot has no login")
    if not agent.email:
        return _("no e-mail address")
    if agent.user is not None and agent.user.has_usable_password():
        return _("already has an account")
    if agent.user is None and User.objects.filter(username=agent.username).exists():
        return _("a login with this username exists already: link it to the agent in the admin")
    return ""


def _send_invitation(*, user: User, agent: Agent) -> None:
    """The invitation through the notification e-mail job; its link is the password-reset link (valid for
    PASSWORD_RESET_TIMEOUT, used once)."""
    from qadesk.notifications.services import notify  # notifications build on accounts, not the reverse
    from qadesk.reviews.models import Review, ReviewStatus

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    waiting = Review.objects.filter(agent=agent, status=ReviewStatus.SUBMITTED).count()
    if waiting:
        subject = gettext_noop("You are invited to qadesk, where reviews of your work wait for you ({reviews}): set a password.")
    else:
        subject = gettext_noop("You are invited to qadesk: set a password.")
    notify(recipient=user, kind="invitation", subject=subject, params={"reviews": waiting}, url=url)


SAVED_FILTERS_MAX = 30
# What a saved filter leaves out of the list's query string: where the list was, and the form's own fields.
_NOT_FILTERS = frozenset({"page", "csrfmiddlewaretoken", "saved_name", "query"})


def saved_filter_query(params: Mapping[str, Sequence[str]]) -> str:
    """The filters of a list request as a query string: empty values and the page number left out."""
    pairs = [(key, value) for key, values in params.items() if key not in _NOT_FILTERS for value in values if value]
    return urlencode(pairs)[:2000]


def saved_filter_save(*, user: User, page: str, name: str, query: str) -> SavedFilter:
    """Save a list's filters under a name; saving under a name already used replaces that filter (safe to repeat)."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the filter a name."))
    if page not in SavedFilter.Page.values:
        raise ApplicationError(_("Filters of this list cannot be saved."))
    existing = SavedFilter.objects.filter(user=user, page=page)
    if existing.count() >= SAVED_FILTERS_MAX and not existing.filter(name=name).exists():
        raise ApplicationError(
            _("You have {count} saved filters on this list: delete one first.").format(count=SAVED_FILTERS_MAX)
        )
    saved, _created = SavedFilter.objects.update_or_create(user=user, page=page, name=name[:80], defaults={"query": query})
    return saved


def saved_filter_delete(*, saved_filter: SavedFilter) -> None:
    saved_filter.delete()
