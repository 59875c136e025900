"""Writing surveys: definitions and their versions (YAML/JSON), the shipped templates, invitations."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import ValidationError

from qadesk.accounts.models import Role, User
from qadesk.audit.models import Action
from qadesk.audit.services import audit_record
from qadesk.core.errors import ApplicationError
from qadesk.core.validation import error_messages
from qadesk.interactions.models import CustomerRating, Interaction
from qadesk.notifications.services import QUEUED_GRACE, notify
from qadesk.surveys.emails import invitation_email_queue
from qadesk.surveys.figures import is_negative
from qadesk.surveys.models import (
    Question,
    ResponseSource,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    SurveyVersion,
    VersionStatus,
)
from qadesk.surveys.rollup import (
    Counts,
    answer_items,
    survey_rollup_add,
    survey_rollup_cell,
    survey_rollup_counts,
    survey_rollup_kept,
)
from qadesk.surveys.schemas import SurveyDef, condition_met

TEMPLATES_DIR = Path(__file__).with_name("survey_templates")
INVITATION_DAYS = 30  # a personal link works this long unless said otherwise


def survey_definition_parse(*, data: Any) -> SurveyDef:
    """Validate a definition, naming every bad field by its path (e.g. questions[2].kind), in the user's language."""
    try:
        return SurveyDef.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{path}: {reason}" if path else reason for path, reason in error_messages(exc))
        raise ApplicationError(_("Invalid survey: {problems}").format(problems=problems)) from exc


