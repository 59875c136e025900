"""Calibration pages: who sees what, scoring through the form, results equal to the selector, agreed answers, closing."""

from datetime import timedelta

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qadesk.calibration.models import AgreedAnswer, CalibrationScore, CalibrationSession, SessionStatus
from qadesk.calibration.selectors import calibration_results
from qadesk.calibration.services import calibration_score_submit
from qadesk.calibration.tests.helpers import criteria, top_ratings

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scored(session, default_scorecard, reviewer, reviewer2, expert):
    """Everyone scores both items; dario is lenient nowhere and strict on empathy of item 1."""
    first, second = session.items.all()
    for actor, item, overrides in [
        (expert, first, {}),
        (reviewer, first, {"empathy": 3}),
        (reviewer2, first, {}),
        (expert, second, {}),
        (reviewer, second, {}),
        (reviewer2, second, {"right_label": 0}),
    ]:
        calibration_score_submit(item=item, actor=actor, ratings=top_ratings(default_scorecard, **overrides))
    return session


@pytest.mark.parametrize(
    ("persona", "status"),
    [("qa_lead", 200), ("manager", 200), ("reviewer", 200), ("team_lead", 404), ("agent_user", 404), ("outsider", 404)],
)
def test_it_shows_the_session_and_results_only_to_those_who_may_see_them(request, session, persona, status) -> None:
    if persona == "outsider":
        from qadesk.accounts.models import Role
        from qadesk.testing import factories as f

        user = f.make_user("olga", Role.REVIEWER)
    else:
        user = request.getfixturevalue(persona)
    client = _client(user)
    assert client.get(reverse("calibration:detail", args=[session.pk])).status_code == status
    assert client.get(reverse("calibration:results", args=[session.pk])).status_code == status
    listing = client.get(reverse("calibration:list"))
    assert listing.status_code == 200
    assert (session.title in listing.content.decode()) is (status == 200)


def test_it_offers_new_session_to_qa_leads_only(qa_lead, reviewer) -> None:
    assert reverse("calibration:create") in _client(qa_lead).get(reverse("calibration:list")).content.decode()
    assert reverse("calibration:create") not in _client(reviewer).get(reverse("calibration:list")).content.decode()
    assert _client(reviewer).get(reverse("calibration:create")).status_code == 403


def test_it_opens_a_session_from_external_ids_and_ticked_interactions(
    qa_lead, reviewer, reviewer2, expert, default_scorecard, interaction, other_interaction
) -> None:
    response = _client(qa_lead).post(
        reverse("calibration:create"),
        {
            "title": "December <b>calibration</b>",
            "scorecard_version": default_scorecard.pk,
            "interaction_refs": interaction.external_id,
            "interactions": [other_interaction.pk],
            "participants": [reviewer.pk, reviewer2.pk],
            "benchmark_reviewer": expert.pk,
            "deadline": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "blind": "on",
        },
    )
    session = CalibrationSession.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("calibration:detail", args=[session.pk])
    assert [i.interaction_id for i in session.items.all()] == [interaction.pk, other_interaction.pk]
    assert set(session.participants.values_list("username", flat=True)) == {"dario", "gina", "ines"}
    assert session.blind and not session.hide_agent
    page = _client(qa_lead).get(response.url).content.decode()
    assert "December &lt;b&gt;calibration&lt;/b&gt;" in page and "<b>calibration</b>" not in page


