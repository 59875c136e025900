"""Writing accounts: API tokens and user preferences."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import ApiToken, OrgSettings, Role, User
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
