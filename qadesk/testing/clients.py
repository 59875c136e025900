"""Test clients through the doors people use: the API with a personal token, the pages with a logged-in session."""

from __future__ import annotations

from django.test import Client

from qadesk.accounts.models import User
from qadesk.accounts.services import api_token_create


def api_client(user: User) -> Client:
    """A client sending `Authorization: Bearer …` with a fresh personal token of the user."""
    _token, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def page_client(user: User) -> Client:
    """A browser-like client logged in as the user (session cookie, CSRF not enforced)."""
    client = Client()
    client.force_login(user)
    return client


def body(response: object) -> bytes:
    """A response's bytes, whether it was sent whole, streamed (CSV exports) or from a file (xlsx exports)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined,no-any-return]
