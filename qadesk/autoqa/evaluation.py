"""Measuring the detectors against conversations people labelled (docs/autoqa.md, `qadesk autoqa evaluate`).

A gold file is JSON Lines in the interaction import format (docs/import-format.md) plus, per line,
`"gold": {criterion code: "pass" | "fail" | "na"}`. Nothing is written to the database. The figures treat "fail" as
the positive class — what a detector is there to find: precision is the share of its fails that people also
failed, recall the share of people's fails it found; "na" on either side counts as not a fail. `accuracy` is the
share of exact agreement on the three verdicts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from pydantic import ValidationError

from qadesk.autoqa.engine import FAIL, NA, PASS, Conversation, Msg, detectors
from qadesk.core.errors import ApplicationError

VERDICTS = (PASS, FAIL, NA)
EVALUATION_COLUMNS = ("criterion", "language", "n", "tp", "fp", "fn", "tn", "precision", "recall", "f1", "accuracy")


@dataclass(frozen=True)
class Pair:
    """One criterion on one conversation: what people said and what the detector said."""

    criterion: str
    language: str
    gold: str
    predicted: str


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def f1_score(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None or precision + recall == 0:
        return None if precision is None or recall is None else 0.0
    return round(2 * precision * recall / (precision + recall), 4)


def confusion(pairs: Iterable[Pair]) -> dict[str, int]:
    """tp, fp, fn, tn with "fail" as the positive class, and n and agree (the same verdict of three)."""
    counts = dict.fromkeys(("n", "tp", "fp", "fn", "tn", "agree"), 0)
    for p in pairs:
        counts["n"] += 1
        counts["agree"] += p.gold == p.predicted
        key = ("t" if (p.gold == FAIL) == (p.predicted == FAIL) else "f") + ("p" if p.predicted == FAIL else "n")
        counts[key] += 1
    return counts


def scores(pairs: Iterable[Pair]) -> list[dict[str, Any]]:
    """Per criterion and language, then per criterion over every language ("all"): n, the confusion counts,
    precision, recall, F1 and accuracy (None where a ratio has no denominator)."""
    groups: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[(p.criterion, p.language or "?")].append(p)
        groups[(p.criterion, "all")].append(p)
    rows = []
    for (criterion, language), group in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] == "all", kv[0][1])):
        c = confusion(group)
        precision, recall = ratio(c["tp"], c["tp"] + c["fp"]), ratio(c["tp"], c["tp"] + c["fn"])
        rows.append(
            {
                "criterion": criterion,
                "language": language,
                **{k: c[k] for k in ("n", "tp", "fp", "fn", "tn")},
                "precision": precision,
                "recall": recall,
                "f1": f1_score(precision, recall),
                "accuracy": ratio(c["agree"], c["n"]),
            }
        )
    return rows


def gold_conversation(record: dict[str, Any], line: int) -> tuple[Conversation, dict[str, str]]:
    """A gold line's conversation (message ids are positions) and its gold verdicts; ApplicationError names the line."""
    from qadesk.imports.schemas import InteractionIn

    gold = record.get("gold")
    if not isinstance(gold, dict) or any(v not in VERDICTS for v in gold.values()):
        raise ApplicationError(_("Line {line}: gold must map criterion codes to pass, fail or na.").format(line=line))
    try:
        parsed = InteractionIn.model_validate(record)
    except ValidationError as exc:
        raise ApplicationError(_("Line {line}: {error}").format(line=line, error=exc.errors()[0]["msg"])) from None
    messages = tuple(
        Msg(i, m.author, (m.body or "") if m.format == "text" else _strip(m.body or ""), m.at)
        for i, m in enumerate(parsed.messages or [])
        if m.public and m.author in {"customer", "agent"}
    )
    language = (parsed.language or "").split("-")[0].lower()
    return Conversation(messages, language=language, channel=parsed.channel), {str(k): str(v) for k, v in gold.items()}


def _strip(body: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(body)


def evaluation_pairs(records: Iterable[tuple[int, dict[str, Any]]]) -> Iterator[Pair]:
    """Run every built-in detector on each gold conversation; one Pair per gold criterion that a detector checks."""
    by_criterion = {d.criterion: d for d in detectors()}
    for line, record in records:
        conversation, gold = gold_conversation(record, line)
        for criterion, verdict in gold.items():
            if detector := by_criterion.get(criterion):
                finding = detector.check(conversation)
                yield Pair(criterion, conversation.rules_language or conversation.language, verdict, finding.verdict)


def evaluate_file(path: str | Path) -> list[dict[str, Any]]:
    """The score rows (see `scores`) of a gold JSON Lines file."""
    try:
        with open(path, encoding="utf-8") as fh:
            records = []
            for line, text in enumerate(fh, 1):
                if text.strip():
                    try:
                        records.append((line, json.loads(text)))
                    except json.JSONDecodeError as exc:
                        raise ApplicationError(_("Line {line}: not JSON ({error}).").format(line=line, error=exc.msg)) from None
    except OSError as exc:
        raise ApplicationError(_("Cannot read {path}: {error}").format(path=path, error=exc.strerror)) from exc
    return scores(evaluation_pairs(records))
