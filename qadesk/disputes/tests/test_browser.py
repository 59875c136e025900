"""End to end in a real browser: a reviewer scores with the keyboard, the agent disputes two criteria, the QA lead
accepts one, and the agent sees the revised score and the history. Screenshots of each step go to test-artifacts/."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections

from qadesk.accounts.models import Role
from qadesk.disputes.models import Dispute, Outcome
from qadesk.reviews.models import Review
from qadesk.testing import factories as f
from qadesk.testing.walk import HOME_URL

ARTIFACTS = Path(django_settings.BASE_DIR).parent / "test-artifacts"
# Ratings the reviewer gives by keyboard (by criterion code); every other criterion gets its top rating.
LOW = {"empathy": 2, "right_tools": 1}


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


def _score_with_keyboard(page: Any, codes: dict[str, int]) -> None:
    """Tab from radio group to radio group; Space picks the first rating, arrow keys move along the scale."""
    groups = page.locator(".rating-group")
    groups.first.locator("input").first.focus()
    for index in range(groups.count()):
        group = groups.nth(index)
        inputs = group.locator("input:not(.na)")
        values = [int(v) for v in inputs.evaluate_all("els => els.map(e => e.value)")]
        code = codes[group.locator("input").first.get_attribute("name")]
        target = values.index(LOW[code]) if code in LOW else len(values) - 1
        assert page.evaluate("document.activeElement.closest('.rating-group') !== null")
        page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowRight")
        assert group.locator("input:checked").get_attribute("value") == str(values[target])
        if index + 1 < groups.count():
            # Tab on through the criterion's other fields (its details summary) to the next group of ratings.
            for _ in range(10):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.closest('.rating-group') !== null"):
                    break


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_runs_a_dispute_from_scoring_to_the_revised_score(browser: Any, live_server: Any) -> None:
    from qadesk.scorecards.models import Criterion
    from qadesk.scorecards.services import scorecard_install_default

    version = scorecard_install_default()
    codes = {f"c{c.pk}_value": c.code for c in Criterion.objects.filter(section__version=version)}
    team = f.make_team("Milano Ordini", f.make_site("Milano"))
    f.make_user("dario", Role.REVIEWER, first_name="Dario", last_name="Conti")
    f.make_user("elena", Role.QA_LEAD, first_name="Elena", last_name="Ferri")
    alice = f.make_user("alice", Role.AGENT, team, first_name="Alice", last_name="Rossi")
    interaction = f.make_interaction(
        f.make_agent("a.rossi", team, alice),
        messages=[
            ("customer", "My parcel was due on Monday and it still has not arrived."),
            ("agent", "I'm sorry to hear that. I can see it left our warehouse on Friday; let me check with the courier."),
            ("customer", "Please do, I need it for the weekend."),
            ("agent", "The courier confirms delivery tomorrow before noon. I have added a note so they call you first."),
        ],
    )
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The reviewer scores the conversation with the keyboard and submits.
    reviewer = _login(browser, live_server, "dario")
    reviewer.goto(f"{live_server.url}/interactions/{interaction.pk}/")
    reviewer.click("text=Review this interaction")
    reviewer.wait_for_url("**/reviews/*/edit/")
    _score_with_keyboard(reviewer, codes)
    # Let the form's draft autosave (htmx, on change) finish so it does not race the submission.
    reviewer.wait_for_timeout(600)
    # A function, not a bare expression: Playwright evaluates a bare expression again on every poll with
    # eval(), which the page's Content-Security-Policy (no 'unsafe-eval') refuses once polling starts.
    reviewer.wait_for_function("() => !document.querySelector('.htmx-request')")
    _shot(reviewer, "dispute-01-reviewer-scores.png")
    reviewer.locator("button[name=submit]").focus()
    reviewer.keyboard.press("Enter")
    reviewer.wait_for_url("**/reviews/*/")
    original = reviewer.locator(".score-big").inner_text()
    assert float(original) < 100

    # 2. The agent sees it in "My reviews" and opens it.
    agent = _login(browser, live_server, "alice")
    agent.goto(f"{live_server.url}/reviews/mine/")
    assert agent.locator("table .row-link").count() == 1
    agent.wait_for_function("() => document.getElementById('trend-chart') && Chart.getChart('trend-chart') !== undefined")
    _shot(agent, "dispute-02-agent-my-reviews.png")
    agent.click("table .row-link")
    agent.wait_for_url("**/reviews/*/")
    agent.click("button:has-text('I have read it')")
    agent.wait_for_url("**/reviews/*/")
    _shot(agent, "dispute-03-agent-review.png")

    # 3. The agent disputes two criteria, proposing ratings.
    agent.click("a:has-text('Dispute')")
    agent.wait_for_url("**/disputes/open/*/")
    for code, proposal in (("empathy", "5"), ("right_tools", "3")):
        pk = next(name for name, c in codes.items() if c == code)[1:].split("_")[0]
        agent.check(f"#id_c{pk}")
        agent.select_option(f"#id_p{pk}", proposal)
    agent.fill("#id_argument", "I apologised and explained the delay; the refund tool was down that day (<see incident 42>).")
    _shot(agent, "dispute-04-agent-dispute-form.png")
    agent.click("button:has-text('Send the dispute')")
    agent.wait_for_url("**/disputes/*/")
    assert "<see incident 42>" in agent.locator(".argument").inner_text()
    agent.fill("#id_body", "The incident is in the status page log.")
    agent.click("button:has-text('Send')")
    agent.wait_for_url("**/disputes/*/#thread")
    _shot(agent, "dispute-05-agent-dispute.png")

    # 4. The QA lead accepts empathy and rejects right_tools.
    lead = _login(browser, live_server, "elena")
    lead.goto(f"{live_server.url}/disputes/")
    _shot(lead, "dispute-06-qa-lead-list.png")
    lead.click("table .row-link")
    lead.wait_for_url("**/disputes/*/")
    tools_pk = next(name for name, c in codes.items() if c == "right_tools")[1:].split("_")[0]
    empathy_pk = next(name for name, c in codes.items() if c == "empathy")[1:].split("_")[0]
    assert lead.locator("input[type=radio]:checked").count() == 0  # nothing decided beforehand
    lead.click(f"label[for='id_d{empathy_pk}_0']")
    lead.click(f"label[for='id_d{tools_pk}_1']")
    lead.fill("#id_note", "Empathy was there. The tool outage was resolved by 9:00, before this contact.")
    _shot(lead, "dispute-07-qa-lead-decides.png")
    lead.click("button:has-text('Record the decision')")
    lead.wait_for_url("**/disputes/*/")
    assert "Partially accepted" in lead.locator(".verdict").inner_text()
    _shot(lead, "dispute-08-decided.png")
    lead.goto(f"{live_server.url}/disputes/dashboard/")
    _shot(lead, "dispute-09-dashboard.png")

    # 5. The agent sees the revised score and the history.
    agent.goto(f"{live_server.url}/reviews/mine/")
    agent.click("table .row-link")
    agent.wait_for_url("**/reviews/*/")
    assert f"revised from {original}" in agent.locator(".revised-from").inner_text()
    assert agent.locator(".score-big").inner_text() != original
    assert agent.locator("#revisions-title").is_visible()
    assert "revised" in agent.locator("#audit").inner_text()
    _shot(agent, "dispute-10-agent-revised.png")

    review, dispute = Review.objects.get(), Dispute.objects.get()
    connections.close_all()  # see reviews/tests/test_browser.py: release this thread's connection (PostgreSQL)
    assert (review.revision, dispute.outcome) == (2, Outcome.PARTIAL)
    assert review.acknowledged_at is not None
