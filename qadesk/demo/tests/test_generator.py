"""The generator is pure: same seed, same operation; every channel, phase, language and site; planted mistakes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from qadesk.demo import catalogue as cat
from qadesk.demo.generator import Plan, demo_records, demo_roster
from qadesk.demo.phrases import BANKS
from qadesk.demo.transcripts import HIGH_IMPACT, LOW_IMPACT
from qadesk.interactions.models import Channel, JourneyPhase

END = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def _records(count: int = 1500, seed: int = 7) -> list[tuple[dict[str, Any], Plan]]:
    return list(demo_records(roster=demo_roster(seed=seed), count=count, days=90, end=END, seed=seed))


@pytest.fixture(scope="module")
def records() -> list[tuple[dict[str, Any], Plan]]:
    return _records()


def test_it_gives_identical_records_for_the_same_seed() -> None:
    assert _records(120) == _records(120)
    assert [r for r, _p in _records(120)] != [r for r, _p in _records(120, seed=8)]


def test_it_builds_forty_agents_with_local_names_and_every_skill_tier() -> None:
    roster = demo_roster(seed=7)
    assert len(roster) == 40
    assert len({a.username for a in roster}) == 40
    assert {a.last_name for a in roster if a.site == "Milano"} <= set(cat.ITALIAN_LAST)
    assert {a.last_name for a in roster if a.site == "Lyon"} <= set(cat.FRENCH_LAST)
    for team in cat.TEAMS:
        skills = [a.skill for a in roster if a.team == team]
        assert min(skills) < 0.7 < 0.9 < max(skills)


def test_it_covers_every_channel_phase_language_and_both_sites(records: list) -> None:
    assert {r["channel"] for r, _p in records} == set(Channel.values)
    assert {r["phase"] for r, _p in records} - {None} == set(JourneyPhase.values)
    assert {r["language"] for r, _p in records} == {"it", "fr", "en"}
    assert {r["site"] for r, _p in records} == {"Milano", "Lyon"}
    assert {r["team"] for r, _p in records} == set(cat.TEAMS)


def test_it_speaks_mostly_italian_in_milano_and_french_in_lyon(records: list) -> None:
    milano = Counter(r["language"] for r, _p in records if r["site"] == "Milano")
    lyon = Counter(r["language"] for r, _p in records if r["site"] == "Lyon")
    assert milano.most_common(1)[0][0] == "it"
    assert lyon.most_common(1)[0][0] == "fr"
    assert milano["en"] and lyon["en"]


def test_it_keeps_labels_consistent_with_phases(records: list) -> None:
    labelled = [r for r, _p in records if r["label"]]
    assert labelled
    assert all(cat.LABEL_BY_CODE[r["label"]].phase == r["phase"] for r in labelled)


def test_it_applies_the_right_sop_except_where_a_wrong_one_is_planted(records: list) -> None:
    for record, plan in records:
        if not record["agents"]:
            continue
        right = cat.LABEL_BY_CODE[plan.reason].sop
        assert (record["sop"] != right) == ("wrong_sop" in plan.mistakes)


def test_it_plants_mistakes_of_both_impact_classes_and_writes_them_into_the_transcript(records: list) -> None:
    planted = Counter(m for _r, p in records for m in p.mistakes)
    assert set(planted) == LOW_IMPACT | HIGH_IMPACT
    for record, plan in records:
        bank = BANKS[record["language"]]
        agent_text = " ".join(m["body"] for m in record["messages"] if m["author"] == "agent")
        if record["status"] == "closed" and "blaming" in plan.mistakes:
            assert any(phrase.split(",")[0] in agent_text for phrase in bank["blaming"])
        if record["status"] == "closed" and "no_closing" not in plan.mistakes and plan.agents:
            assert any(phrase.split("{")[0][:25] in agent_text for phrase in bank["closing"])


def test_weak_agents_make_more_mistakes_than_strong_ones(records: list) -> None:
    skills = {a.username: a.skill for a in demo_roster(seed=7)}
    handled = [(skills[p.agents[-1]], len(p.mistakes)) for _r, p in records if p.agents]
    weak = [n for skill, n in handled if skill < 0.7]
    strong = [n for skill, n in handled if skill > 0.9]
    assert sum(weak) / len(weak) > 3 * sum(strong) / len(strong)


def test_it_keeps_html_written_by_customers_verbatim(records: list) -> None:
    with_html = [r for r, p in records if p.html]
    assert with_html
    snippets = {s.strip() for bank in BANKS.values() for s in bank["html"]}
    for record in with_html:
        body = next(m["body"] for m in record["messages"] if m["author"] == "customer")
        assert any(s in body for s in snippets)


def test_it_dates_nothing_after_the_end_and_keeps_messages_in_order(records: list) -> None:
    end = "2026-10-01T12:00:00Z"
    for record, _plan in records:
        stamps = [record[k] for k in ("created_at", "queued_at", "answered_at", "first_reply_at", "resolved_at", "closed_at")]
        assert all(s <= end for s in stamps if s)
        times = [m["at"] for m in record["messages"]]
        assert times == sorted(times) and record["created_at"] <= times[0]
        assert record["created_at"] >= "2026-07-03"


def test_it_gives_calls_their_figures_and_abandoned_calls_no_agent(records: list) -> None:
    calls = [r for r, _p in records if r["channel"] == "phone"]
    abandoned = [r for r in calls if r.get("abandoned")]
    answered = [r for r in calls if not r.get("abandoned") and r["status"] == "closed"]
    assert abandoned and answered
    assert all(not r["agents"] and r["queued_at"] and not r.get("answered_at") for r in abandoned)
    assert all(r["talk_seconds"] > 0 and r["answered_at"] and r["hold_seconds"] >= 0 for r in answered)


def test_it_reassigns_some_contacts_and_has_repeat_customers(records: list) -> None:
    reassigned = [r for r, _p in records if len(r["agents"]) == 2]
    assert 0.03 < len(reassigned) / len(records) < 0.15
    assert any(not m.get("public", True) for r in reassigned for m in r["messages"])  # the hand-over note is internal
    customers = Counter(r["customer"] for r, _p in records)
    assert customers.most_common(1)[0][1] > 2
    assert all(c.startswith("C-") and len(c) == 7 for c in customers)


def test_it_writes_four_to_ten_messages_in_most_handled_transcripts(records: list) -> None:
    # Messages people wrote: the actions logged beside them (events) are not messages of the conversation.
    sizes = [sum(m["author"] != "event" for m in r["messages"]) for r, p in records if p.agents and r["status"] == "closed"]
    assert sum(4 <= n <= 10 for n in sizes) / len(sizes) > 0.95


def test_some_handled_contacts_were_reopened_more_often_after_a_mistake(records: list) -> None:
    handled = [(record, plan) for record, plan in records if record["agents"]]
    reopened = [bool(record.get("reopens")) for record, _plan in handled]
    with_mistake = [bool(record.get("reopens")) for record, plan in handled if plan.mistakes]
    without = [bool(record.get("reopens")) for record, plan in handled if not plan.mistakes]
    assert 0.01 < sum(reopened) / len(reopened) < 0.15
    assert sum(with_mistake) / len(with_mistake) > 2 * sum(without) / len(without)
    assert {record.get("reopens", 0) for record, _plan in records} == {0, 1, 2}


def test_customers_rate_some_contacts_and_complain_more_after_a_mistake(records: list) -> None:
    handled = [(record, plan) for record, plan in records if record["agents"]]
    rated = [record["customer_rating"] for record, _plan in handled if record["customer_rating"]]
    assert 0.25 < len(rated) / len(handled) < 0.45 and set(rated) == {"positive", "neutral", "negative"}

    def share(key: str, value: object, mistaken: bool) -> float:
        group = [r for r, plan in handled if bool(plan.mistakes) is mistaken and (key != "customer_rating" or r[key])]
        return sum(r[key] == value for r in group) / len(group)

    assert share("customer_rating", "negative", True) > 2 * share("customer_rating", "negative", False)
    assert share("complaint", True, True) > 2 * share("complaint", True, False) > 0


def test_agents_look_the_customer_up_and_issue_refunds_as_logged_actions(records: list) -> None:
    handled = [r for r, _plan in records if r["agents"] and any(m["author"] == "agent" for m in r["messages"])]
    for record in handled:
        events = [m for m in record["messages"] if m["author"] == "event"]
        assert [e["name"] for e in events][:1] == ["account-lookup"]
        assert events[0]["parameters"] == {"customer": record["customer"]} and events[0]["agent"] in record["agents"]
        assert ("refund-issued" in {e["name"] for e in events}) == (record["label"] == "refund_request")
