"""The detector engine: a conversation in plain data, what a detector returns, and the registry that runs them all.

Pure: no database. A detector reads a `Conversation` (the public customer and agent messages, their times and the
contact's language) and returns a `Finding`: a verdict (pass / fail / not applicable), a confidence and the evidence —
the message ids and character spans (in the message's text, `Msg.text`) that decided it. The services store findings;
the UI highlights their spans in the transcript.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PASS, FAIL, NA = "pass", "fail", "na"
SUPPORTED_LANGUAGES = ("it", "fr", "en")


@dataclass(frozen=True, slots=True)
class Msg:
    """One message as detectors see it: `text` is the body (HTML bodies with their tags removed)."""

    id: int
    role: str  # customer, agent (bots and system lines are not given to detectors)
    text: str
    sent_at: datetime | None = None
    position: int = 0  # place in the whole transcript (events included), for the order of SOP steps


@dataclass(frozen=True, slots=True)
class Event:
    """An agent action or system event of the transcript (e.g. "refund-issued"), `id` its message id."""

    id: int
    name: str
    position: int = 0
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SopSpec:
    """An SOP as the process checks read it: the labels it serves and its steps ({text, required, evidence,
    forbidden}, in order)."""

    code: str
    labels: frozenset[str] = frozenset()
    steps: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Conversation:
    """An interaction's transcript in plain data; `language` is a primary subtag (it, fr, en…) or ""."""

    messages: tuple[Msg, ...]
    language: str = ""
    channel: str = ""
    events: tuple[Event, ...] = ()
    label: str = ""  # the contact reason's code, "" when none
    sop: str = ""  # the SOP's code, "" when none
    sops: Mapping[str, SopSpec] = field(default_factory=dict)  # the SOP catalogue by code
    names: tuple[str, ...] = ()  # people's names the interaction gives (its agent's), never checked for spelling
    agent: tuple[Msg, ...] = field(init=False)
    customer: tuple[Msg, ...] = field(init=False)
    rules_language: str = field(init=False)  # whose phrase lists apply: `language` when supported, else guessed
    # What detectors compute once and share (each message's phrase hits): filled as they run, never compared.
    cache: dict[Any, Any] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        from qadesk.autoqa.rules import guess_language

        object.__setattr__(self, "agent", tuple(m for m in self.messages if m.role == "agent"))
        object.__setattr__(self, "customer", tuple(m for m in self.messages if m.role == "customer"))
        object.__setattr__(self, "cache", {})
        language = self.language if self.language in SUPPORTED_LANGUAGES else ""
        object.__setattr__(self, "rules_language", language or guess_language([m.text for m in self.messages]))


@dataclass(frozen=True, slots=True)
class Span:
    """Characters [start, end) of one message's text that show why a detector decided as it did."""

    message: int
    start: int
    end: int
    note: str = ""  # a code saying what the span is (e.g. "card", "iban"); never a label

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "start": self.start, "end": self.end, "note": self.note}


@dataclass(frozen=True, slots=True)
class Finding:
    verdict: str
    confidence: float
    evidence: tuple[Span, ...] = ()
    language: str = ""
    impact: str | None = None  # the impact of this fail when it is not the detector's own (an SOP's two classes)


@dataclass(frozen=True, slots=True)
class Detector:
    """A built-in check: its code, version (raise it when its rules change: results are then computed again), the
    scorecard criterion code it checks, the languages it knows, the impact of a failure, and the function."""

    code: str
    version: int
    criterion: str
    languages: tuple[str, ...]
    impact: str  # "high", "low" or "" (a fail is not an error by itself)
    check: Callable[[Conversation], Finding]
    # Optional: the findings on many conversations at once, in their order (a model predicts a batch faster than
    # one by one); `check` must give the same finding.
    batch: Callable[[Sequence[Conversation]], list[Finding]] | None = None


_REGISTRY: dict[str, Detector] = {}


def register(detector: Detector) -> Detector:
    _REGISTRY[detector.code] = detector
    return detector


def detectors() -> list[Detector]:
    """The built-in detectors, by code (importing the detectors package registers them)."""
    import qadesk.autoqa.detectors  # noqa: F401

    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def detector_signature(chosen: Iterable[Detector], extra: str = "") -> str:
    """A digest of (code, version) pairs (and `extra`, the SOP catalogue's digest): an interaction checked under another
    signature is checked again."""
    text = ",".join(f"{d.code}:{d.version}" for d in sorted(chosen, key=lambda d: d.code)) + extra
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def run_detectors(conversation: Conversation, chosen: Iterable[Detector] | None = None) -> dict[str, Finding]:
    """Every detector's finding on one conversation, by detector code."""
    return {d.code: d.check(conversation) for d in (detectors() if chosen is None else chosen)}


def na(language: str = "") -> Finding:
    return Finding(NA, 1.0, (), language)
