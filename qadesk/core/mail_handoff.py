"""Handing many e-mails to the SMTP server quickly: a message that differs from copy to copy only by a token, its
recipient and its Message-ID is built once as the bytes Django's SMTP backend would send, with marks in those places,
and each copy is made by replacing the marks; the copies go out over several SMTP connections at once, each message
on its own, so a refused recipient fails only its own message. Copies of one blank share its MIME boundary (allowed:
a boundary only has to be absent from the parts, and no token can contain its "=")."""

from __future__ import annotations

import contextlib
import re
import smtplib
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME

# Marks for what differs between copies; never real values (tokens have 32 characters, example.invalid takes no mail).
TOKEN_MARK = "qadeskTOKENmark"  # noqa: S105 (not a password)
RECIPIENT_MARK = "qadesk-recipient@example.invalid"
MESSAGE_ID_MARK = "<qadesk-message-id@example.invalid>"
TOKEN_MAX = 64  # the invitation token's max_length: the blank's lines are checked for tokens this long
SAFE_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{1,{TOKEN_MAX}}}")
# A plain ASCII address that Django puts in the To header and the envelope unchanged, on one header line.
SAFE_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,60}")
ADDRESS_MAX = 70
LINE_MAX = 998  # RFC 5322; Django switches a body to quoted-printable past it, which a longer token would change
ERRORS = (OSError, smtplib.SMTPException)


@dataclass(frozen=True)
class Outgoing:
    """One message as handed to the SMTP server: envelope sender, envelope recipient, the bytes."""

    sender: str
    recipient: str
    data: bytes


def smtp_in_use() -> bool:
    """Whether Django sends through its SMTP backend (the only one bytes can be handed to; others get messages)."""
    return isinstance(get_connection(), SMTPBackend)


def outgoing_of(message: EmailMessage) -> Outgoing:
    """A one-recipient message as Django's SMTP backend would hand it over (its `_send`)."""
    encoding = message.encoding or settings.DEFAULT_CHARSET
    [recipient] = message.recipients()
    return Outgoing(
        sanitize_address(message.from_email, encoding),
        sanitize_address(recipient, encoding),
        message.message().as_bytes(linesep="\r\n"),  # type: ignore[call-arg]  # Django's SafeMIME takes linesep
    )


def blank_of(message: EmailMessage, *, tokens: int) -> Outgoing | None:
    """The bytes of `message` — made with TOKEN_MARK `tokens` times in its bodies, RECIPIENT_MARK its one recipient and
    MESSAGE_ID_MARK its Message-ID header — if each copy can be made by replacing the marks: every mark found where
    expected and no line that a token could push past the length at which Django would encode the body otherwise.
    None when not (each copy is then built by Django)."""
    blank = outgoing_of(message)
    data = blank.data
    counts = (data.count(TOKEN_MARK.encode()), data.count(RECIPIENT_MARK.encode()), data.count(MESSAGE_ID_MARK.encode()))
    if counts != (tokens, 1, 1) or blank.recipient != RECIPIENT_MARK:
        return None
    grow = TOKEN_MAX - len(TOKEN_MARK)
    if any(len(line) + line.count(TOKEN_MARK.encode()) * grow > LINE_MAX for line in data.split(b"\r\n")):
        return None
    return blank


def fill(blank: Outgoing, *, token: str, recipient: str) -> Outgoing | None:
    """A copy of the blank for this token and recipient with a new Message-ID; None when either is unusual enough that
    Django would write it differently (the caller builds that one message with Django)."""
    if not SAFE_TOKEN.fullmatch(token) or len(recipient) > ADDRESS_MAX or not SAFE_ADDRESS.fullmatch(recipient):
        return None
    data = blank.data.replace(TOKEN_MARK.encode(), token.encode()).replace(RECIPIENT_MARK.encode(), recipient.encode())
    return Outgoing(blank.sender, recipient, data.replace(MESSAGE_ID_MARK.encode(), make_msgid(domain=str(DNS_NAME)).encode()))


_UNTRIED = object()


def hand_over(messages: Sequence[Outgoing], *, connections: int) -> list[BaseException | None]:
    """Send each message on its own over up to `connections` SMTP connections at once (threads that all end before
    this returns); returns each message's error, or None when the server took it. A refusal keeps the connection for
    the next message; a broken connection is opened again for the next; a connection that cannot be opened leaves its
    share to the others, and messages nobody could send get that error."""
    results: list[object] = [_UNTRIED] * len(messages)
    queue = iter(range(len(messages)))
    lock = threading.Lock()

    def take() -> int | None:
        with lock:
            return next(queue, None)

    def sender() -> BaseException | None:
        backend = get_connection()
        assert isinstance(backend, SMTPBackend)
        try:
            backend.open()
        except ERRORS as exc:
            return exc
        try:
            while (index := take()) is not None:
                results[index] = _send(backend, messages[index])
        finally:
            with contextlib.suppress(*ERRORS):
                backend.close()
        return None

    count = max(1, min(connections, len(messages)))
    if count == 1:
        refused = [sender()]
    else:
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="smtp-handoff") as pool:
            refused = list(pool.map(lambda _n: sender(), range(count)))
    opening = next((exc for exc in refused if exc is not None), None)
    return [opening if result is _UNTRIED else result for result in results]  # type: ignore[misc]


def _send(backend: SMTPBackend, message: Outgoing) -> BaseException | None:
    try:
        if backend.connection is None:
            backend.open()
        assert backend.connection is not None
        backend.connection.sendmail(message.sender, [message.recipient], message.data)
    except ERRORS as exc:
        if not isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
            with contextlib.suppress(*ERRORS):
                backend.close()  # the connection broke: the next message opens a new one
        return exc
    return None


def send_each(messages: Sequence[EmailMessage]) -> list[BaseException | None]:
    """Send each message on its own through Django's configured backend (one that is not SMTP: console, locmem…);
    returns each message's error or None."""
    backend = get_connection()
    results: list[BaseException | None] = []
    try:
        backend.open()
        for message in messages:
            try:
                backend.send_messages([message])
            except ERRORS as exc:
                results.append(exc)
            else:
                results.append(None)
    except ERRORS as exc:
        results.extend([exc] * (len(messages) - len(results)))
    finally:
        with contextlib.suppress(*ERRORS):
            backend.close()
    return results
