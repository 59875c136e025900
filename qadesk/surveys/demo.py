"""Demo surveys for the demo contact centre: the six templates, post-contact invitations with a realistic response rate
(15–30 %) whose ratings follow the contact's planted mistakes (the demo's customer rating), it/fr/en comments,
relationship (NPS) invitations after contacts, an open relationship NPS wave, self-service votes on FAQ
pages and suggestion-box entries; the low ratings waiting in the follow-up list, the older ones followed up by their
team's lead (through the service, so they are in the audit trail); and the planned targets the gap page compares with.
Written in bulk, repeatable."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from qadesk.accounts.models import Role, User
from qadesk.interactions.models import Interaction
from qadesk.surveys.figures import is_negative
from qadesk.surveys.models import (
    QualityTarget,
    Question,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    SurveyVersion,
    TargetFigure,
    new_token,
)
from qadesk.surveys.services import response_follow_up, survey_templates_install

DEMO_KEY = "demo-"  # open-link responses the demo made carry this key prefix, so a reload replaces them
INVITED_SHARE = 0.12  # of resolved demo contacts
RELATIONSHIP_SHARE = 0.04  # of the others, asked the relationship NPS after their contact
ANSWER_SHARE = 0.23  # of the invitations sent
FOLLOWED_UP_AFTER = timedelta(days=3)  # low ratings older than this were mostly called back already
# Planned quality (the gap page's panel): one target per figure for every team, and the less-trained team's own IQS
# and pass-rate targets while it catches up.
QUALITY_TARGETS = {
    TargetFigure.IQS: 85.0,
    TargetFigure.PASS_RATE: 80.0,
    TargetFigure.CSAT: 75.0,
    TargetFigure.NPS: 20.0,
    TargetFigure.EXPECTATIONS_MET: 80.0,
}
TEAM_TARGETS = {"Lyon Livraisons": {TargetFigure.IQS: 80.0, TargetFigure.PASS_RATE: 70.0}}
FOLLOW_UP_NOTES = [
    "Called back, apologised; refund confirmed.",
    "Richiamato il cliente: problema risolto.",
    "Client rappelé, geste commercial accordé.",
]
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
    # The expectation survey is answered by the reliability demo (reliability/demo.py), on its own share of contacts.
    waves: dict[str, list[dict[str, Any]]] = {"post_contact": [], "relationship": []}
    for c in contacts:
        draw = rng.random()
        if draw < INVITED_SHARE:
            waves["post_contact"].append(c)
        elif draw < INVITED_SHARE + RELATIONSHIP_SHARE:
            waves["relationship"].append(c)
    invitations: list[SurveyInvitation] = []
    responses: list[SurveyResponse] = []
    answers: list[SurveyAnswer] = []
    for kind, invited in waves.items():
        survey = surveys[kind]
        version = survey.current_version()
        assert version is not None
        questions = {q.code: q for q in version.questions.all()}
        sent, answered = _invite(rng, survey, version, invited)
        invitations += sent
        for response, c in answered:
            mood = "negative" if c["external_id"] in mistaken and rng.random() < 0.6 else c["customer_rating"]
            answers += ANSWERS[kind](rng, response, questions, mood, response.language)
            if rng.random() < 0.8:
                response.completed_at = response.started_at + timedelta(minutes=2)
        responses += [r for r, _c in answered]
    SurveyResponse.objects.bulk_update(responses, ["completed_at"])
    open_answers = _open_link_answers(rng, surveys, end)
    SurveyAnswer.objects.bulk_create(answers + open_answers)
    flagged, followed_up = _follow_ups(rng, responses, answers, end)
    return {
        "invitations": len(invitations),
        "responses": len(responses),
        "open_answers": len(open_answers),
        "flagged": flagged,
        "followed_up": followed_up,
        "targets": _quality_targets(),
    }


def _invite(
    rng: random.Random, survey: Survey, version: SurveyVersion, invited: list[dict[str, Any]]
) -> tuple[list[SurveyInvitation], list[tuple[SurveyResponse, dict[str, Any]]]]:
    """Invitations sent when the contacts were resolved, and the ANSWER_SHARE of them answered within two days."""
    invitations = SurveyInvitation.objects.bulk_create(
        SurveyInvitation(
            survey=survey,
            interaction_id=c["pk"],
            language=_language(c["language"]),
            created_at=c["resolved_at"],
            sent_at=c["resolved_at"],
            expires_at=c["resolved_at"] + timedelta(days=30),
        )
        for c in invited
    )
    answered = [(inv, c) for inv, c in zip(invitations, invited, strict=True) if rng.random() < ANSWER_SHARE]
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=survey,
            version=version,
            invitation=inv,
            interaction_id=c["pk"],
            source="invitation",
            language=inv.language,
            started_at=c["resolved_at"] + timedelta(hours=rng.randint(1, 48)),
        )
        for inv, c in answered
    )
    return invitations, [(r, c) for r, (_inv, c) in zip(responses, answered, strict=True)]


def _follow_ups(
    rng: random.Random, responses: list[SurveyResponse], answers: list[SurveyAnswer], end: datetime
) -> tuple[int, int]:
    """Put the low headline ratings (CSAT ≤ 2, NPS ≤ 6) in the follow-up list with their team lead as owner, as the
    survey page does; most of those older than FOLLOWED_UP_AFTER are then followed up by that lead (the service, so
    the audit trail has them) and the rest wait. Returns (flagged, followed up)."""
    by_id = {r.pk: r for r in responses}
    low: dict[int, SurveyResponse] = {}
    for answer in answers:
        question = answer.question
        if answer.response_id in by_id and question.code in ("csat", "nps") and is_negative(question.kind, answer.value):
            low.setdefault(answer.response_id, by_id[answer.response_id])
    if not low:
        return 0, 0
    teams = dict(Interaction.objects.filter(pk__in=[r.interaction_id for r in low.values()]).values_list("pk", "team_id"))
    leads: dict[int, User] = {}
    for lead in User.objects.filter(role=Role.TEAM_LEAD, is_active=True, team__isnull=False).order_by("-pk"):
        leads[lead.team_id] = lead  # type: ignore[index]  # the first (lowest id) lead wins, as the service chooses
    flagged = list(low.values())
    for response in flagged:
        response.flagged_at = response.started_at + timedelta(minutes=3)
        response.followup_owner = leads.get(teams.get(response.interaction_id))  # type: ignore[arg-type]
    SurveyResponse.objects.bulk_update(flagged, ["flagged_at", "followup_owner"])
    # The oldest one with an owner is always followed up and at least one always waits, so that the follow-up list shows
    # both however few low ratings a small demo draws; of the other old ones, about 70 %.
    due = [r for r in flagged if r.followup_owner is not None and r.started_at < end - FOLLOWED_UP_AFTER]
    due.sort(key=lambda r: (r.started_at, r.pk))
    chosen = [r for i, r in enumerate(due) if i == 0 or rng.random() < 0.7]
    if chosen and len(chosen) == len(flagged):
        chosen.pop()
    for response in chosen:
        response_follow_up(response=response, actor=response.followup_owner, note=rng.choice(FOLLOW_UP_NOTES))  # type: ignore[arg-type]
    return len(flagged), len(chosen)


def _quality_targets() -> int:
    """The planned figures of the gap page's panel (set again on every load: a second load changes nothing)."""
    from qadesk.accounts.models import Team

    written = 0
    for figure, value in QUALITY_TARGETS.items():
        QualityTarget.objects.update_or_create(figure=figure, team=None, defaults={"value": value})
        written += 1
    for team in Team.objects.filter(name__in=TEAM_TARGETS):
        for figure, value in TEAM_TARGETS[team.name].items():
            QualityTarget.objects.update_or_create(figure=figure, team=team, defaults={"value": value})
            written += 1
    return written


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


def _relationship_answers(
    rng: random.Random, response: SurveyResponse, questions: dict[str, Question], rating: str, language: str
) -> list[SurveyAnswer]:
    """The relationship NPS after a contact: detractors after the bad ones, mostly promoters otherwise."""
    nps = {"negative": rng.choice([2, 4, 5, 6, 6, 7]), "neutral": rng.choice([5, 6, 7, 8, 9])}.get(
        rating, rng.choice([10, 9, 9, 8, 7, 10, 6])
    )
    stay = "leaving" if nps <= 4 else "unsure" if nps <= 6 else rng.choice(["certainly", "probably"])
    return [
        SurveyAnswer(response=response, question=questions["nps"], value=nps),
        SurveyAnswer(response=response, question=questions["stay"], choices=[stay]),
    ]


ANSWERS = {"post_contact": _post_contact_answers, "relationship": _relationship_answers}


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
