"""Prompt criteria against a local stand-in of an OpenAI-compatible server: the answer stored with its evidence,
sensitive data masked, the cache, timeouts, malformed answers, 429 with Retry-After, the daily budget, keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings

from qadesk.autoqa.detectors.sensitive import mask_sensitive
from qadesk.autoqa.engine import Msg
from qadesk.autoqa.models import AutoCheck, AutoResult, CustomCriterion, PromptAnswer, PromptEndpoint, PromptUsage
from qadesk.autoqa.prompt import (
    MalformedAnswer,
    evidence_spans,
    masked_transcript,
    parse_answer,
    request_payload,
    retry_after,
)
from qadesk.autoqa.services import autoqa_run, endpoint_key
from qadesk.autoqa.tests.llm_server import FIXTURE, StandIn, stand_in
from qadesk.testing import factories as f

CARD = "4111 1111 1111 1111"
TURNS = [
    ("customer", f"Hi, my card {CARD} was charged twice, mail me at anna@example.com"),
    ("agent", "I guarantee it will be fine."),
]


# Pure parts ---------------------------------------------------------------------------------------------------------


def test_masking_replaces_each_sensitive_value_by_its_kind_and_keeps_the_offsets() -> None:
    text = f"card {CARD}, mail anna@example.com ok"
    masked, replaced = mask_sensitive(text)
    assert masked == "card [card], mail [email] ok"
    assert [(text[s:e], masked[ms:me]) for s, e, ms, me in replaced] == [(CARD, "[card]"), ("anna@example.com", "[email]")]


def test_quotes_are_mapped_back_to_the_original_characters_across_masked_values() -> None:
    msgs = [Msg(10, "customer", f"My card {CARD} is blocked"), Msg(11, "agent", "Sorry,   I will  UNBLOCK it today.")]
    masked = masked_transcript(msgs)
    spans = evidence_spans(masked, [(1, "[card] is blocked"), (2, "i will unblock it"), (2, "never said"), (9, "Sorry")])
    texts = {m.id: m.text for m in msgs}
    assert [(s.message, texts[s.message][s.start : s.end]) for s in spans] == [
        (10, f"{CARD} is blocked"),  # the quote names the placeholder: the span covers the real value
        (11, "Sorry"),  # a wrong message number: found in another message
        (11, "I will  UNBLOCK it"),
    ]


def test_the_request_follows_the_documented_shape() -> None:
    payload = request_payload(
        model="qa-model", instructions="Did the agent promise?", masked=masked_transcript([Msg(1, "agent", "Hi")])
    )
    expected = FIXTURE["request"]
    assert payload.keys() == expected.keys()
    assert payload["response_format"] == expected["response_format"]
    assert [m["role"] for m in payload["messages"]] == ["system", "user"]
    assert payload["messages"][1]["content"].endswith("Conversation:\n1. Agent: Hi")


def _body(content: object, **choice: object) -> dict[str, object]:
    message = {"role": "assistant", "content": content if isinstance(content, str) else json.dumps(content)}
    return {"choices": [{"index": 0, "message": message, "finish_reason": "stop", **choice}], "usage": {"total_tokens": 42}}


def test_a_valid_answer_is_read_with_its_tokens() -> None:
    answer = parse_answer(_body({"verdict": "pass", "confidence": 1, "evidence": [{"message": 2, "quote": "x"}]}))
    assert (answer.verdict, answer.confidence, answer.quotes, answer.tokens) == ("pass", 1.0, ((2, "x"),), 42)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"choices": []}, "no choices"),
        (_body("The agent failed."), "not JSON"),
        (_body({"verdict": "maybe", "confidence": 0.5, "evidence": []}), "verdict 'maybe'"),
        (_body({"verdict": "fail", "confidence": 1.5, "evidence": []}), "confidence 1.5"),
        (_body({"verdict": "fail", "confidence": True, "evidence": []}), "confidence True"),
        (_body({"verdict": "fail", "confidence": 0.5, "evidence": ["x"]}), "evidence"),
        (_body({"verdict": "fail", "confidence": 0.5, "evidence": []}, finish_reason="length"), "cut short"),
        ({"choices": [{"message": {"content": None, "refusal": "I can't"}}]}, "refused"),
    ],
)
def test_a_malformed_answer_says_what_is_wrong(body: object, words: str) -> None:
    with pytest.raises(MalformedAnswer, match=words):
        parse_answer(body)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("3") == 3.0 and retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait


# Through the job, against the stand-in server -------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def server() -> StandIn:  # type: ignore[misc]
    with stand_in() as s:
        yield s


def _criterion(server: StandIn, **endpoint: object) -> CustomCriterion:
    values: dict[str, object] = {
        "name": "stand-in",
        "base_url": server.base_url,
        "model": "qa-model",
        "timeout": 5.0,
        "retries": 2,
    }
    values.update(endpoint)
    ep = PromptEndpoint.objects.create(**values)
    return CustomCriterion.objects.create(
        code="no_promise",
        name="No promises",
        kind="prompt",
        endpoint=ep,
        impact="high",
        instructions={"en": "Did the agent avoid promising an outcome they cannot guarantee?", "it": "L'agente evita promesse?"},
    )


def _result(interaction) -> AutoResult:
    return AutoResult.objects.get(interaction=interaction, detector="custom:no_promise")


@pytest.mark.django_db
def test_the_answer_is_stored_with_evidence_and_nothing_sensitive_leaves(server, agent, monkeypatch) -> None:
    monkeypatch.setenv("QADESK_LLM_TEST_KEY", "sk-test-123")
    criterion = _criterion(server, api_key_env="QADESK_LLM_TEST_KEY")
    interaction = f.make_interaction(agent, messages=TURNS, language="en")
    job = autoqa_run()
    assert job.counts == {"due": 1, "checked": 1}
    result = _result(interaction)
    assert (result.verdict, result.confidence, result.impact, result.criterion) == ("fail", 0.9, "high", "no_promise")
    agent_message = interaction.messages.get(author_role="agent")
    [span] = result.evidence
    assert span["message"] == agent_message.pk and agent_message.body[span["start"] : span["end"]] == "I guarantee it"
    [request] = server.requests
    sent = json.dumps(request["json"])
    assert CARD not in sent and "anna@example.com" not in sent and "[card]" in sent and "[email]" in sent
    assert request["headers"]["Authorization"] == "Bearer sk-test-123"
    assert "Did the agent avoid promising" in sent and request["json"]["model"] == "qa-model"
    assert PromptUsage.objects.get().calls == 1 and PromptUsage.objects.get().tokens == 150
    assert PromptAnswer.objects.get().version == criterion.version


@pytest.mark.django_db
def test_the_same_transcript_and_version_is_never_asked_twice(server, agent) -> None:
    criterion = _criterion(server)
    first = f.make_interaction(agent, messages=TURNS, language="en")
    autoqa_run()
    twin = f.make_interaction(agent, messages=TURNS, language="en")  # the same words in another interaction
    AutoCheck.objects.all().delete()  # and everything due again
    assert autoqa_run().counts["checked"] == 2
    assert len(server.requests) == 1 and _result(twin).verdict == "fail"
    twin_agent = twin.messages.get(author_role="agent").pk
    assert [(s["message"], s["start"], s["end"]) for s in _result(twin).evidence] == [(twin_agent, 0, 14)]
    assert _result(first).evidence[0]["message"] != twin_agent  # each its own messages
    criterion.instructions = {"en": "Did the agent make a promise?"}
    criterion.save()
    assert criterion.version == 2
    autoqa_run()
    assert len(server.requests) == 2  # a new version asks again, once per distinct transcript
    assert AutoResult.objects.filter(detector="custom:no_promise", version=2).count() == 2


@pytest.mark.django_db
def test_a_timeout_is_retried_then_leaves_the_interaction_due(server, agent) -> None:
    server.script = ["slow", "slow"]
    server.slow = 1.5
    _criterion(server, timeout=0.3, retries=1)
    interaction = f.make_interaction(agent, messages=TURNS, language="en")
    job = autoqa_run()
    assert len(server.requests) == 2 and job.counts == {"due": 1, "checked": 0, "deferred": 1}
    assert "1 left due" in job.log
    assert not AutoCheck.objects.filter(interaction=interaction).exists()
    assert not AutoResult.objects.filter(detector="custom:no_promise").exists()
    assert AutoResult.objects.filter(interaction=interaction, detector="rude").exists()  # the other checks are stored
    assert "TimeoutError" in PromptEndpoint.objects.get().last_error or "timed out" in PromptEndpoint.objects.get().last_error
    job = autoqa_run()  # the server answers again
    assert job.counts == {"due": 1, "checked": 1} and _result(interaction).verdict == "fail"


@pytest.mark.django_db
def test_an_endpoint_that_fails_is_not_asked_again_in_the_same_run(server, agent) -> None:
    server.script = ["401"] * 5
    _criterion(server)
    for _ in range(3):
        f.make_interaction(agent, messages=[("customer", f"Question {_}"), ("agent", "Answer")], language="en")
    job = autoqa_run()
    assert len(server.requests) == 1 and job.counts["deferred"] == 3  # a refused request is not retried either
    assert "HTTP 401" in PromptEndpoint.objects.get().last_error


@pytest.mark.django_db
def test_a_malformed_answer_is_recorded_as_an_error_and_not_asked_again(server, agent) -> None:
    server.script = ["malformed", "not_json"]
    _criterion(server)
    interaction = f.make_interaction(agent, messages=TURNS, language="en")
    other = f.make_interaction(agent, messages=[("customer", "Hello"), ("agent", "I promise nothing.")], language="en")
    assert autoqa_run().counts == {"due": 2, "checked": 2}
    assert (_result(interaction).verdict, _result(interaction).confidence) == ("na", 0.0)
    errors = sorted(PromptAnswer.objects.filter(ok=False).values_list("error", flat=True))
    assert len(errors) == 2 and "content is not JSON" in errors[0] and "response is not JSON" in errors[1]
    AutoCheck.objects.all().delete()
    autoqa_run()
    assert len(server.requests) == 2 and _result(other).verdict == "na"


@pytest.mark.django_db
def test_a_429_waits_the_retry_after_it_gives(server, agent) -> None:
    server.script = ["429"]
    _criterion(server)
    interaction = f.make_interaction(agent, messages=TURNS, language="en")
    assert autoqa_run().counts == {"due": 1, "checked": 1}
    first, second = server.requests
    assert second["at"] - first["at"] >= 1.0 and _result(interaction).verdict == "fail"
    assert PromptUsage.objects.get().calls == 2  # a retry is a call of the budget


@pytest.mark.django_db
def test_a_429_asking_too_long_a_wait_leaves_the_interaction_due(server, agent) -> None:
    server.script = ["429"]
    server.retry_after = "3600"
    _criterion(server)
    f.make_interaction(agent, messages=TURNS, language="en")
    assert autoqa_run().counts["deferred"] == 1 and len(server.requests) == 1


@pytest.mark.django_db
def test_the_daily_budget_stops_the_calls_and_the_rest_waits(server, agent) -> None:
    _criterion(server, daily_calls=1)
    f.make_interaction(agent, messages=TURNS, language="en")
    f.make_interaction(agent, messages=[("customer", "Hello"), ("agent", "I promise nothing.")], language="en")
    job = autoqa_run()
    assert len(server.requests) == 1 and job.counts == {"due": 2, "checked": 1, "deferred": 1}
    assert AutoResult.objects.filter(detector="custom:no_promise").count() == 1 and AutoCheck.objects.count() == 1
    assert PromptUsage.objects.get().calls == 1
    assert "budget" in PromptEndpoint.objects.get().last_error
    PromptEndpoint.objects.update(daily_calls=5)
    assert autoqa_run().counts == {"due": 1, "checked": 1} and len(server.requests) == 2


@pytest.mark.django_db
def test_the_token_budget_counts_the_tokens_answered(server, agent) -> None:
    _criterion(server, daily_tokens=100)  # one answer uses 150
    f.make_interaction(agent, messages=TURNS, language="en")
    f.make_interaction(agent, messages=[("customer", "Hello"), ("agent", "I promise nothing.")], language="en")
    assert autoqa_run().counts["deferred"] == 1 and len(server.requests) == 1


@pytest.mark.django_db
def test_a_language_without_a_question_is_not_applicable_without_asking(server, agent) -> None:
    _criterion(server)
    interaction = f.make_interaction(
        agent, messages=[("customer", "Bonjour, ma commande"), ("agent", "Je vous garantis")], language="fr"
    )
    autoqa_run()
    assert _result(interaction).verdict == "na" and not server.requests


@pytest.mark.django_db
def test_without_a_readable_key_or_endpoint_prompt_criteria_do_not_run_and_the_rest_does(server, agent, monkeypatch) -> None:
    monkeypatch.delenv("QADESK_LLM_MISSING", raising=False)
    criterion = _criterion(server, api_key_env="QADESK_LLM_MISSING")
    interaction = f.make_interaction(agent, messages=TURNS, language="en")
    assert autoqa_run().counts == {"due": 1, "checked": 1}
    assert not server.requests and not AutoResult.objects.filter(detector="custom:no_promise").exists()
    assert AutoResult.objects.filter(interaction=interaction, detector="rude").exists()
    PromptEndpoint.objects.update(active=False, api_key_env="")
    assert autoqa_run().counts["checked"] == 0 and not server.requests
    monkeypatch.setenv("QADESK_LLM_MISSING", "sk-now")
    PromptEndpoint.objects.update(active=True, api_key_env="QADESK_LLM_MISSING")
    assert autoqa_run().counts["checked"] == 1 and len(server.requests) == 1  # the key is there: the criterion runs
    assert criterion.version == 1


@pytest.mark.django_db
def test_keys_come_only_from_qadesk_llm_variables_or_files_in_the_key_directory(tmp_path: Path, monkeypatch) -> None:
    from django.core.exceptions import ValidationError

    (tmp_path / "key.txt").write_text("sk-file\n")
    endpoint = PromptEndpoint(name="x", base_url="http://127.0.0.1:1/v1", model="m", api_key_file="key.txt")
    with override_settings(QADESK_LLM_KEY_DIR=str(tmp_path)):
        assert endpoint_key(endpoint) == "sk-file"
    assert endpoint_key(endpoint) is None  # no key directory configured
    monkeypatch.setenv("SECRET_KEY", "server-secret")
    for field, value in (("api_key_env", "SECRET_KEY"), ("api_key_file", "../etc/passwd")):
        bad = PromptEndpoint(name="y", base_url="http://127.0.0.1:1/v1", model="m", **{field: value})
        with pytest.raises(ValidationError) as error:
            bad.full_clean()
        assert field in error.value.message_dict
    assert endpoint_key(PromptEndpoint(api_key_env="SECRET_KEY")) is None


@pytest.mark.django_db
def test_changing_the_endpoints_model_raises_its_criteria_versions(server) -> None:
    criterion = _criterion(server)
    endpoint = criterion.endpoint
    endpoint.timeout = 10
    endpoint.save()
    criterion.refresh_from_db()
    assert criterion.version == 1
    endpoint.model = "another-model"
    endpoint.save()
    criterion.refresh_from_db()
    assert criterion.version == 2


@pytest.mark.django_db
def test_check_now_says_when_the_model_could_not_answer(server, agent, qa_lead) -> None:
    from django.urls import reverse

    from qadesk.testing.clients import page_client

    server.script = ["401"]
    _criterion(server)
    interaction = f.make_interaction(agent, messages=TURNS, language="en")
    client = page_client(qa_lead)
    url = reverse("autoqa:check", args=[interaction.pk])
    assert "could not answer now" in client.post(url, follow=True).content.decode()
    assert "Automatic checks done" in client.post(url, follow=True).content.decode()
    assert _result(interaction).verdict == "fail" and len(server.requests) == 2


def test_the_cache_key_is_what_is_sent_and_the_language_asked() -> None:
    from qadesk.autoqa.prompt import transcript_digest

    one, other = (
        masked_transcript([Msg(1, "agent", f"Card {CARD}")]),
        masked_transcript([Msg(7, "agent", "Card 5555 5555 5555 4444")]),
    )
    assert transcript_digest(one, "en") == transcript_digest(other, "en")  # both sent as "Card [card]"
    assert transcript_digest(one, "en") != transcript_digest(one, "it")