@transaction.atomic
def survey_version_create(*, data: Any, publish: bool = True) -> SurveyVersion:
    """Create the next version of the survey named by the definition's code (the survey too if new).

    Existing versions are never touched, so every response keeps the questions it answered."""
    definition = survey_definition_parse(data=data)
    survey, created = Survey.objects.select_for_update().get_or_create(
        code=definition.code,
        defaults={
            "name": definition.name,
            "kind": definition.kind,
            "anonymous": definition.anonymous,
            "open_link": definition.open_link,
        },
    )
    if not created:
        survey.name, survey.kind = definition.name, definition.kind
        survey.anonymous, survey.open_link = definition.anonymous, definition.open_link
        survey.save(update_fields=["name", "kind", "anonymous", "open_link"])
    number = (survey.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = SurveyVersion.objects.create(
        survey=survey, number=number, title=definition.title, intro=definition.intro, thanks=definition.thanks
    )
    Question.objects.bulk_create(
        Question(
            version=version,
            position=position,
            code=q.code,
            kind=q.kind,
            text=q.text,
            help=q.help,
            required=q.required,
            choices=[c.model_dump() for c in q.choices],
            condition=q.condition.model_dump() if q.condition else None,
        )
        for position, q in enumerate(definition.questions)
    )
    if publish:
        survey_version_publish(version=version)
    return version


@transaction.atomic
def survey_version_publish(*, version: SurveyVersion) -> SurveyVersion:
    """Publish a draft version; the previously published one is retired (its responses keep it)."""
    if version.status != VersionStatus.DRAFT:
        raise ApplicationError(_("Only a draft version can be published."))
    version.survey.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.RETIRED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version


def survey_version_export(*, version: SurveyVersion) -> dict[str, Any]:
    """The version as a definition document, ready for YAML or JSON (what survey_version_create reads)."""
    survey = version.survey
    questions = []
    for q in version.questions.order_by("position"):
        item: dict[str, Any] = {"code": q.code, "kind": q.kind, "text": q.text, "required": q.required}
        if q.help:
            item["help"] = q.help
        if q.choices:
            item["choices"] = q.choices
        if q.condition:
            item["condition"] = q.condition
        questions.append(item)
    return {
        "code": survey.code,
        "name": survey.name,
        "kind": survey.kind,
        "anonymous": survey.anonymous,
        "open_link": survey.open_link,
        "title": version.title,
        "intro": version.intro,
        "thanks": version.thanks,
        "questions": questions,
    }


def survey_load_file(*, path: Path) -> Any:
    """Read a definition from a .yaml/.yml or .json file (YAML is a superset of JSON)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ApplicationError(_("Cannot read {file}: {error}").format(file=path.name, error=exc.strerror)) from exc
    except yaml.YAMLError as exc:
        raise ApplicationError(_("{file} is not valid YAML or JSON: {error}").format(file=path.name, error=exc)) from exc


def survey_templates_install() -> list[SurveyVersion]:
    """Install each shipped template (post-contact, expectation, self-service, relationship, complaint outcome,
    suggestion box) whose survey does not exist yet; existing surveys are left as they are. Returns what was installed."""
    installed = []
    for path in sorted(TEMPLATES_DIR.glob("*.yaml")):
        data = survey_load_file(path=path)
        if not Survey.objects.filter(code=data["code"]).exists():
            installed.append(survey_version_create(data=data))
    return installed


@transaction.atomic
def invitation_create(
    *,
    survey: Survey,
    interaction: Interaction | None = None,
    language: str = "",
    email: str = "",
    valid_days: int = INVITATION_DAYS,
    sent: bool = True,
    queue: bool = True,
) -> SurveyInvitation:
    """A personal link to the survey, about one interaction; it works `valid_days` days. With an `email` the link is
    e-mailed by a background job after the commit (sent_at is set when the SMTP server took it) — its own job, or with
    `queue=False` the next batch sender's (the invitation is then due at once); otherwise `sent` says the link is handed
    to the customer now. Only sent invitations count in the response rate."""
    if survey.current_version() is None:
        raise ApplicationError(_("This survey has no published version."))
    if survey.anonymous and interaction is not None:
        raise ApplicationError(_("An anonymous survey cannot be tied to an interaction."))
    now = timezone.now()
    invitation = SurveyInvitation.objects.create(
        survey=survey,
        interaction=interaction,
        language=(language or (interaction.language if interaction else ""))[:2].lower(),
        email=email,
        created_at=now,
        sent_at=now if sent and not email else None,
        expires_at=now + timedelta(days=valid_days),
        email_retry_at=(now + QUEUED_GRACE if queue else now) if email else None,
    )
    if invitation.sent_at is not None:  # handed over now: it counts in the response rate
        survey_rollup_add(survey_rollup_counts(invitations=SurveyInvitation.objects.filter(pk=invitation.pk)))
    if email and queue:
        invitation_email_queue(invitation.pk)
    return invitation


# --- Answers: the respondent's page and imports write through these ----------------------------------------------------

MAX_TEXT = 5000


def answer_parse(*, question: Question, raw: str | list[str] | None) -> tuple[int | None, list[str], str] | None:
    """The form's raw value as (number, choice codes, text), or None for no answer; a value outside the question's scale
    or choices is refused with a reason in the respondent's language."""
    values = [v for v in (raw if isinstance(raw, list) else [raw or ""]) if str(v).strip()]
    if not values:
        return None
    if question.kind == "text":
        text = str(values[0]).strip()
        if len(text) > MAX_TEXT:
            raise ApplicationError(_("Please write at most {n} characters.").format(n=MAX_TEXT))
        return None, [], text
    if question.kind in ("single", "multiple"):
        allowed = {c["code"] for c in question.choices}
        chosen = list(dict.fromkeys(str(v) for v in values))
        if any(c not in allowed for c in chosen) or (question.kind == "single" and len(chosen) > 1):
            raise ApplicationError(_("Please choose among the answers offered."))
        return None, chosen, ""
    try:
        number = int(str(values[0]).strip())
    except ValueError:
        number = None
    if number is None or number not in question.scale:
        raise ApplicationError(_("Please choose one of the ratings offered."))
    return number, [], ""


def _answers_by_code(response: SurveyResponse) -> dict[str, Any]:
    return {
        a.question.code: (a.value if a.value is not None else (a.choices or a.text))
        for a in response.answers.select_related("question")
    }


def next_question(*, response: SurveyResponse, after: Question | None) -> Question | None:
    """The first question after `after` (or the first of all) that the answers so far show."""
    answers = _answers_by_code(response)
    questions = response.version.questions.order_by("position")
    if after is not None:
        questions = questions.filter(position__gt=after.position)
    return next((q for q in questions if condition_met(q.condition, answers)), None)


@transaction.atomic
def response_answer(*, response: SurveyResponse, question: Question, raw: str | list[str] | None) -> Question | None:
    """Save one answer as it is given (a second submit of the same question changes it), drop answers to questions an
    earlier change now hides, close the loop on a negative headline rating, and return the next question to show —
    None when the survey is finished (the response is then completed)."""
    if question.version_id != response.version_id:
        raise ApplicationError(_("This question is not part of the survey."), status_code=404)
    # Two submits of one response (a double click) take turns: the second sees the first's answers.
    list(SurveyResponse.objects.select_for_update().filter(pk=response.pk).values_list("pk", flat=True))
    parsed = answer_parse(question=question, raw=raw)
    if parsed is None and question.required:
        raise ApplicationError(_("This question needs an answer."))
    with survey_rollup_kept(responses=SurveyResponse.objects.filter(pk=response.pk), answers_only=True):
        if parsed is None:
            SurveyAnswer.objects.filter(response=response, question=question).delete()
        else:
            value, choices, text = parsed
            SurveyAnswer.objects.update_or_create(
                response=response, question=question, defaults={"value": value, "choices": choices, "text": text}
            )
        answers = _answers_by_code(response)
        hidden = [q.pk for q in response.version.questions.all() if not condition_met(q.condition, answers)]
        SurveyAnswer.objects.filter(response=response, question_id__in=hidden).delete()
    if parsed is not None:
        response_close_loop(response=response, question=question, value=parsed[0])
    following = next_question(response=response, after=question)
    if following is None and response.completed_at is None:
        response.completed_at = timezone.now()
        fields = ["completed_at", "updated_at"]
        if response.survey.anonymous:
            response.key = ""  # nothing links a finished anonymous response to a browser any more
            fields.append("key")
        response.save(update_fields=fields)
    else:
        response.save(update_fields=["updated_at"])
    return following


def headline_question(version: SurveyVersion, questions: list[Question] | None = None) -> Question | None:
    """The question that closes the loop: the version's first CSAT or NPS question (from `questions`, its questions in
    order, when they were read already)."""
    if questions is not None:
        return next((q for q in questions if q.kind in ("csat", "nps")), None)
    return version.questions.filter(kind__in=("csat", "nps")).order_by("position").first()


def response_close_loop(
    *, response: SurveyResponse, question: Question, value: int | None, questions: list[Question] | None = None
) -> None:
    """A detractor (NPS 0–6) or CSAT ≤ 2 on the headline question sets the interaction's customer rating to negative
    (the sampling plans' risk flag) and tells the agent's team lead, once per response."""
    interaction = response.interaction
    if interaction is None or response.flagged_at is not None or not is_negative(question.kind, value):
        return
    headline = headline_question(response.version, questions)
    if headline is None or headline.pk != question.pk:
        return
    leads = team_leads_of(interaction)
    response.flagged_at = timezone.now()
    response.followup_owner = leads[0] if leads else None  # the follow-up list's owner: the team's (first) lead
    response.save(update_fields=["flagged_at", "followup_owner"])
    Interaction.objects.filter(pk=interaction.pk).update(customer_rating=CustomerRating.NEGATIVE)
    response_leads_notify(response=response, leads=leads, value=value)


def team_leads_of(interaction: Interaction) -> list[User]:
    """The active team leads of the interaction's team, in id order (the first owns a flagged response's follow-up)."""
    if not interaction.team_id:
        return []
    return list(User.objects.filter(role=Role.TEAM_LEAD, team_id=interaction.team_id, is_active=True).order_by("pk"))


def response_leads_notify(*, response: SurveyResponse, leads: list[User], value: int | None) -> None:
    """Tell each lead that the customer rated the response's interaction low (the close-the-loop notification)."""
    for lead in leads:
        notify(
            recipient=lead,
            kind="survey_negative",
            subject=gettext_noop("A customer rated {interaction} {value} in “{survey}”"),
            params={"interaction": str(response.interaction), "value": value, "survey": str(response.survey)},
            url=reverse("surveys:response", args=[response.pk]),
        )


@transaction.atomic
def response_for_invitation(*, invitation: SurveyInvitation) -> SurveyResponse:
    """The invitation's one response, made at its first answer. The invitation's row is locked first, so a double
    click's two requests find the same response instead of making two."""
    locked = (
        SurveyInvitation.objects.select_for_update(of=("self",)).select_related("survey", "interaction").get(pk=invitation.pk)
    )
    existing = SurveyResponse.objects.filter(invitation=locked).first()
    if existing is not None:
        return existing
    version = locked.survey.current_version()
    if version is None:
        raise ApplicationError(_("This survey has no published version."), status_code=404)
    # The invitation is locked: this is its one response, counted once (and the invitation as answered).
    with survey_rollup_kept(invitations=SurveyInvitation.objects.filter(pk=locked.pk)):
        response = SurveyResponse.objects.create(
            survey=locked.survey,
            version=version,
            invitation=locked,
            interaction=None if locked.survey.anonymous else locked.interaction,
            source=ResponseSource.INVITATION,
            language=locked.language,
        )
        survey_rollup_add(survey_rollup_counts(responses=SurveyResponse.objects.filter(pk=response.pk)))
    return response


@transaction.atomic
def invitation_one_click(*, token: str, code: str, raw: str) -> Question | None:
    """A rating clicked in the invitation e-mail, in one transaction: the invitation's response made (at the first
    click) and the answer recorded (a later click changes it); returns the next question to show, None when finished.
    The first click — nearly every click — reads the invitation once (locked, so a double click's two requests take
    turns), the version with its questions once, and adds its rollup counts computed from the rows in hand (no counting
    before and after); a response that exists already goes through `response_answer`. An unknown or expired link is an
    ApplicationError whose `extra` holds the reason and the invitation's language, for the page that says so."""
    locked = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("survey", "interaction")
        .filter(token=token)
        .first()
    )
    if locked is None or locked.expired:
        reason, status = ("unknown", 404) if locked is None else ("expired", 410)
        language = locked.language if locked else ""
        raise ApplicationError(_("This link no longer works"), status_code=status, extra={"reason": reason, "language": language})
    existing = SurveyResponse.objects.filter(invitation=locked).select_related("survey", "version", "interaction").first()
    if existing is not None:
        question = existing.version.questions.filter(code=code).first()
        if question is None:
            raise ApplicationError(_("This question is not part of the survey."), status_code=404, extra={"reason": "unknown"})
        return response_answer(response=existing, question=question, raw=raw)
    questions = _current_questions(locked.survey)
    question = next((q for q in questions if q.code == code), None)
    if question is None:
        raise ApplicationError(_("This question is not part of the survey."), status_code=404, extra={"reason": "unknown"})
    parsed = answer_parse(question=question, raw=raw)
    if parsed is None and question.required:
        raise ApplicationError(_("This question needs an answer."))
    value, choices, text = parsed or (None, [], "")
    answers = {question.code: value if value is not None else (choices or text)} if parsed else {}
    kept = parsed is not None and condition_met(question.condition, answers)  # as response_answer drops hidden answers
    answers = answers if kept else {}
    following = next((q for q in questions if q.position > question.position and condition_met(q.condition, answers)), None)
    now = timezone.now()
    response = SurveyResponse.objects.create(
        survey=locked.survey,
        version=question.version,
        invitation=locked,
        interaction=None if locked.survey.anonymous else locked.interaction,
        source=ResponseSource.INVITATION,
        language=locked.language,
        started_at=now,
        completed_at=None if following else now,
    )
    if kept:
        SurveyAnswer.objects.create(response=response, question=question, value=value, choices=choices, text=text)
    answer = (question, value, choices, text) if kept else None
    if kept:
        response_close_loop(response=response, question=question, value=value, questions=questions)
    # Last before the commit: on SQLite the rollup's rows per day (levels 2–7), shared by every click of the day, stay
    # locked from their upsert to the commit (PostgreSQL appends pending rows, which lock nothing shared).
    survey_rollup_add(_first_click_counts(invitation=locked, response=response, answer=answer))
    return following


