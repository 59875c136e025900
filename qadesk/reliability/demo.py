"""Demo service promises (called by the demo loader, qadesk/demo/services.py); the demo's expectation survey answers
(qadesk/surveys/demo.py) give them their "expected" figure."""

from __future__ import annotations

from typing import Any

from qadesk.reliability.models import ServicePromise

PROMISES = [
    ("We answer e-mails within 4 hours", "first_response", "email", 4.0, 90.0),
    ("We answer the phone within 1 minute", "answer", "phone", 1 / 60, 85.0),
    ("We resolve chats the same day", "resolution", "chat", 24.0, 80.0),
    ("Refunds within 5 days", "resolution", "", 120.0, 95.0),
]


def demo_promises_create(*, seed: int = 7) -> int:
    """Set the demo's promises (again: a second load changes nothing) and the customers' expectation answers; returns
    how many promises there are."""
    demo_expectations_create(seed=seed)
    for text, measure, channel, hours, percent in PROMISES:
        ServicePromise.objects.update_or_create(
            text=text, defaults={"measure": measure, "channel": channel, "within_hours": hours, "promised_percent": percent}
        )
    return len(PROMISES)


EXPECT_KEY = "demo-expectation-"
EXPECT_SHARE = 0.15


def demo_expectations_create(*, seed: int = 7) -> int:
    """Answer the shipped expectation survey for a share of the demo's resolved contacts, as their customers would
    (an unhappy contact mostly "below my expectations"); returns the responses written."""
    import random

    from qadesk.interactions.models import Interaction
    from qadesk.surveys.models import Survey, SurveyAnswer, SurveyResponse

    rng = random.Random(seed)
    survey = Survey.objects.filter(kind="expectation").first()
    version = survey.current_version() if survey else None
    question = version.questions.filter(code="expectations").first() if version else None
    if survey is None or version is None or question is None:
        return 0
    SurveyResponse.objects.filter(key__startswith=EXPECT_KEY).delete()
    contacts = Interaction.objects.filter(source="demo", resolved_at__isnull=False).order_by("pk")
    found: Any = contacts.values("pk", "customer_rating", "resolved_at")
    picked: list[dict[str, Any]] = [c for c in found if rng.random() < EXPECT_SHARE]
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=survey,
            version=version,
            interaction_id=c["pk"],
            source="import",
            key=f"{EXPECT_KEY}{c['pk']}",
            started_at=c["resolved_at"],
            completed_at=c["resolved_at"],
        )
        for c in picked
    )
    answers = []
    for response, c in zip(responses, picked, strict=True):
        weights = [0.7, 0.25, 0.05] if c["customer_rating"] == "negative" else [0.12, 0.6, 0.28]
        answers.append(
            SurveyAnswer(response=response, question=question, choices=rng.choices(["below", "met", "above"], weights))
        )
    SurveyAnswer.objects.bulk_create(answers)
    return len(responses)
