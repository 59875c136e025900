"""The survey results' rollup never disagrees with the answers: built through the real services (the respondent's page,
one-click e-mail ratings, open links, imports, e-mailed invitations, an interaction re-imported under another team), the
results read from the rollup equal the results read from the answers — every grouping, date window, trend and reader
the rollup answers for — and `qadesk report verify` finds nothing to fix (and fixes what was tampered with)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from qadesk.accounts.models import Agent
from qadesk.imports.services import interactions_import
from qadesk.interactions.models import Interaction
from qadesk.surveys import rollup, selectors
from qadesk.surveys.emails import invitation_email
from qadesk.surveys.imports import survey_responses_import
from qadesk.surveys.models import Survey, SurveyAnswerDay, SurveyInvitationDay, SurveyResponseDay
from qadesk.surveys.selectors import DIMENSIONS, TREND_PERIODS, survey_results, survey_trend
from qadesk.surveys.services import (
    invitation_create,
    response_answer,
    response_for_invitation,
    response_for_open_link,
    survey_templates_install,
)
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def _answer(survey: Survey, interaction: Interaction | None, **answers: Any) -> None:
    response = response_for_invitation(invitation=invitation_create(survey=survey, interaction=interaction, language="en"))
    for code, raw in answers.items():
        response_answer(response=response, question=response.version.questions.get(code=code), raw=raw)


@pytest.fixture
def answered(db: None, agent: Agent, other_team_agent: Agent) -> dict[str, Survey]:
    """Responses of three surveys through every writer, about contacts of two teams on three channels, over three days."""
    survey_rollup_build()
    survey_templates_install()
    surveys = {s.kind: s for s in Survey.objects.all()}
    post, expectation, self_service = surveys["post_contact"], surveys["expectation"], surveys["self_service"]
    now = timezone.now()
    contacts = [
        f.make_interaction(agent if i % 3 else other_team_agent, channel=("email", "chat", "phone")[i % 3]) for i in range(9)
    ]
    for i, contact in enumerate(contacts):
        _answer(post, contact, csat=str(1 + i % 5), ces=str(1 + i % 7), comment="fine" if i % 2 else "")
    # A low rating changed to a high one: the "what went wrong" answer it showed goes, and its counts with it.
    response = response_for_invitation(invitation=invitation_create(survey=post, interaction=contacts[0]))
    csat = response.version.questions.get(code="csat")
    response_answer(response=response, question=csat, raw="1")
    response_answer(response=response, question=response.version.questions.get(code="what_went_wrong"), raw="slow")
    response_answer(response=response, question=csat, raw="5")
    response_answer(response=response, question=csat, raw="5")  # a double click
    invitation_create(survey=post, interaction=contacts[1])  # sent, never answered
    emailed = invitation_create(survey=post, interaction=contacts[2], email="customer@example.com")
    assert invitation_email(invitation_id=emailed.pk) and len(mail.outbox) == 1  # now sent: counts in the response rate
    for i, contact in enumerate(contacts[:6]):
        _answer(expectation, contact, expectations=("below", "met", "above")[i % 3], csat=str(2 + i % 4))
    for key, useful in (("k1", "1"), ("k2", "0"), ("k3", "1")):
        response = response_for_open_link(survey=self_service, key=key, language="en")
        response_answer(response=response, question=response.version.questions.get(code="useful"), raw=useful)
    # Answers collected elsewhere, two days ago and yesterday (and imported again: nothing moves).
    csv = "survey,source,external_id,submitted_at,csat,ces\n" + "".join(
        f"post-contact,test,{c.external_id},{(now - timedelta(days=1 + i % 2)).isoformat()},{1 + i % 5},{2 + i % 3}\n"
        for i, c in enumerate(contacts[3:])
    )
    for _ in range(2):
        assert survey_responses_import(stream=io.BytesIO(csv.encode()), fmt="csv").committed
    return surveys


def survey_rollup_build() -> None:
    """A flushed database (a transactional test before this one) has lost the rollup's state: build it first."""
    rollup.survey_rollup_rebuild()