def _current_questions(survey: Survey) -> list[Question]:
    """The current version's questions in order, each with its version, in one query (as `Survey.current_version`)."""
    current = SurveyVersion.objects.filter(survey=survey, status=VersionStatus.PUBLISHED).order_by("-number").values("pk")
    questions = list(Question.objects.filter(version_id=Subquery(current[:1])).select_related("version").order_by("position"))
    if not questions:
        raise ApplicationError(_("This survey has no published version."), status_code=404, extra={"reason": "unknown"})
    return questions


def _first_click_counts(
    *, invitation: SurveyInvitation, response: SurveyResponse, answer: tuple[Question, int | None, list[str], str] | None
) -> Counts:
    """What a new response with at most one `answer` (question, value, choices, text) adds to the rollup: the response,
    the answer's items and, for a sent invitation, one more answered."""
    counts: Counts = Counter()
    cell = survey_rollup_cell(survey_id=response.survey_id, at=response.started_at, interaction=response.interaction)
    counts[("surveyresponseday", cell, "responses")] += 1
    if answer is not None:
        question, value, choices, text = answer
        for item in answer_items(question.kind, value, choices, bool(text)):
            counts[("surveyanswerday", (*cell, question.code, question.kind, item), "count")] += 1
    if invitation.sent_at is not None:
        sent_cell = survey_rollup_cell(survey_id=invitation.survey_id, at=invitation.sent_at, interaction=invitation.interaction)
        counts[("surveyinvitationday", sent_cell, "answered")] += 1
    return counts


