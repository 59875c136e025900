"""Process checks on plain data: SOP steps (missing, forbidden, out of order), right SOP, label vs handling."""

from __future__ import annotations

import pytest

from qadesk.autoqa.detectors.process import event_key, label_handling, right_sop, sop_steps, step_check
from qadesk.autoqa.engine import Conversation, Event, Msg, SopSpec

REFUND = SopSpec(
    "SOP-REF",
    frozenset({"refund_request"}),
    (
        {
            "text": "Verify identity",
            "required": True,
            "evidence": ["account-lookup", "confirm your order number"],
            "forbidden": [],
        },
        {"text": "Offer a voucher", "required": False, "evidence": ["voucher-offered"], "forbidden": []},
        {"text": "Issue the refund", "required": True, "evidence": ["refund-issued"], "forbidden": ["refund-denied-by-policy"]},
    ),
)
INFO = SopSpec("SOP-INF", frozenset({"product_info"}), ({"text": "Answer", "required": True, "evidence": ["sheet-opened"]},))
SOPS = {s.code: s for s in (REFUND, INFO)}


def conv(*items: tuple[str, str], label: str = "refund_request", sop: str = "SOP-REF", language: str = "en") -> Conversation:
    """Turns ("agent", text), ("customer", text) or ("event", name); ids and positions 1, 2, 3…"""
    messages = tuple(Msg(i, role, text, None, i) for i, (role, text) in enumerate(items, 1) if role != "event")
    events = tuple(Event(i, name, i) for i, (role, name) in enumerate(items, 1) if role == "event")
    return Conversation(messages, language=language, events=events, label=label, sop=sop, sops=SOPS)


def test_event_names_compare_in_one_form() -> None:
    assert event_key(" Refund_issued ") == event_key("refund issued") == "refund-issued"


def test_all_required_steps_in_order_pass_with_their_evidence() -> None:
    c = conv(("customer", "I want my money back"), ("event", "account-lookup"), ("event", "refund-issued"), ("agent", "Done."))
    finding = sop_steps(c)
    assert finding.verdict == "pass" and [s.message for s in finding.evidence] == [2, 3]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Could you confirm your order number please?"),
        ("it", "Per favore, confirm your order number."),  # the SOP's phrases are as its author wrote them
    ],
)
def test_a_phrase_the_agent_says_shows_a_step_with_its_characters(language: str, text: str) -> None:
    c = conv(("agent", text), ("event", "refund-issued"), language=language)
    finding = sop_steps(c)
    span = finding.evidence[0]
    assert finding.verdict == "pass" and text[span.start : span.end].casefold() == "confirm your order number"


def test_a_missing_required_step_is_a_low_impact_fail_naming_the_step() -> None:
    finding = sop_steps(conv(("agent", "Refund done."), ("event", "refund-issued")))
    assert (finding.verdict, finding.impact) == ("fail", "low")
    assert [s.note for s in finding.evidence] == ["missing_step:1"]


def test_an_optional_step_may_be_skipped() -> None:
    assert sop_steps(conv(("event", "account-lookup"), ("event", "refund-issued"))).verdict == "pass"


def test_a_step_done_before_an_earlier_one_is_a_high_impact_fail() -> None:
    finding = sop_steps(conv(("event", "refund-issued"), ("event", "account-lookup")))
    assert (finding.verdict, finding.impact) == ("fail", "high")
    assert [(s.message, s.note) for s in finding.evidence] == [(1, "out_of_order:3")]


def test_a_forbidden_action_is_a_high_impact_fail() -> None:
    c = conv(("event", "account-lookup"), ("event", "refund-denied-by-policy"), ("event", "refund-issued"))
    finding = sop_steps(c)
    assert (finding.verdict, finding.impact) == ("fail", "high") and finding.evidence[0].note == "forbidden"


def test_steps_without_evidence_cannot_be_checked() -> None:
    assert step_check(conv(("agent", "Hi")), [{"text": "Be nice", "required": True, "evidence": []}]).verdict == "na"
    assert sop_steps(conv(("agent", "Hi"), sop="")).verdict == "na"


def test_right_sop_passes_when_the_sop_serves_the_label_and_fails_otherwise() -> None:
    assert right_sop(conv(("agent", "Hi"))).verdict == "pass"
    assert right_sop(conv(("agent", "Hi"), sop="SOP-INF")).verdict == "fail"
    assert right_sop(conv(("agent", "Hi"), label="unknown_label")).verdict == "na"


def test_an_action_of_another_labels_sop_says_the_label_does_not_match_the_handling() -> None:
    mismatch = label_handling(conv(("event", "account-lookup"), ("event", "refund-issued"), label="product_info", sop="SOP-INF"))
    assert mismatch.verdict == "fail" and [s.message for s in mismatch.evidence] == [1, 2]
    assert label_handling(conv(("event", "sheet-opened"), label="product_info", sop="SOP-INF")).verdict == "pass"
    assert label_handling(conv(("agent", "Hi"), label="product_info")).verdict == "na"  # no events: nothing to tell
