"""Writing accounts: API tokens and user preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from qadesk.accounts.models import ApiToken, OrgSettings, Role, User
from qadesk.core.errors import ApplicationError, PermissionDenied


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its key; only the key's digest is stored."""
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], digest=ApiToken.hash(key))
    return token, key


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
    for name, value in changes.items():
        setattr(org, name, value)
    org.full_clean()
    org.save()
    return org
