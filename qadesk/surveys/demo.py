"""Demo surveys for the demo contact centre: the six templates, post-contact invitations with a realistic response rate
(15–30 %) whose ratings follow the contact's planted mistakes (the demo's customer rating), it/fr/en comments, a
relationship NPS wave, self-service votes on FAQ pages and suggestion-box entries. Written in bulk, repeatable."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from qadesk.interactions.models import Interaction
from qadesk.surveys.models import Question, Survey, SurveyAnswer, SurveyInvitation, SurveyResponse, new_token
from qadesk.surveys.services import survey_templates_install

DEMO_KEY = "demo-"  # open-link responses the demo made carry this key prefix, so a reload replaces them
INVITED_SHARE = 0.12  # of resolved demo contacts
COMMENTS = {
    "low": {
        "it": ["Nessuno mi ha richiamato.", "Ho dovuto spiegare tutto tre volte.", "Il rimborso non è ancora arrivato."],
        "fr": ["Personne ne m'a rappelé.", "J'ai dû tout réexpliquer trois fois.", "Le remboursement n'est toujours pas arrivé."],
        "en": ["Nobody called me back.", "I had to explain everything three times.", "The refund has still not arrived."],
    },
    "high": {
        "it": ["Gentilissima e veloce, grazie!", "Problema risolto al primo contatto."],
        "fr": ["Très aimable et rapide, merci !", "Problème réglé dès le premier contact."],
        "en": ["Very kind and quick, thank you!", "Solved at the first contact."],
    },
}
FAQ_PAGES = ["/help/returns", "/help/delivery-times", "/help/refunds", "/help/change-address"]
SUGGESTIONS = [
    "Aprite anche il sabato pomeriggio.",
    "Un suivi de colis par SMS serait pratique.",
    "Please add a chat in the mobile app.",
    "Le istruzioni per il reso sono poco chiare.",
]


def mistaken(plans: Mapping[str, Any]) -> set[str]:
    """The demo contacts whose hidden plan has a mistake (demo.generator.Plan.mistakes)."""
    return {external_id for external_id, plan in plans.items() if plan.mistakes}


def _language(interaction_language: str) -> str:
    code = (interaction_language or "en")[:2]
    return code if code in ("it", "fr", "en") else "en"


def surveys_demo_create(*, end: datetime, seed: int = 7, mistaken: Collection[str] = ()) -> dict[str, int]:
    """Install the templates and answer them as the demo's customers would; returns counts written. `mistaken`: the
    external ids of the demo contacts with a planted mistake (their customers rate them lower)."""
    rng = random.Random(seed)
    survey_templates_install()
    SurveyResponse.objects.filter(key__startswith=DEMO_KEY).delete()
    surveys = {s.kind: s for s in Survey.objects.all()}
    post = surveys["post_contact"]
    version = post.current_version()
    assert version is not None
    questions = {q.code: q for q in version.questions.all()}
    found: Any = (
        Interaction.objects.filter(source="demo", resolved_at__isnull=False, survey_invitations__isnull=True)
        .order_by("pk")
        .values("pk", "external_id", "language", "customer_rating", "resolved_at")
    )
    contacts: list[dict[str, Any]] = list(found)
    invited = [c for c in contacts if rng.random() < INVITED_SHARE]
    invitations = SurveyInvitation.objects.bulk_create(
        SurveyInvitation(
            survey=post,
            interaction_id=c["pk"],
            language=_language(c["language"]),
            created_at=c["resolved_at"],
            sent_at=c["resolved_at"],
            expires_at=c["resolved_at"] + timedelta(days=30),
        )
        for c in invited
    )
    answered = [(inv, c) for inv, c in zip(invitations, invited, strict=True) if rng.random() < 0.23]
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=post,
            version=version,
            invitation=inv,
            interaction_id=c["pk"],
            source="invitation",
            language=inv.language,
            started_at=c["resolved_at"] + timedelta(hours=rng.randint(1, 48)),
        )
        for inv, c in answered
    )
    answers: list[SurveyAnswer] = []
    for response, (inv, c) in zip(responses, answered, strict=True):
        mood = "negative" if c["external_id"] in mistaken and rng.random() < 0.6 else c["customer_rating"]
        answers += _post_contact_answers(rng, response, questions, mood, inv.language)
        if rng.random() < 0.8:
            response.completed_at = response.started_at + timedelta(minutes=2)
    SurveyResponse.objects.bulk_update(responses, ["completed_at"])
    open_answers = _open_link_answers(rng, surveys, end)
    SurveyAnswer.objects.bulk_create(answers + open_answers)
    return {"invitations": len(invitations), "responses": len(responses), "open_answers": len(open_answers)}


def _post_contact_answers(
    rng: random.Random, response: SurveyResponse, questions: dict[str, Question], rating: str, language: str
) -> list[SurveyAnswer]:
    """Ratings that fall after planted mistakes: negative contacts mostly rate 1–2, neutral 2–4, the others 3–5."""
    csat = {"negative": rng.choice([1, 1, 2, 3]), "neutral": rng.choice([2, 3, 4])}.get(rating, rng.choice([4, 5, 5, 5, 3]))
    rows = [SurveyAnswer(response=response, question=questions["csat"], value=csat)]
    if csat <= 2 and rng.random() < 0.7:
        text = rng.choice(COMMENTS["low"][language])
        rows.append(SurveyAnswer(response=response, question=questions["what_went_wrong"], text=text))
    rows.append(
        SurveyAnswer(response=response, question=questions["agent_skill"], value=max(1, min(5, csat + rng.choice([-1, 0, 0, 1]))))
    )
    rows.append(SurveyAnswer(response=response, question=questions["ces"], value=max(1, min(7, csat + rng.choice([1, 2, 2])))))
    if csat >= 4 and rng.random() < 0.2:
        rows.append(SurveyAnswer(response=response, question=questions["comment"], text=rng.choice(COMMENTS["high"][language])))
    return rows


def _open_link_answers(rng: random.Random, surveys: dict[str, Survey], end: datetime) -> list[SurveyAnswer]:
    """A relationship NPS wave, FAQ-page votes and suggestion-box entries, as open-link responses."""
    answers: list[SurveyAnswer] = []

    def respond(survey: Survey, answered: dict[str, int | str], page: str = "") -> None:
        version = survey.current_version()
        assert version is not None
        started = end - timedelta(days=rng.randint(0, 30), minutes=rng.randint(0, 1440))
        response = SurveyResponse.objects.create(
            survey=survey,
            version=version,
            source="open",
            key="" if survey.anonymous else DEMO_KEY + new_token(),
            language=rng.choice(["it", "it", "fr", "en"]),
            page_url=page,
            started_at=started,
            completed_at=started + timedelta(minutes=1),
        )
        by_code = {q.code: q for q in version.questions.all()}
        for code, value in answered.items():
            kind = by_code[code].kind
            answers.append(
                SurveyAnswer(
                    response=response,
                    question=by_code[code],
                    value=value if isinstance(value, int) else None,
                    choices=[str(value)] if kind == "single" else [],
                    text=str(value) if kind == "text" else "",
                )
            )

    for _ in range(60):
        respond(
            surveys["relationship"],
            {"nps": rng.choice([10, 9, 9, 8, 7, 6, 3, 10, 9, 5]), "stay": rng.choice(["certainly", "probably", "unsure"])},
        )
    for _ in range(40):
        respond(
            surveys["self_service"],
            {"useful": rng.choice([1, 1, 1, 0]), "easy_to_find": rng.choice([1, 0])},
            rng.choice(FAQ_PAGES),
        )
    for text in SUGGESTIONS if not surveys["suggestion_box"].responses.exists() else []:
        respond(surveys["suggestion_box"], {"suggestion": text})
    return answers
