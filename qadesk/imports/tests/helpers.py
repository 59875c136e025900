"""Records in the import format, for tests: one realistic interaction with a few overridable fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def record(n: int = 1, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "external_id": f"T-{1000 + n}",
        "source": "zendesk",
        "channel": "email",
        "language": "it",
        "subject": "Rimborso ordine",
        "created_at": "2026-10-01T09:00:00Z",
        "resolved_at": "2026-10-01T10:00:00Z",
        "customer": f"C-{n}",
        "customer_segment": "gold",
        "agents": ["a.rossi"],
        "team": "Milano Ordini",
        "site": "Milano",
        "label": "refund_request",
        "phase": "reception",
        "messages": [
            {"author": "customer", "at": "2026-10-01T09:00:00Z", "body": "Il mio ordine è arrivato rotto."},
            {"author": "agent", "agent": "a.rossi", "at": "2026-10-01T09:05:00Z", "body": "Mi dispiace, la rimborso subito."},
        ],
    }
    data.update(overrides)
    return data


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path
