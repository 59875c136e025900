"""Measuring the detectors against conversations people labelled (docs/autoqa.md, `qadesk autoqa evaluate`).

A gold file is JSON Lines in the interaction import format (docs/import-format.md) plus, per line,
`"gold": {criterion code: "pass" | "fail" | "na"}` and optionally `"gold_label"`, the contact reason people say the
conversation is about (scored against the contact-reason classifier, when one is trained: label accuracy, the share
predicted right, per language). Nothing is written to the database. The figures treat "fail" as
the positive class — what a detector is there to find: precision is the share of its fails that people also
failed, recall the share of people's fails it found; "na" on either side counts as not a fail. `accuracy` is the
share of exact agreement on the three verdicts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from pydantic import ValidationError

from qadesk.autoqa.engine import FAIL, NA, PASS, Conversation, Detector, Msg, detectors
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

    gold = record.get("gold", {} if "gold_label" in record else None)
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
    conversation = Conversation(messages, language=language, channel=parsed.channel, label=parsed.label or "")
    return conversation, {str(k): str(v) for k, v in gold.items()}


def _strip(body: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(body)


LABEL = "label"  # the criterion column of the label-accuracy rows
LabelPredictor = Callable[[Sequence[Conversation]], list[str]]


def evaluation_pairs(records: Iterable[tuple[int, dict[str, Any]]], extra: Sequence[Detector] = ()) -> Iterator[Pair]:
    """Run every built-in detector (and `extra` ones: the classifier) on each gold conversation; one Pair per gold
    criterion that a detector checks."""
    by_criterion = {d.criterion: d for d in [*detectors(), *extra]}
    for line, record in records:
        conversation, gold = gold_conversation(record, line)
        for criterion, verdict in gold.items():
            if detector := by_criterion.get(criterion):
                finding = detector.check(conversation)
                yield Pair(criterion, conversation.rules_language or conversation.language, verdict, finding.verdict)


def label_pairs(records: Iterable[tuple[int, dict[str, Any]]], predict: LabelPredictor) -> list[Pair]:
    """One Pair per gold line with a `gold_label`: the label people gave and the one the classifier predicts."""
    found = []
    for line, record in records:
        if gold_label := record.get("gold_label"):
            conversation, _gold = gold_conversation(record, line)
            found.append((conversation, str(gold_label)))
    predicted = predict([c for c, _g in found]) if found else []
    return [Pair(LABEL, c.rules_language or c.language, gold, guess) for (c, gold), guess in zip(found, predicted, strict=True)]


def label_scores(pairs: Sequence[Pair]) -> list[dict[str, Any]]:
    """Label accuracy per language, then over all ("all"): n and the share predicted right (the other columns are
    for pass/fail criteria and stay empty)."""
    groups: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[p.language or "?"].append(p)
        groups["all"].append(p)
    empty = dict.fromkeys(("tp", "fp", "fn", "tn", "precision", "recall", "f1"))
    return [
        {"criterion": LABEL, "language": language, "n": len(group), **empty,
         "accuracy": ratio(sum(p.gold == p.predicted for p in group), len(group))}
        for language, group in sorted(groups.items(), key=lambda kv: (kv[0] == "all", kv[0]))
    ]  # fmt: skip


ClassifierLoader = Callable[[], tuple[Sequence[Detector], LabelPredictor | None]]


def evaluate_file(path: str | Path, *, classifier: ClassifierLoader | None = None) -> list[dict[str, Any]]:
    """The score rows (see `scores`) of a gold JSON Lines file. `classifier` gives the contact-reason classifier's
    detector and label predictor; it is called only when a line has a `gold_label` or a `right_label` verdict, and
    then the label accuracy rows of the lines with a `gold_label` come last."""
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
    extra: Sequence[Detector] = ()
    predict: LabelPredictor | None = None
    if classifier is not None and any("gold_label" in r or "right_label" in (r.get("gold") or {}) for _l, r in records):
        extra, predict = classifier()
    rows = scores(evaluation_pairs(records, extra))
    return rows + (label_scores(label_pairs(records, predict)) if predict is not None else [])
