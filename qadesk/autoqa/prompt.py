"""Prompt criteria: a question an admin writes, asked of an OpenAI-compatible chat-completions endpoint about one
conversation, answered in a JSON schema (no Django here; the cache, budget and keys are in services).

The request follows OpenAI's chat-completions API (https://platform.openai.com/docs/api-reference/chat/create) with
`response_format: {"type": "json_schema", ...}` (https://platform.openai.com/docs/guides/structured-outputs), which
llama.cpp's server, vLLM and Ollama's OpenAI-compatible endpoint also accept. Sensitive values are masked before
sending (`mask_sensitive`); the answer's evidence quotes are found again in the messages and mapped back to the
characters of the original text. A malformed answer raises `MalformedAnswer` (recorded, never retried for the same
transcript and version); a server that cannot answer now raises `PromptUnavailable` (the interaction stays due).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import urllib3

from qadesk.autoqa.detectors.sensitive import mask_sensitive
from qadesk.autoqa.engine import NA, Msg, Span

VERDICTS = ("pass", "fail", "na")
MAX_QUOTES = 20
BACKOFF = 0.5  # seconds before the first retry, doubled at each next one
MAX_WAIT = 60.0  # a Retry-After longer than this is not waited for: the interaction stays due for the next run

SYSTEM = (
    "You are a quality-assurance reviewer for a customer-service team. Read the numbered conversation between a "
    "customer and an agent, then apply the criterion the QA lead wrote. Answer only with JSON matching the schema: "
    'verdict "pass" when the conversation meets the criterion, "fail" when it does not, "na" when the criterion does '
    "not apply to it; confidence between 0 and 1; evidence: the exact words (copied character for character, short) "
    "from the messages that decided it, each with its message number. Values shown as [card], [iban], "
    "[codice_fiscale], [nir], [email] or [phone] were masked on purpose."
)

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": list(VERDICTS)},
        "confidence": {"type": "number"},
        "evidence": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"message": {"type": "integer"}, "quote": {"type": "string"}},
                "required": ["message", "quote"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["verdict", "confidence", "evidence"],
    "additionalProperties": False,
}


class PromptUnavailable(Exception):
    """The endpoint cannot answer now (down, timing out, rate-limited, refusing the request, or the day's budget is
    spent): no result is stored and the interaction stays due for a later run."""


class BudgetExhausted(PromptUnavailable):
    """The endpoint's calls or tokens for today are spent."""


class MalformedAnswer(ValueError):
    """The endpoint answered, but not in the schema: recorded as an error for this transcript and version."""


@dataclass(frozen=True)
class PromptSpec:
    """A prompt criterion as the job runs it: instructions per language (it, fr, en)."""

    code: str
    version: int
    criterion: str
    instructions: dict[str, str]
    impact: str = ""


@dataclass(frozen=True)
class Endpoint:
    """Where and how to ask: the base URL ("…/v1"), the model, the key (None when the server needs none)."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0
    retries: int = 2


@dataclass(frozen=True)
class Masked:
    """One message as sent: its id, role, masked text and the replacements (see `mask_sensitive`)."""

    message: Msg
    text: str
    replaced: tuple[tuple[int, int, int, int], ...]


@dataclass(frozen=True)
class Answer:
    verdict: str
    confidence: float
    quotes: tuple[tuple[int, str], ...]  # (message number as sent, 1-based; quote)
    tokens: int = 0


def masked_transcript(messages: Sequence[Msg]) -> list[Masked]:
    """The messages with their sensitive values masked."""
    return [Masked(m, *(lambda t: (t[0], tuple(t[1])))(mask_sensitive(m.text))) for m in messages]


def transcript_lines(masked: Sequence[Masked]) -> str:
    return "\n".join(f"{i}. {'Agent' if m.message.role == 'agent' else 'Customer'}: {m.text}" for i, m in enumerate(masked, 1))


def transcript_digest(masked: Sequence[Masked], language: str) -> str:
    """The digest of exactly what is sent about the conversation (and the language whose question is asked): the
    cache key with the criterion's code and version."""
    return hashlib.sha256(f"{language}\n{transcript_lines(masked)}".encode()).hexdigest()


def request_payload(*, model: str, instructions: str, masked: Sequence[Masked]) -> dict[str, Any]:
    """The chat-completions request body (json_schema response format, strict; temperature 0)."""
    return {
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Criterion:\n{instructions.strip()}\n\nConversation:\n{transcript_lines(masked)}"},
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "qa_verdict", "strict": True, "schema": ANSWER_SCHEMA},
        },
    }