def _both(func: Any, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> tuple[Any, Any]:
    """The same call read from the rollup and read from the answers (the rollup said not to answer)."""
    answered: list[bool] = []
    real = selectors._rollup_cells

    def cells(**arguments: Any) -> Any:
        found = real(**arguments)
        answered.append(found is not None)
        return found

    monkeypatch.setattr(selectors, "_rollup_cells", cells)
    from_rollup = func(**kwargs)
    assert answered == [True], "the rollup did not answer"
    monkeypatch.setattr(selectors, "_rollup_cells", lambda **arguments: None)
    from_answers = func(**kwargs)
    monkeypatch.setattr(selectors, "_rollup_cells", real)
    return from_rollup, from_answers


def test_results_from_the_rollup_equal_results_from_the_answers(answered, qa_lead, team_lead, monkeypatch) -> None:
    assert rollup.survey_rollup_verify() == []
    today = timezone.localdate()
    windows = [
        (None, None),
        (today, today),
        (today - timedelta(days=1), today),
        (today - timedelta(days=2), today - timedelta(days=1)),
    ]
    compared = 0
    for survey in answered.values():
        for actor in (qa_lead, team_lead):
            for by in (None, *DIMENSIONS):
                for date_from, date_to in windows:
                    kwargs = {"actor": actor, "survey": survey, "by": by, "date_from": date_from, "date_to": date_to}
                    from_rollup, from_answers = _both(survey_results, monkeypatch, **kwargs)
                    assert from_rollup == from_answers, (survey.code, actor.role, by, date_from)
                    compared += 1
            for period in TREND_PERIODS:
                kwargs = {"actor": actor, "survey": survey, "period": period}
                from_rollup, from_answers = _both(survey_trend, monkeypatch, **kwargs)
                assert from_rollup == from_answers, (survey.code, period)
    post = survey_results(actor=qa_lead, survey=answered["post_contact"], by="channel")
    assert post.overall.responses == 16 and post.overall.csat.n == 16  # 9 + 1 by hand, 6 imported once
    assert post.overall.response_rate.n == 12 and post.overall.response_rate.value == pytest.approx(10 / 12 * 100, abs=0.01)
    assert {g.key for g in post.groups} == {"email", "chat", "phone"}
    distribution = {q.code: q for q in post.questions}
    assert distribution["what_went_wrong"].n == 0 and distribution["comment"].n == 4
    assert compared == len(answered) * 2 * 7 * 4


def test_an_agent_reads_the_answers_and_sees_the_same_figures(answered, agent_user, monkeypatch) -> None:
    """The rollup does not know which contacts an agent handled: their results come from the answers."""
    assert (
        selectors._rollup_cells(actor=agent_user, survey=answered["post_contact"], by=None, date_from=None, date_to=None) is None
    )
    results = survey_results(actor=agent_user, survey=answered["post_contact"], by="team")
    assert 0 < results.overall.responses < 16


def test_the_rollup_follows_an_interaction_re_imported_under_another_team(answered, qa_lead, other_team) -> None:
    record = {
        "external_id": "R-1",
        "source": "zendesk",
        "channel": "email",
        "created_at": "2026-10-01T09:00:00Z",
        "agents": ["a.rossi"],
        "messages": [{"author": "customer", "body": "Hi"}, {"author": "agent", "agent": "a.rossi", "body": "Hello"}],
    }
    assert interactions_import(rows=[(1, record)]).committed
    contact = Interaction.objects.get(source="zendesk", external_id="R-1")
    _answer(answered["post_contact"], contact, csat="5")
    before = {g.key: g.responses for g in survey_results(actor=qa_lead, survey=answered["post_contact"], by="channel").groups}
    assert interactions_import(rows=[(1, {**record, "channel": "chat"})]).committed
    after = {g.key: g.responses for g in survey_results(actor=qa_lead, survey=answered["post_contact"], by="channel").groups}
    assert rollup.survey_rollup_verify() == []
    assert after["chat"] == before["chat"] + 1 and after["email"] == before["email"] - 1


def test_report_verify_finds_a_tampered_count_and_fix_rebuilds_it(answered) -> None:
    out = io.StringIO()
    call_command("qreport", "verify", stdout=out)
    assert "The survey rollup agrees with the survey answers." in out.getvalue()
    row = SurveyAnswerDay.objects.filter(code="csat").first()
    SurveyAnswerDay.objects.filter(pk=row.pk).update(count=row.count + 3)
    SurveyInvitationDay.objects.all()[:1].get().delete()
    with pytest.raises(CommandError, match="differences between the survey rollup and the survey answers"):
        call_command("qreport", "verify", stdout=io.StringIO())
    out = io.StringIO()
    call_command("qreport", "verify", "--fix", stdout=out)
    assert "the survey rollup was rebuilt and now agrees" in out.getvalue()
    assert rollup.survey_rollup_verify() == []


def test_without_a_built_rollup_the_page_reads_the_answers(answered, qa_lead) -> None:
    from qadesk.surveys.models import SurveyRollupState

    SurveyResponseDay.objects.all().delete()  # a rollup that would say nothing…
    SurveyRollupState.objects.all().delete()  # …is not read once it is not marked built
    page = Client()
    page.force_login(qa_lead)
    body = page.get(f"/surveys/{answered['post_contact'].pk}/", {"by": "team"}).content.decode()
    assert survey_results(actor=qa_lead, survey=answered["post_contact"]).overall.responses == 16
    assert "16" in body


def test_a_rollup_row_left_at_zero_is_removed(answered) -> None:
    """A rating changed from 3 to 4 on the only answer of its cell leaves no row counting 0 behind: whether the change
    is folded into the rollup after the 3 was (PostgreSQL's pending changes) or with it."""
    survey = answered["relationship"]
    contact = f.make_interaction(Agent.objects.first())
    response = response_for_invitation(invitation=invitation_create(survey=survey, interaction=contact))
    nps = response.version.questions.get(code="nps")
    response_answer(response=response, question=nps, raw="3")
    rollup.survey_rollup_fold()  # a reader came between the two clicks
    assert SurveyAnswerDay.objects.filter(survey_id=survey.pk, code="nps", item="3").count() == 8  # every level
    response_answer(response=response, question=nps, raw="4")
    response_answer(response=response, question=nps, raw="2")  # and a change counted in one fold with its undoing
    response_answer(response=response, question=nps, raw="4")
    rollup.survey_rollup_fold()
    assert not SurveyAnswerDay.objects.filter(survey_id=survey.pk, code="nps", item__in=("2", "3")).exists()
    assert SurveyAnswerDay.objects.filter(survey_id=survey.pk, code="nps", item="4").count() == 8  # every level
    assert not SurveyAnswerDay.objects.filter(count__lte=0).exists()
    assert rollup.survey_rollup_verify() == []


def test_the_periodic_job_folds_what_the_answers_left_pending(answered) -> None:
    """On PostgreSQL the services leave their rollup changes pending (no shared row locked until their commit); the job
    the scheduler runs every minute folds them, each once. SQLite writes the rollup at once: nothing is left to fold."""
    from qadesk.surveys.models import SurveyRollupPending
    from qadesk.surveys.tasks import survey_rollup_pending_fold

    _answer(answered["post_contact"], f.make_interaction(Agent.objects.first()), csat="5")
    pending = SurveyRollupPending.objects.count()
    assert (pending > 0) == (connection.vendor == "postgresql")
    assert survey_rollup_pending_fold.call() == pending
    assert not SurveyRollupPending.objects.exists() and survey_rollup_pending_fold.call() == 0
    assert rollup.survey_rollup_verify() == []


EVERY_KIND = {
    "code": "every-kind",
    "name": {"en": "Every kind"},
    "questions": [
        {"code": "csat", "kind": "csat", "text": {"en": "Satisfied?"}},
        {"code": "fixed", "kind": "yes_no", "text": {"en": "Fixed?"}},
        {
            "code": "what",
            "kind": "multiple",
            "text": {"en": "What mattered?"},
            "choices": [{"code": c, "text": {"en": c}} for c in ("speed", "tone", "price")],
        },
        {"code": "note", "kind": "text", "text": {"en": "Anything else?"}},
    ],
}


def _stored_rollup() -> dict[str, list[tuple[Any, ...]]]:
    """Every stored rollup row, per table, as sorted (key…, figure…) tuples (pending changes folded in first)."""
    rollup.survey_rollup_fold()
    return {
        table: sorted(model.objects.values_list(*rollup.KEYS[table], *rollup.FIGURES[table]))
        for table, model in rollup.TABLES.items()
    }


def test_the_set_based_rebuild_writes_the_rollup_the_services_kept_row_for_row(answered, agent) -> None:
    """The rebuild's INSERT … SELECT … GROUP BY (one per table and level) writes exactly the rows the services kept one
    change at a time and `survey_rollup_counts` counts in Python: every question kind (a multiple choice's "" and each
    code, a yes/no's 0 and 1, only non-empty texts), responses without an interaction, invitations never sent, a response
    started just after local midnight (its local day, not UTC's), every level; then `qadesk report verify` agrees."""
    from qadesk.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
    from qadesk.surveys.services import survey_version_create

    survey = survey_version_create(data=EVERY_KIND, publish=True).survey
    for i in range(6):
        contact = f.make_interaction(agent, channel=("email", "chat")[i % 2]) if i < 5 else None
        answers = {"csat": str(1 + i % 5), "fixed": str(i % 2), "note": "" if i % 3 else f"note {i}"}
        _answer(survey, contact, **answers)
        response = SurveyResponse.objects.filter(survey=survey).order_by("-pk").first()
        what = response.version.questions.get(code="what")
        response_answer(response=response, question=what, raw=[["speed"], ["speed", "tone"], ["price"]][i % 3])
    invitation_create(survey=survey, interaction=f.make_interaction(agent), email="later@example.com")  # not sent
    # Started at 23:30 UTC on 1 October: 2 October in Rome (the installation's time zone), a day of its own.
    midnight = datetime(2026, 10, 1, 23, 30, tzinfo=UTC)
    late = SurveyResponse.objects.filter(survey=survey).order_by("pk").first()
    with rollup.survey_rollup_kept(responses=SurveyResponse.objects.filter(pk=late.pk)):
        SurveyResponse.objects.filter(pk=late.pk).update(started_at=midnight)
    assert SurveyAnswer.objects.filter(response__survey=survey, question__kind="multiple").count() == 6
    assert SurveyInvitation.objects.filter(survey=survey, sent_at__isnull=True).exists()

    kept = _stored_rollup()
    assert rollup.survey_rollup_verify() == []  # what the services kept is what Python counts
    items = {(code, item) for *_key, code, _kind, item, _n in kept["surveyanswerday"] if _key[1] == survey.pk}
    assert {("what", ""), ("what", "speed"), ("what", "tone"), ("what", "price"), ("fixed", "0"), ("fixed", "1")} <= items
    assert ("note", "") in items and {day for _l, s, day, *_ in kept["surveyresponseday"] if s == survey.pk} >= {
        midnight.date() + timedelta(days=1)
    }
    assert {row[0] for rows in kept.values() for row in rows} == set(range(8))

    written = rollup.survey_rollup_rebuild()
    assert _stored_rollup() == kept
    assert written == {table: len(rows) for table, rows in kept.items()}
    out = io.StringIO()
    call_command("qreport", "verify", stdout=out)
    assert "The survey rollup agrees with the survey answers." in out.getvalue()

    # From an emptied rollup, through the CLI: the same rows again.
    for model in rollup.TABLES.values():
        model.objects.all().delete()
    out = io.StringIO()
    call_command("qreport", "rebuild", stdout=out)
    assert "The survey rollup rebuilt" in out.getvalue()
    assert _stored_rollup() == kept
