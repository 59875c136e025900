"""Test data for the complaint register."""

from __future__ import annotations

from itertools import count
from typing import Any

from qadesk.accounts.models import User
from qadesk.complaints.models import Complaint, ComplaintCategory
from qadesk.complaints.services import complaint_create
from qadesk.interactions.models import Interaction

_seq = count(1)


def make_category(code: str | None = None, *, hours: int = 48, **names: str) -> ComplaintCategory:
    code = code or f"cat{next(_seq)}"
    name = names or {"en": f"Category {code}", "it": f"Categoria {code}", "fr": f"Catégorie {code}"}
    return ComplaintCategory.objects.create(code=code, name=name, target_hours=hours)


def make_complaint(
    actor: User | None = None,
    *,
    interactions: list[Interaction] | None = None,
    category: ComplaintCategory | None = None,
    description: str = "The parcel never arrived.",
    **extra: Any,
) -> Complaint:
    return complaint_create(
        actor=actor,
        category=category or make_category(),
        description=description,
        interactions=interactions or [],
        **extra,
    )