def parse_answer(body: Any) -> Answer:
    """The verdict in a chat-completions response body; MalformedAnswer saying what is wrong otherwise."""
    try:
        choice = body["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise MalformedAnswer("no choices[0].message in the response") from None
    if message.get("refusal"):
        raise MalformedAnswer(f"the model refused: {str(message['refusal'])[:200]}")
    if choice.get("finish_reason") == "length":
        raise MalformedAnswer("the answer was cut short (finish_reason length)")
    content = message.get("content")
    if not isinstance(content, str):
        raise MalformedAnswer("message.content is not a text")
    try:
        data = json.loads(content)
    except ValueError:
        raise MalformedAnswer(f"message.content is not JSON: {content[:200]!r}") from None
    if not isinstance(data, dict):
        raise MalformedAnswer("the answer is not a JSON object")
    verdict, confidence, evidence = data.get("verdict"), data.get("confidence"), data.get("evidence")
    if verdict not in VERDICTS:
        raise MalformedAnswer(f"verdict {verdict!r} is not one of pass, fail, na")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
        raise MalformedAnswer(f"confidence {confidence!r} is not a number between 0 and 1")
    if not isinstance(evidence, list) or not all(
        isinstance(e, dict)
        and isinstance(e.get("quote"), str)
        and isinstance(e.get("message"), int)
        and not isinstance(e.get("message"), bool)
        for e in evidence
    ):
        raise MalformedAnswer("evidence is not a list of {message, quote}")
    usage = body.get("usage") if isinstance(body, dict) else None
    tokens = usage.get("total_tokens", 0) if isinstance(usage, dict) else 0
    quotes = tuple((e["message"], e["quote"]) for e in evidence[:MAX_QUOTES] if e["quote"].strip())
    return Answer(verdict, float(confidence), quotes, tokens if isinstance(tokens, int) else 0)


def original_offset(replaced: Sequence[tuple[int, int, int, int]], offset: int, *, end: bool) -> int:
    """A masked text's offset in the original text; inside a placeholder, the masked value's start (or end)."""
    shift = 0
    for start, stop, masked_start, masked_stop in replaced:
        if offset >= masked_stop:
            shift = stop - masked_stop
        elif offset > masked_start:
            return stop if end else start
        else:
            break
    return offset + shift


def _quote_regex(quote: str) -> re.Pattern[str] | None:
    words = quote.strip().strip("\"'“”«»„…").strip().split()
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


def evidence_spans(masked: Sequence[Masked], quotes: Sequence[tuple[int, str]]) -> tuple[Span, ...]:
    """The quotes found in the messages (the numbered one first, then any other), as spans of the original texts;
    a quote found nowhere is dropped (a model may paraphrase)."""
    spans: list[Span] = []
    for number, quote in quotes:
        pattern = _quote_regex(quote)
        if pattern is None:
            continue
        order = ([masked[number - 1]] if 1 <= number <= len(masked) else []) + list(masked)
        for m in order:
            if match := pattern.search(m.text):
                start = original_offset(m.replaced, match.start(), end=False)
                stop = original_offset(m.replaced, match.end(), end=True)
                spans.append(Span(m.message.id, start, stop, "prompt"))
                break
    return tuple(sorted(set(spans), key=lambda s: (s.message, s.start, s.end)))


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


_POOL = urllib3.PoolManager(retries=False)


def chat_complete(
    endpoint: Endpoint,
    payload: dict[str, Any],
    *,
    reserve: Callable[[], None] = lambda: None,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """POST the payload to `<base_url>/chat/completions` and return the decoded JSON body. Each attempt first calls
    `reserve` (the day's budget; it raises BudgetExhausted). Timeouts, connection errors and 5xx are retried
    `endpoint.retries` times with exponential back-off; 429 waits the Retry-After it gives (up to MAX_WAIT).
    PromptUnavailable when no attempt succeeded; MalformedAnswer when the body is not JSON."""
    url = endpoint.base_url.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    data = json.dumps(payload).encode()
    problem, wait = "", 0.0
    for attempt in range(endpoint.retries + 1):
        if attempt:
            sleep(wait)
        reserve()
        wait = BACKOFF * 2**attempt
        try:
            response = _POOL.request(
                "POST", url, body=data, headers=headers, timeout=urllib3.Timeout(total=endpoint.timeout), redirect=False
            )
        except urllib3.exceptions.HTTPError as exc:
            problem = f"{type(exc).__name__}: {exc}"[:300]
            continue
        if response.status == 200:
            try:
                return json.loads(response.data)
            except ValueError:
                raise MalformedAnswer(f"the response is not JSON: {response.data[:200]!r}") from None
        problem = f"HTTP {response.status}: {response.data[:200].decode(errors='replace')}"
        if response.status == 429:
            asked = retry_after(response.headers.get("Retry-After"))
            if asked is not None:
                if asked > MAX_WAIT:
                    break
                wait = max(wait, asked)
        elif response.status < 500:
            break  # a request the server refuses (bad key, unknown model): asking again will not help
    raise PromptUnavailable(problem)


def prompt_answer(endpoint: Endpoint, spec: PromptSpec, masked: Sequence[Masked], language: str, **kwargs: Any) -> Answer:
    """Ask the endpoint about a masked conversation in the language's instructions and validate the answer."""
    payload = request_payload(model=endpoint.model, instructions=spec.instructions[language], masked=masked)
    return parse_answer(chat_complete(endpoint, payload, **kwargs))


__all__ = [
    "NA",
    "Answer",
    "BudgetExhausted",
    "Endpoint",
    "MalformedAnswer",
    "PromptSpec",
    "PromptUnavailable",
    "chat_complete",
    "evidence_spans",
    "masked_transcript",
    "parse_answer",
    "prompt_answer",
    "request_payload",
    "retry_after",
    "transcript_digest",
]
