"""Connector secrets encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`).

The key: QADESK_CONNECTOR_KEY (or the file named by QADESK_CONNECTOR_KEY_FILE) holding one or more Fernet keys,
comma-separated; the first encrypts, all decrypt, so a key can be rotated (put the new one first, re-save the
connectors, drop the old one). Without it, a key is derived from Django's SECRET_KEY with HKDF-SHA256 (salt
"qadesk-connectors"): changing SECRET_KEY then makes stored secrets unreadable, and an admin types them again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from qadesk.core.env import envstr
from qadesk.core.errors import ApplicationError


def _derived_key() -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"qadesk-connectors", info=b"connector secrets")
    return base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode()))


def _fernet() -> MultiFernet:
    configured = [key.strip() for key in envstr("QADESK_CONNECTOR_KEY", "").split(",") if key.strip()]
    try:
        keys = [Fernet(key) for key in configured] or [Fernet(_derived_key())]
    except ValueError as exc:
        raise ApplicationError(_("QADESK_CONNECTOR_KEY is not a valid Fernet key.")) from exc
    return MultiFernet(keys)


def encrypt(secret: str) -> str:
    """The secret as a Fernet token (text); an empty secret stays empty."""
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def decrypt(token: str) -> str:
    """The secret back from its token; a token made with another key is an error telling the admin what to do."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ApplicationError(
            _("The connector's secret cannot be decrypted with the current key: enter the secret again.")
        ) from exc
