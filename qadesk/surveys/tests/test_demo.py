"""The demo contact centre gets surveys with a realistic response rate, ratings that follow its planted mistakes."""

from datetime import UTC, datetime

import pytest

from qadesk.accounts.models import Role, User
from qadesk.demo.services import demo_load
from qadesk.surveys.gap_selectors import gap_report
from qadesk.surveys.models import QualityTarget, Survey, SurveyAnswer, SurveyResponse
from qadesk.surveys.selectors import survey_results

pytestmark = pytest.mark.django_db

# A fixed end: the demo's contacts, and so how many are invited and answer, would otherwise follow the clock.
END = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_the_demo_answers_every_kind_of_survey_and_a_reload_adds_no_open_answers() -> None:
    demo_load(interactions=600, reviews=10, days=20, seed=3, story=False, end=END)
    system = User(username="system", role=Role.ADMIN, is_superuser=True)
    results = survey_results(actor=system, survey=Survey.objects.get(kind="post_contact"))
    rate = results.overall.response_rate
    # A realistic rate (the demo answers ANSWER_SHARE = 23 % of the invitations; at this seed and end 25 of 60 answered).
    assert rate is not None and rate.value is not None and 10 <= rate.value <= 50
    ratings = [a.value for a in SurveyAnswer.objects.filter(question__code="csat", response__source="invitation")]
    assert min(ratings) <= 2 and max(ratings) == 5  # type: ignore[type-var]
    for kind in ("relationship", "self_service", "suggestion_box"):
        assert Survey.objects.get(kind=kind).responses.exists(), kind
    _the_gap_panel_has_planned_delivered_and_received_figures(system)
    _some_follow_ups_are_done_in_the_audit_trail_and_some_wait()
    before = SurveyAnswer.objects.filter(response__source="open").count()
    demo_load(interactions=600, reviews=10, days=20, seed=3, story=False, replace=True, end=END)
    assert SurveyAnswer.objects.filter(response__source="open").count() == before
    _some_follow_ups_are_done_in_the_audit_trail_and_some_wait()  # the earlier trail went with its contacts


def _the_gap_panel_has_planned_delivered_and_received_figures(system: User) -> None:
    assert QualityTarget.objects.filter(team=None).count() == 5
    assert QualityTarget.objects.filter(team__name="Lyon Livraisons", figure="iqs").get().value == 80.0
    panel = {
        p.label: {f: (planned, value) for f, planned, value, _change in p.cells}
        for p in gap_report(actor=system, by="team", rating="csat").panel
    }
    assert {"Milano Ordini", "Lyon Livraisons"} <= set(panel)
    for team, cells in panel.items():
        assert cells["iqs"][0] == (80.0 if team == "Lyon Livraisons" else 85.0), team
        assert cells["csat"][0] == 75.0 and cells["nps"][0] == 20.0 and cells["expectations_met"][0] == 80.0
    filled = [cells for cells in panel.values() if all(cells[f][1] is not None for f in ("iqs", "csat", "nps"))]
    assert filled, panel  # at least one team with delivered and received figures from the demo's own data


def _some_follow_ups_are_done_in_the_audit_trail_and_some_wait() -> None:
    from qadesk.audit.models import AuditEvent

    flagged = SurveyResponse.objects.filter(flagged_at__isnull=False)
    done = flagged.filter(followed_up_at__isnull=False)
    assert done.exists() and flagged.filter(followed_up_at__isnull=True).exists()
    assert not flagged.filter(interaction__isnull=True).exists()
    events = AuditEvent.objects.filter(action="follow_up")
    assert events.count() == done.count()
    assert all(e.actor_id == e.survey_response.followup_owner_id for e in events.select_related("survey_response"))
