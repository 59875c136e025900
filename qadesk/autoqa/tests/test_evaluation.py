"""`qadesk autoqa evaluate` and its pure figures; `qadesk autoqa run`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qadesk.autoqa.evaluation import Pair, confusion, f1_score, scores
from qadesk.autoqa.models import AutoCheck
from qadesk.testing import factories as f

GOLD = Path(__file__).resolve().parent.parent / "gold"


def test_fail_is_the_positive_class_and_na_counts_as_not_a_fail() -> None:
    pairs = [
        Pair("rude", "it", "fail", "fail"),  # tp
        Pair("rude", "it", "pass", "fail"),  # fp
        Pair("rude", "it", "na", "fail"),  # fp
        Pair("rude", "it", "fail", "na"),  # fn
        Pair("rude", "it", "pass", "pass"),  # tn
        Pair("rude", "it", "na", "pass"),  # tn, but not an agreement
    ]
    assert confusion(pairs) == {"n": 6, "tp": 1, "fp": 2, "fn": 1, "tn": 2, "agree": 2}
    row = next(r for r in scores(pairs) if r["language"] == "it")
    assert (row["precision"], row["recall"], row["f1"], row["accuracy"]) == (0.3333, 0.5, 0.4, 0.3333)


def test_ratios_without_a_denominator_are_none() -> None:
    row = scores([Pair("greeting", "en", "pass", "pass")])[0]
    assert row["precision"] is None and row["recall"] is None and row["f1"] is None and row["accuracy"] == 1.0
    assert f1_score(0.0, 0.0) == 0.0


def test_scores_come_per_language_then_for_all_languages() -> None:
    pairs = [Pair("greeting", lang, "fail", "fail") for lang in ("it", "fr")]
    assert [(r["criterion"], r["language"], r["n"]) for r in scores(pairs)] == [
        ("greeting", "fr", 1),
        ("greeting", "it", 1),
        ("greeting", "all", 2),
    ]


@pytest.mark.parametrize("language", ["it", "fr", "en"])
def test_the_shipped_gold_sets_evaluate_per_criterion_and_language(language) -> None:
    out = io.StringIO()
    call_command("autoqa", "evaluate", str(GOLD / f"{language}.jsonl"), "--format", "json", stdout=out)
    rows = {(r["criterion"], r["language"]): r for r in json.loads(out.getvalue())}
    assert rows[("sensitive_data", language)]["n"] == 13
    # the hard negatives: a card number failing Luhn, a quoted greeting, a sarcastic apology are not taken at face value
    assert rows[("sensitive_data", language)]["fp"] == 0
    assert rows[("rude", language)]["recall"] == 1.0 and rows[("empathy", language)]["recall"] == 1.0
    # spelling: 13 proof-read conversations and 10 written for it (the customer's typos and a quoted one are hard negatives)
    assert rows[("spelling", language)]["n"] == 23 and rows[("spelling", language)]["fp"] == 0


def test_csv_output_has_a_header_and_a_row_per_criterion_and_language() -> None:
    out = io.StringIO()
    call_command("autoqa", "evaluate", str(GOLD / "en.jsonl"), "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {"criterion", "language", "n", "precision", "recall", "f1"} <= set(rows[0])
    assert len(rows) == 12 * 2  # twelve criteria, in English and over all languages


def test_a_bad_gold_line_is_named(tmp_path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"external_id": "x"}\n{"gold": {"greeting": "maybe"}}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="Line 1"):
        call_command("autoqa", "evaluate", str(path))
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 1: not JSON"):
        call_command("autoqa", "evaluate", str(path))


@pytest.mark.django_db
def test_the_run_command_checks_one_interaction_then_nothing_more(agent) -> None:
    one = f.make_interaction(agent)
    f.make_interaction(agent)
    out = io.StringIO()
    call_command("autoqa", "run", "--interaction", str(one.pk), stdout=out)
    assert "1 of 1 due interactions checked" in out.getvalue()
    call_command("autoqa", "run", "--interaction", str(one.pk), stdout=(again := io.StringIO()))
    assert "0 of 0" in again.getvalue() and AutoCheck.objects.count() == 1
