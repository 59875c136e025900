"""How a long transcript is shown: long runs of messages from one side fold into a closed <details>.

A pure function over the messages (anything with `pk` and `author_role`), so it is tested without a database and the
template only loops. A fold never hides the message under review: the fold holding it starts open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

RUN_LIMIT = 8  # a run of more than this many messages from the same side folds its middle
SYSTEM_LIMIT = 2  # system lines and events (transfers, actions in tools): a run of more than this folds its middle
KEEP = 2  # messages left visible at each end of a folded run (1 for system lines)


@dataclass(frozen=True)
class Fold:
    """Consecutive messages from one side shown folded; `open` when it holds the message under review."""

    role: str
    messages: tuple[Any, ...]
    open: bool = False

    is_fold = True

    @property
    def count(self) -> int:
        return len(self.messages)


def _runs(messages: Iterable[Any]) -> list[list[Any]]:
    runs: list[list[Any]] = []
    for message in messages:
        if runs and runs[-1][0].author_role == message.author_role:
            runs[-1].append(message)
        else:
            runs.append([message])
    return runs


def transcript_blocks(messages: Sequence[Any] | Iterable[Any], *, focus: int | None = None) -> list[Any]:
    """The messages in order, with the middle of each long same-side run replaced by one Fold."""
    blocks: list[Any] = []
    for run in _runs(messages):
        system = run[0].author_role in ("system", "event")  # one-line entries fold like system lines
        limit, keep = (SYSTEM_LIMIT, 1) if system else (RUN_LIMIT, KEEP)
        if len(run) <= limit:
            blocks.extend(run)
            continue
        middle = tuple(run[keep:-keep])
        blocks.extend(run[:keep])
        blocks.append(Fold(role=run[0].author_role, messages=middle, open=any(m.pk == focus for m in middle)))
        blocks.extend(run[-keep:])
    return blocks
