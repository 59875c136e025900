"""Building conversations for detector tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from qadesk.autoqa.engine import Conversation, Msg

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def conv(language: str, *turns: tuple[str, str], channel: str = "chat", minutes: list[float] | None = None) -> Conversation:
    """A conversation of (role, text) turns, message ids 1, 2, 3…, a minute apart unless `minutes` says when."""
    at = minutes or [float(i) for i in range(len(turns))]
    messages = tuple(Msg(i + 1, role, text, T0 + timedelta(minutes=at[i])) for i, (role, text) in enumerate(turns))
    return Conversation(messages, language=language, channel=channel)


def quoted(c: Conversation, message: int, start: int, end: int) -> str:
    """The characters a span points at."""
    return next(m.text for m in c.messages if m.id == message)[start:end]
