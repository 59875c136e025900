"""A real SMTP server (aiosmtpd) on 127.0.0.1 for e-mail tests, and Django pointed at it."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """What the SMTP server received, parsed; its handle_DATA runs before the server answers 250."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _use_smtp(settings: Any, port: int) -> None:
    # pytest-django installs the locmem backend for the whole session; these tests want the real SMTP one.
    # The e-mail job runs as it is queued (test_queue.py runs it through a real queue and worker instead).
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


H = TypeVar("H")


@contextlib.contextmanager
def running_smtp(settings: Any, handler: H) -> Iterator[H]:
    """An aiosmtpd server with `handler` on a free local port while the block runs; Django sends its mail there."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    _use_smtp(settings, controller.port)
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    """Start an SMTP server on a free local port for one test; Django sends its mail there."""
    with running_smtp(settings, Mailbox()) as mailbox:
        yield mailbox


@pytest.fixture
def smtp_unreachable(settings: Any) -> None:
    """Django's SMTP backend pointed at a local port nobody listens on."""
    _use_smtp(settings, free_port())
