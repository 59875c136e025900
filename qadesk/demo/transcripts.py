"""Transcripts assembled from the phrase banks: the customer's problem, the agent's handling, and the planted mistakes.

Pure functions of a seeded `random.Random`: the same generator state gives the same words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from qadesk.demo.phrases import BANKS

LOW_IMPACT = frozenset({"no_greeting", "no_closing", "no_empathy", "jargon", "step_omitted", "vague_next_steps", "wrong_label"})
HIGH_IMPACT = frozenset({"wrong_sop", "refund_against_policy", "blaming", "rudeness"})
# Reasons where an agent could be tempted to hand out money the policy does not allow.
MONEY_REASONS = frozenset({"refund_request", "cancellation", "complaint", "delivery_delay", "replacement_request", "warranty"})


@dataclass(frozen=True)
class Line:
    """One message before it gets a time: who speaks (customer, agent, bot, system), which agent, public or not."""

    author: str
    body: str
    agent: str | None = None
    public: bool = True


@dataclass(frozen=True)
class Scene:
    """What a transcript is about: language, channel, the true reason, the SOP applied, the handlers, the mistakes."""

    language: str
    channel: str
    reason: str
    sop: str
    agents: tuple[tuple[str, str], ...]  # (username, first name) in handling order
    mistakes: frozenset[str]
    html: bool = False


def fill_values(rng: random.Random, language: str, created: datetime) -> dict[str, str]:
    """The concrete details a conversation mentions: customer, order number, product, amount, dates."""
    bank = BANKS[language]
    amount = rng.choice([19.9, 34.5, 49.0, 89.99, 129.0, 249.0])
    day = date.fromordinal(created.date().toordinal() - rng.randint(5, 20))
    return {
        "customer": rng.choice(bank["customers"]),
        "order": f"{rng.randint(10, 99)}-{rng.randint(100000, 999999)}",
        "product": rng.choice(bank["products"]),
        "amount": f"{amount:.2f}" if language == "en" else f"{amount:.2f}".replace(".", ","),
        "days": str(rng.randint(4, 15)),
        "date": day.strftime("%d %b") if language == "en" else day.strftime("%d/%m"),
    }


def subject_line(rng: random.Random, language: str, reason: str, values: dict[str, str]) -> str:
    return str(BANKS[language]["subject"][reason]).format(**values)


def _pick(rng: random.Random, bank: dict[str, Any], key: str, values: dict[str, str]) -> str:
    return str(rng.choice(bank[key])).format(**values)


def _opening(rng: random.Random, scene: Scene, values: dict[str, str]) -> str:
    bank = BANKS[scene.language]
    hello = rng.choice(bank["customer_hello"])
    problem = _pick(rng, {"p": bank["problem"][scene.reason]}, "p", values)
    if not hello:
        problem = problem[0].upper() + problem[1:]
    if scene.html:
        problem = rng.choice(bank["html"]) + problem
    joiner = "\n\n" if scene.channel == "email" else " "
    return f"{hello}{joiner}{problem}" if hello else problem


def transcript_lines(rng: random.Random, scene: Scene, values: dict[str, str]) -> list[Line]:
    """The messages of an interaction an agent handled, with the scene's mistakes written into them."""
    bank = BANKS[scene.language]
    mistakes = scene.mistakes
    first, first_name = scene.agents[0]
    last, last_name = scene.agents[-1]
    lines: list[Line] = []
    say = dict(values, agent=first_name)
    if scene.channel == "self_service":
        lines += [Line("bot", _pick(rng, bank, "bot_hello", say)), Line("customer", _opening(rng, scene, values))]
        if rng.random() < 0.5:
            lines += [Line("bot", _pick(rng, bank, "bot_try", say)), Line("customer", _pick(rng, bank, "customer_human", say))]
        lines.append(Line("bot", _pick(rng, bank, "bot_handover", say)))
    elif scene.channel == "phone":
        lines.append(Line("agent", _pick(rng, bank, "agent_hello_phone", say), first))
        lines.append(Line("customer", _opening(rng, scene, values)))
    else:
        lines.append(Line("customer", _opening(rng, scene, values)))

    opening = []
    if "no_greeting" not in mistakes and scene.channel != "phone":
        opening.append(_pick(rng, bank, "agent_hello", say))
    if "no_empathy" not in mistakes:
        opening.append(_pick(rng, bank, "empathy", say))
    if "step_omitted" not in mistakes:
        opening.append(_pick(rng, bank, "identity", say))
    if opening:
        lines.append(Line("agent", " ".join(opening), first))
    if "step_omitted" not in mistakes:
        lines.append(Line("customer", _pick(rng, bank, "customer_identity", say)))

    if len(scene.agents) > 1:
        lines.append(Line("agent", _pick(rng, bank, "transfer_note", dict(say, agent2=last_name)), first, public=False))
        say = dict(values, agent=last_name)
        lines.append(Line("agent", _pick(rng, bank, "transfer_hello", say), last))
    say = dict(values, agent=last_name)

    handling = [str(rng.choice(bank["handling"][scene.sop])).format(**say)]
    if "jargon" in mistakes:
        handling.append(_pick(rng, bank, "jargon", say))
    if "refund_against_policy" in mistakes:
        handling.append(_pick(rng, bank, "over_promise", say))
    if "blaming" in mistakes:
        handling.insert(0, _pick(rng, bank, "blaming", say))
    lines.append(Line("agent", " ".join(handling), last))

    if "blaming" in mistakes:
        lines.append(Line("customer", _pick(rng, bank, "customer_upset", say)))
    elif len(scene.agents) == 1 or rng.random() < 0.5:
        lines.append(Line("customer", _pick(rng, bank, "customer_followup", say)))
    steps = [_pick(rng, bank, "vague_next_steps" if "vague_next_steps" in mistakes else "next_steps", say)]
    if "rudeness" in mistakes:
        steps.insert(0, _pick(rng, bank, "rude", say))
    lines.append(Line("agent", " ".join(steps), last))
    if "rudeness" in mistakes:
        lines.append(Line("customer", _pick(rng, bank, "customer_upset", say)))
    elif rng.random() < 0.6:
        lines.append(Line("customer", _pick(rng, bank, "customer_thanks", say)))
    if "no_closing" not in mistakes:
        lines.append(Line("agent", _pick(rng, bank, "closing", say), last))
    return _merged(lines, "\n\n" if scene.channel == "email" else " ")


def _merged(lines: list[Line], joiner: str) -> list[Line]:
    """An agent's consecutive public lines form one message, as they would in one e-mail or chat turn."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev and line.author == prev.author == "agent" and line.agent == prev.agent and line.public and prev.public:
            out[-1] = Line("agent", prev.body + joiner + line.body, line.agent)
        else:
            out.append(line)
    return out


def bot_only_lines(rng: random.Random, language: str, reason: str, values: dict[str, str], html: bool = False) -> list[Line]:
    """A self-service conversation the bot closed without an agent."""
    bank = BANKS[language]
    scene = Scene(language, "self_service", reason, "", (), frozenset(), html)
    return [
        Line("bot", _pick(rng, bank, "bot_hello", values)),
        Line("customer", _opening(rng, scene, values)),
        Line("bot", _pick(rng, bank, "bot_try", values)),
        Line("customer", _pick(rng, bank, "customer_bot_ok", values)),
        Line("bot", _pick(rng, bank, "bot_bye", values)),
    ]


def abandoned_lines(rng: random.Random, language: str, seconds: int) -> list[Line]:
    """An abandoned call leaves only the phone system's note."""
    return [Line("system", _pick(rng, BANKS[language], "abandoned", {"seconds": str(seconds)}))]