def test_it_says_which_interaction_references_are_unknown(qa_lead, reviewer, reviewer2, default_scorecard) -> None:
    response = _client(qa_lead).post(
        reverse("calibration:create"),
        {
            "title": "x",
            "scorecard_version": default_scorecard.pk,
            "interaction_refs": "NOPE-1",
            "participants": [reviewer.pk, reviewer2.pk],
            "deadline": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "No interaction found for: NOPE-1" in response.content.decode()
    assert not CalibrationSession.objects.exists()


def test_it_shows_the_service_error_when_the_deadline_is_past(
    qa_lead, reviewer, reviewer2, default_scorecard, interaction
) -> None:
    response = _client(qa_lead).post(
        reverse("calibration:create"),
        {
            "title": "x",
            "scorecard_version": default_scorecard.pk,
            "interaction_refs": str(interaction.pk),
            "participants": [reviewer.pk, reviewer2.pk],
            "deadline": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "The deadline must be in the future." in response.content.decode()


def test_it_lets_a_participant_score_an_item_and_moves_to_the_next(session, reviewer, default_scorecard) -> None:
    first, second = session.items.all()
    client = _client(reviewer)
    url = reverse("calibration:score", args=[session.pk, first.pk])
    page = client.get(url).content.decode()
    assert "data-scoring" in page and "guidance" in page
    data = {f"c{pk}_value": "na" if value is None else str(value) for pk, value in top_ratings(default_scorecard).items()}
    response = client.post(url, {**data, "comment": "fine"})
    assert response.url == reverse("calibration:score", args=[session.pk, second.pk])
    score = CalibrationScore.objects.get(reviewer=reviewer)
    assert score.item == first and score.comment == "fine"
    assert score.ratings.count() == len(data)
    # Scoring twice is refused: back to the session with a message.
    assert client.get(url).url == reverse("calibration:detail", args=[session.pk])


def test_it_asks_for_every_criterion(session, reviewer, default_scorecard) -> None:
    first = session.items.first()
    data = {f"c{pk}_value": str(value) for pk, value in list(top_ratings(default_scorecard).items())[1:]}
    response = _client(reviewer).post(reverse("calibration:score", args=[session.pk, first.pk]), data)
    assert response.status_code == 200
    assert "Choose a rating (or N/A)." in response.content.decode()
    assert not CalibrationScore.objects.exists()


def test_it_refuses_the_score_page_to_non_participants(session, qa_lead, manager) -> None:
    item = session.items.first()
    for user in (qa_lead, manager):
        assert _client(user).get(reverse("calibration:score", args=[session.pk, item.pk])).status_code == 404


def test_it_hides_the_agents_name_from_participants(session, reviewer, qa_lead, interaction) -> None:
    name = str(interaction.agent)
    item = session.items.get(interaction=interaction)
    assert session.hide_agent
    for url in (reverse("calibration:detail", args=[session.pk]), reverse("calibration:score", args=[session.pk, item.pk])):
        assert name not in _client(reviewer).get(url).content.decode()
    assert name in _client(qa_lead).get(reverse("calibration:detail", args=[session.pk])).content.decode()


def test_it_shows_each_participants_progress(scored, qa_lead) -> None:
    page = _client(qa_lead).get(reverse("calibration:detail", args=[scored.pk])).content.decode()
    assert page.count("2/2") == 3


def test_it_shows_the_figures_of_the_selector(scored, qa_lead) -> None:
    results = calibration_results(session=scored, actor=qa_lead)
    page = _client(qa_lead).get(reverse("calibration:results", args=[scored.pk])).content.decode()
    for level in results["overall"]["by_level"]:
        assert level["alpha"] is not None and floatformat(level["alpha"], 3) in page
    assert floatformat(results["overall"]["review_score"]["alpha"], 3) in page
    assert f"{floatformat(results['overall']['percent_agreement'], 1)} %" in page
    assert "nominal (4 criteria)" in page and "ordinal (6 criteria)" in page and "Fleiss" in page
    for row in results["criteria"]:
        if row["alpha"] is not None:
            assert floatformat(row["alpha"], 3) in page
    dario = next(r for r in results["reviewers"] if r["reviewer"] == "dario")
    assert floatformat(dario["mean_deviation"], 1) in page
    assert floatformat(dario["leniency"], 1) in page
    assert floatformat(dario["alignment"], 1) in page
    # Criteria worst first, as the selector orders them.
    codes = [row["code"] for row in results["criteria"]]
    positions = [page.index(f'data-criterion="{code}"') for code in codes]
    assert positions == sorted(positions)


def test_it_keeps_a_blind_session_blind_on_the_results_page(session, reviewer, reviewer2, default_scorecard) -> None:
    first = session.items.first()
    calibration_score_submit(item=first, actor=reviewer2, ratings=top_ratings(default_scorecard))
    page = _client(reviewer).get(reverse("calibration:results", args=[session.pk])).content.decode()
    assert "This session is blind" in page
    assert 'data-reviewer="gina"' not in page
    assert "Agreed answers" not in page


def test_it_records_agreed_answers_and_closes(scored, qa_lead, default_scorecard) -> None:
    empathy = criteria(default_scorecard)["empathy"]
    item = scored.items.first()
    client = _client(qa_lead)
    response = client.post(reverse("calibration:agreed", args=[scored.pk]), {f"a{item.pk}_{empathy.pk}": "4"})
    assert response.url == reverse("calibration:results", args=[scored.pk])
    answer = AgreedAnswer.objects.get()
    assert (answer.item, answer.criterion, answer.value, answer.set_by) == (item, empathy, 4, qa_lead)
    page = client.get(response.url).content.decode()
    assert "Benchmark: the agreed answers" in page
    close = reverse("calibration:close", args=[scored.pk])
    client.post(close, {"note": "Empathy guidance unclear", "scorecard_revision_note": ""})
    scored.refresh_from_db()
    assert scored.status == SessionStatus.CLOSED and scored.note == "Empathy guidance unclear"


def test_it_clears_an_agreed_answer_with_the_button_beside_it(scored, qa_lead, default_scorecard) -> None:
    empathy, item = criteria(default_scorecard)["empathy"], scored.items.first()
    client = _client(qa_lead)
    results = reverse("calibration:results", args=[scored.pk])
    clear = reverse("calibration:agreed_clear", args=[scored.pk])
    assert f'formaction="{clear}"' not in client.get(results).content.decode()  # nothing agreed, nothing to clear
    client.post(reverse("calibration:agreed", args=[scored.pk]), {f"a{item.pk}_{empathy.pk}": "4"})
    page = client.get(results).content.decode()
    assert page.count(f'formaction="{clear}"') == 1 and f'name="clear" value="a{item.pk}_{empathy.pk}"' in page
    response = client.post(clear, {"clear": f"a{item.pk}_{empathy.pk}", f"a{item.pk}_{empathy.pk}": "4"}, follow=True)
    assert response.redirect_chain == [(results, 302)] and "Agreed answer cleared." in response.content.decode()
    assert not AgreedAnswer.objects.exists()
    assert client.post(clear, {"clear": "nonsense"}).status_code == 404


def test_it_refuses_agreed_answers_and_closing_to_participants(scored, reviewer) -> None:
    client = _client(reviewer)
    assert client.post(reverse("calibration:agreed", args=[scored.pk]), {}).status_code == 403
    assert client.post(reverse("calibration:agreed_clear", args=[scored.pk]), {"clear": "a1_1"}).status_code == 403
    assert client.post(reverse("calibration:close", args=[scored.pk]), {}).status_code == 403
    assert client.get(reverse("calibration:close", args=[scored.pk])).status_code == 405


def test_it_requires_the_csrf_token(scored, qa_lead) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(qa_lead)
    assert client.post(reverse("calibration:close", args=[scored.pk]), {}).status_code == 403
    scored.refresh_from_db()
    assert scored.status == SessionStatus.OPEN


@pytest.mark.parametrize(("persona", "status"), [("qa_lead", 200), ("manager", 200), ("reviewer2", 404), ("agent_user", 404)])
def test_it_shows_a_reviewers_record_to_leads_and_managers(request, scored, persona, status) -> None:
    user = request.getfixturevalue(persona)
    response = _client(user).get(reverse("calibration:reviewer", args=["dario"]))
    assert response.status_code == status
    if status == 200:
        assert scored.title in response.content.decode()
        assert "Leniency trend" in response.content.decode()


def test_it_pins_the_queries_of_the_session_page(scored, qa_lead, django_assert_num_queries) -> None:
    client = _client(qa_lead)
    url = reverse("calibration:detail", args=[scored.pk])
    client.get(url)
    with django_assert_num_queries(8):
        client.get(url)


def test_it_pins_the_queries_of_the_results_page(scored, qa_lead, django_assert_num_queries) -> None:
    client = _client(qa_lead)
    url = reverse("calibration:results", args=[scored.pk])
    client.get(url)
    with django_assert_num_queries(18):
        client.get(url)
