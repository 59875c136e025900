"""Writing accounts: API tokens and user preferences."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from qadesk.accounts.models import ApiToken, User
from qadesk.core.errors import ApplicationError


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
