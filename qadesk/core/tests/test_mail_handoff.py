"""The SMTP hand-off's copies (mail_handoff.blank_of, fill) and its parallel sending (hand_over) against a real SMTP
server (aiosmtpd): copies only where Django would write the same bytes, every message tried once, errors per message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.mail import EmailMultiAlternatives

from qadesk.core.mail_handoff import (
    MESSAGE_ID_MARK,
    RECIPIENT_MARK,
    TOKEN_MARK,
    Outgoing,
    blank_of,
    fill,
    hand_over,
    outgoing_of,
)
from qadesk.notifications.tests.conftest import _use_smtp, free_port, running_smtp


def _blank(text: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives("Qualità", text, None, [RECIPIENT_MARK], headers={"Message-ID": MESSAGE_ID_MARK})
    message.attach_alternative(f"<p>{text}</p>", "text/html")
    return message


def test_a_blank_is_the_messages_bytes_with_each_mark_in_place() -> None:
    blank = blank_of(_blank(f"Rispondi: https://qa.example.com/s/{TOKEN_MARK}/ — grazie"), tokens=2)
    assert blank is not None and blank.recipient == RECIPIENT_MARK
    copy = fill(blank, token="a" * 32, recipient="c@example.com")
    assert copy is not None and copy.recipient == "c@example.com"
    assert copy.data.count(b"/s/" + b"a" * 32 + b"/") == 2 and b"To: c@example.com\r\n" in copy.data
    assert TOKEN_MARK.encode() not in copy.data and MESSAGE_ID_MARK.encode() not in copy.data


def test_no_blank_when_a_token_could_push_a_line_past_what_django_sends_as_is() -> None:
    assert blank_of(_blank("x" * 970 + TOKEN_MARK), tokens=2) is None  # 985 characters now, 1,034 with a long token
    assert blank_of(_blank("x" * 900 + TOKEN_MARK), tokens=2) is not None
    assert blank_of(_blank(f"{TOKEN_MARK} {TOKEN_MARK}"), tokens=2) is None  # a mark where none was expected


@pytest.mark.parametrize(
    ("token", "recipient"),
    [
        ("a" * 32, "Ann <a@example.com>"),
        ("a" * 32, "à@example.com"),
        ("a" * 32, "x" * 64 + "@example.com"),
        ("a=b", "c@example.com"),
    ],
)
def test_no_copy_for_what_django_would_write_differently(token: str, recipient: str) -> None:
    blank = blank_of(_blank(TOKEN_MARK), tokens=2)
    assert blank is not None and fill(blank, token=token, recipient=recipient) is None


class Counting:
    def __init__(self) -> None:
        self.received: list[str] = []
        self.sessions: set[int] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.extend(envelope.rcpt_tos)
        self.sessions.add(id(session))
        return "250 OK"


@pytest.fixture
def server(settings: Any) -> Iterator[Counting]:
    with running_smtp(settings, Counting()) as handler:
        yield handler


def test_hand_over_sends_each_message_once_over_several_connections(server: Counting) -> None:
    blank = outgoing_of(EmailMultiAlternatives("S", "body", "qa@example.com", ["x@example.com"]))
    addresses = [f"c{n}@example.com" for n in range(40)] + ["refused@example.com"]
    errors = hand_over([Outgoing(blank.sender, a, blank.data) for a in addresses], connections=4)
    assert errors[:40] == [None] * 40 and "550" in str(errors[40])
    assert sorted(server.received) == sorted(addresses[:40]) and 1 < len(server.sessions) <= 4


def test_hand_over_without_a_server_gives_each_message_the_error(settings: Any) -> None:
    _use_smtp(settings, free_port())  # nothing listens there
    blank = outgoing_of(EmailMultiAlternatives("S", "body", "qa@example.com", ["x@example.com"]))
    errors = hand_over([blank] * 5, connections=3)
    assert len(errors) == 5 and all(isinstance(e, ConnectionRefusedError) for e in errors)