def response_for_open_link(*, survey: Survey, key: str, language: str, page_url: str = "") -> SurveyResponse:
    """The open-link response kept by this browser's random key (made at its first answer)."""
    version = survey.current_version()
    if version is None:
        raise ApplicationError(_("This survey has no published version."), status_code=404)
    with transaction.atomic():
        response, created = SurveyResponse.objects.get_or_create(
            survey=survey,
            source=ResponseSource.OPEN,
            key=key,
            defaults={"version": version, "language": language[:8], "page_url": page_url[:500]},
        )
        if created:  # only the request that made it counts it (a second one for the same key finds it)
            survey_rollup_add(survey_rollup_counts(responses=SurveyResponse.objects.filter(pk=response.pk)))
    return response


def response_follow_up(*, response: SurveyResponse, actor: User, note: str = "") -> SurveyResponse:
    """Mark a flagged response followed up (the customer was called back): its owner, the team's lead, a QA lead or an
    admin may; a second time is a Conflict naming who did it first."""
    from qadesk.core.errors import Conflict, PermissionDenied

    with transaction.atomic():
        locked = SurveyResponse.objects.select_for_update(of=("self",)).select_related("interaction").get(pk=response.pk)
        if locked.flagged_at is None:
            raise ApplicationError(_("Only a response with a low rating is followed up."))
        team_id = locked.interaction.team_id if locked.interaction else None
        allowed = (
            actor.role in {Role.QA_LEAD, Role.ADMIN}
            or actor.pk == locked.followup_owner_id
            or (actor.role == Role.TEAM_LEAD and team_id is not None and actor.team_id == team_id)
        )
        if not allowed:
            raise PermissionDenied(_("Only the owner, the team's lead or a QA lead may close this follow-up."))
        if locked.followed_up_at is not None:
            who = locked.followed_up_by.get_full_name() or locked.followed_up_by.username if locked.followed_up_by else "—"
            raise Conflict(_("{user} already followed this response up.").format(user=who))
        locked.followed_up_at, locked.followed_up_by, locked.followup_note = timezone.now(), actor, note.strip()[:2000]
        locked.save(update_fields=["followed_up_at", "followed_up_by", "followup_note"])
        audit_record(
            actor=actor,
            action=Action.FOLLOW_UP,
            survey_response=locked,
            interaction=locked.interaction_id,
            owner=locked.followup_owner_id,
            note=locked.followup_note,
        )
    return locked
