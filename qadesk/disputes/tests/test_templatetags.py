"""The one-line summaries of audit events on the review page, in the reader's language."""

import pytest
from django.utils import translation

from qadesk.audit.models import Action, AuditEvent
from qadesk.disputes.templatetags.qadesk_disputes import audit_summary


def event(action: str, **changes) -> AuditEvent:
    return AuditEvent(action=action, changes=changes)


def test_it_summarises_a_draft_save_by_criterion() -> None:
    titles = {"1": "Empathy", "2": "Warmth"}
    save = event(Action.SAVE, rated={"1": 4, "2": None}, ratings={"1": [4, 5]}, notes=[2], comment=True)
    assert audit_summary(save, titles) == (
        "Empathy: 4 → 5 · Empathy: 4 · Warmth: N/A · comments or root causes changed: Warmth · overall comment changed"
    )


@pytest.mark.parametrize(("language", "expected"), [("en", "score 95.31"), ("it", "punteggio 95,31"), ("fr", "score 95,31")])
def test_it_writes_scores_with_the_readers_decimal_separator(language: str, expected: str) -> None:
    with translation.override(language):
        assert audit_summary(event(Action.SUBMIT, score=95.31)) == expected
    with translation.override(language):
        assert audit_summary(event(Action.SUBMIT, score=100.0)).endswith(" 100")


@pytest.mark.django_db
def test_it_writes_pass_fail_ratings_as_words_and_people_by_name(default_scorecard, qa_lead, agent, other_team_agent) -> None:
    from qadesk.reviews.tests.helpers import criteria_by_code

    qa_lead.first_name, qa_lead.last_name = "Elena", "Neri"
    qa_lead.save()
    agent.display_name = "Anna Rossi"
    agent.save()
    criteria = criteria_by_code(default_scorecard)
    sop, tools = str(criteria["right_sop"].pk), str(criteria["right_tools"].pk)  # pass/fail, and a 3-point scale
    titles = {sop: "Right SOP", tools: "Right tools"}
    with translation.override("it"):
        assert audit_summary(event(Action.SAVE, ratings={sop: [1, 0], tools: [1, 0]}), titles) == (
            "Right SOP: Sì → No · Right tools: 1 → 0"
        )
        assert audit_summary(event(Action.SAVE, rated={sop: 1}), titles) == "Right SOP: Sì"
        assert audit_summary(event(Action.SUBMIT, assignee=qa_lead.username)).endswith("Elena Neri")
        changed = audit_summary(event(Action.SUBMIT, agent=[agent.username, other_team_agent.username]))
        assert "Anna Rossi" in changed and agent.username not in changed


def test_the_review_page_passes_names_and_scales_loaded_once() -> None:
    from types import SimpleNamespace

    fb = SimpleNamespace(criteria_titles={"7": "Right SOP"}, binary_criteria={"7"}, names={"elena": "Elena Neri"})
    with translation.override("fr"):
        assert audit_summary(event(Action.SAVE, ratings={"7": [0, 1]}), fb) == "Right SOP\u00a0: Non → Oui"
        assert audit_summary(event(Action.SUBMIT, assignee="elena"), fb).endswith("Elena Neri")
