"""A write that loses a race at a database constraint the services' locks did not foresee answers 409 with a reason
in the caller's language, on the API and on a page — never a 500 — and the row stays as the winner left it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError
from django.urls import reverse

from qadesk.reviews.models import ReviewAssignment
from qadesk.testing.clients import api_client, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def racing_assignments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Assigning hits the unique (interaction, reviewer) constraint, as a second request at the same moment would."""

    def lost(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("UNIQUE constraint failed: reviews_reviewassignment.interaction_id, reviewer_id")

    monkeypatch.setattr(ReviewAssignment.objects, "bulk_create", lost)


def test_the_api_answers_409_in_the_callers_language(racing_assignments, qa_lead, reviewer, interaction, caplog) -> None:
    qa_lead.language = "it"
    qa_lead.save(update_fields=["language"])
    payload = {"interactions": [interaction.pk], "reviewer": reviewer.username}
    answer = api_client(qa_lead).post("/api/v1/reviews/assignments", payload, content_type="application/json")
    assert answer.status_code == 409
    assert answer.json() == {
        "detail": "Qualcun altro ha modificato questo elemento nello stesso momento: ricarica la pagina e riprova."
    }
    assert "lost a race" in caplog.text  # logged with its traceback: a lock is missing somewhere
    assert not ReviewAssignment.objects.exists()


def test_a_page_answers_409_with_the_error_page(racing_assignments, qa_lead, reviewer, interaction) -> None:
    qa_lead.language = "fr"
    qa_lead.save(update_fields=["language"])
    answer = page_client(qa_lead).post(
        reverse("reviews:assign"), {"interactions": [interaction.pk], "reviewer": reviewer.pk, "next": "/"}
    )
    assert answer.status_code == 409
    assert "a modifié cet élément au même moment" in answer.content.decode()
