"""HTTP calls and races against the race server: each racer waits at a barrier, then sends its request."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Call = tuple[str, str, str, Any]  # who, method, path, JSON body (None: no body)


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any

    def __repr__(self) -> str:
        detail = self.body.get("detail") if isinstance(self.body, dict) else None
        return f"{self.status}" + (f" {detail!r}" if detail else "")


@dataclass
class Server:
    base: str
    seed: dict[str, Any]
    log: Path
    broken: dict[str, list[str]] = field(default_factory=dict)

    def call(self, who: str, method: str, path: str, body: Any = None) -> Answer:
        """One API call as the seeded person `who` (their token)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (our own local server)
            f"{self.base}/api/v1{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.seed['tokens'][who]}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return Answer(response.status, _json(response.read()))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, _json(exc.read()))

    def race(self, *calls: Call, stagger: float = 0.0) -> list[Answer]:
        """Send the calls, each (who, method, path, body), at once: a barrier releases them together and each later one
        starts `stagger` s after the one before. Returns their answers in the same order."""
        barrier = threading.Barrier(len(calls))
        answers: list[Answer | None] = [None] * len(calls)

        def run(index: int) -> None:
            barrier.wait()
            if stagger:
                time.sleep(stagger * index)
            try:
                answers[index] = self.call(*calls[index])
            except Exception as exc:  # a dropped connection is an answer too: a broken round, not a crashed test
                answers[index] = Answer(0, {"detail": repr(exc)})

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return [a if a is not None else Answer(0, {"detail": "no answer"}) for a in answers]


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return {"detail": raw[:200].decode(errors="replace")}


def staggers(rounds: int) -> list[float]:
    """Round n's delay between the racers: 0 to 25 ms, so both "at once" and "just after" are tried."""
    return [(n % 6) * 0.005 for n in range(rounds)]
