"""End to end in a real browser: a QA lead opens a calibration session with two participants and a benchmark
reviewer, all three score both interactions, and the results page shows alpha and each reviewer's deviation.
Screenshots of each step go to test-artifacts/calibration-*.png."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.template.defaultfilters import floatformat

from qadesk.accounts.models import Role
from qadesk.calibration.models import CalibrationScore, CalibrationSession
from qadesk.calibration.selectors import calibration_results
from qadesk.testing import factories as f
from qadesk.testing.walk import HOME_URL

ARTIFACTS = Path(django_settings.BASE_DIR).parent / "test-artifacts"


def _login(browser: Any, live_server: Any, username: str) -> Any:
    page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB").new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(HOME_URL)  # login lands on the home page
    return page


def _shot(page: Any, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _score(page: Any, low: dict[int, int]) -> None:
    """Click a rating on every criterion: the top one, or for the n-th criterion in `low` the rating at that index."""
    groups = page.locator("[data-criterion] .rating-group")
    for index in range(groups.count()):
        inputs = groups.nth(index).locator("input:not(.na)")
        target = low.get(index, inputs.count() - 1)
        radio_id = inputs.nth(target).get_attribute("id")
        page.click(f"label[for='{radio_id}']")
    assert page.locator("[data-rated]").inner_text() == str(groups.count())


def _score_all(browser: Any, live_server: Any, username: str, session: CalibrationSession, low: dict[int, int]) -> Any:
    page = _login(browser, live_server, username)
    page.goto(f"{live_server.url}/calibration/{session.pk}/")
    page.locator("a.btn:has-text('Score')").first.click()
    for _n in range(session.items.count()):
        page.wait_for_url("**/score/")
        _score(page, low)
        page.click("button[data-submit]")
    page.wait_for_url(f"**/calibration/{session.pk}/")
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_runs_a_calibration_session_from_opening_to_results(browser: Any, live_server: Any) -> None:
    from qadesk.scorecards.services import scorecard_install_default

    version = scorecard_install_default()
    team = f.make_team("Milano Ordini", f.make_site("Milano"))
    f.make_user("dario", Role.REVIEWER, first_name="Dario", last_name="Conti")
    f.make_user("gina", Role.REVIEWER, first_name="Gina", last_name="Russo")
    f.make_user("ines", Role.REVIEWER, first_name="Ines", last_name="Moretti")
    f.make_user("elena", Role.QA_LEAD, first_name="Elena", last_name="Ferri")
    agent = f.make_agent("a.rossi", team, f.make_user("alice", Role.AGENT, team, first_name="Alice", last_name="Rossi"))
    conversations = [
        [("customer", "My parcel was due on Monday and it has not arrived."), ("agent", "Sorry! It arrives tomorrow.")],
        [("customer", "I want a refund for order 1234."), ("agent", "Refund issued; you will see it in 3 days.")],
    ]
    interactions = [f.make_interaction(agent, messages=m) for m in conversations]
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The QA lead opens the session: two participants and a benchmark reviewer over two interactions.
    lead = _login(browser, live_server, "elena")
    lead.goto(f"{live_server.url}/calibration/")
    lead.click("a:has-text('New session')")
    lead.wait_for_url("**/calibration/new/")
    lead.fill("#id_title", "November calibration")
    lead.select_option("#id_scorecard_version", str(version.pk))
    lead.fill("#id_interaction_refs", ", ".join(i.external_id for i in interactions))
    lead.check("label:has-text('Dario Conti') input")
    lead.check("label:has-text('Gina Russo') input")
    lead.select_option("#id_benchmark_reviewer", label="Ines Moretti")
    lead.fill("#id_deadline", "2099-12-31T18:00")
    _shot(lead, "calibration-01-new-session.png")
    lead.click("button:has-text('Open the session')")
    lead.wait_for_url("**/calibration/*/")
    session = CalibrationSession.objects.get()
    assert session.items.count() == 2 and session.participants.count() == 3
    _shot(lead, "calibration-02-session.png")

    # 2. The benchmark and both participants score both interactions; Dario is strict on the first two criteria.
    _score_all(browser, live_server, "ines", session, {})
    dario = _score_all(browser, live_server, "dario", session, {0: 0, 1: 1})
    gina = _login(browser, live_server, "gina")
    gina.goto(f"{live_server.url}/calibration/{session.pk}/")
    gina.locator("a.btn:has-text('Score')").first.click()
    gina.wait_for_url("**/score/")
    assert "a.rossi" not in gina.locator(".transcript").inner_text().lower()
    _shot(gina, "calibration-03-scoring.png")
    gina = _score_all(browser, live_server, "gina", session, {2: 0})
    assert CalibrationScore.objects.count() == 6
    _shot(dario, "calibration-04-progress.png")

    # 3. The results page shows alpha and the deviations the selector computes.
    lead.goto(f"{live_server.url}/calibration/{session.pk}/results/")
    results = calibration_results(session=session, actor=session.created_by)
    for level in results["overall"]["by_level"]:
        shown = lead.locator(f"[data-level='{level['level']}'] [data-level-alpha]").inner_text()
        assert shown == floatformat(level["alpha"], 3) if level["alpha"] is not None else shown == "—"
    for reviewer in results["reviewers"]:
        row = lead.locator(f"tr[data-reviewer='{reviewer['reviewer']}']")
        assert floatformat(reviewer["mean_deviation"], 1) in row.inner_text()
    assert results["reviewers"][0]["mean_deviation"] > 0  # dario differs from the benchmark
    _shot(lead, "calibration-05-results.png")

    # 4. The QA lead closes the session.
    lead.click("button:has-text('Close session')")
    lead.wait_for_url("**/results/")
    assert "Closed" in lead.locator("h1").inner_text()
    _shot(lead, "calibration-06-closed.png")
