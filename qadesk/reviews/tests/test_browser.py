"""Smoke test in a real browser: a reviewer logs in, scores an interaction and sees the score."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections

from qadesk.accounts.models import Role
from qadesk.reviews.models import Review
from qadesk.testing import factories as f
from qadesk.testing.walk import HOME_URL

ARTIFACTS = Path(django_settings.BASE_DIR).parent / "test-artifacts"


@pytest.fixture
def page(browser: Any) -> Any:
    return browser.new_page(viewport={"width": 1400, "height": 900})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_scores_an_interaction_in_the_browser(page: Any, live_server: Any) -> None:
    from qadesk.scorecards.services import scorecard_install_default

    scorecard_install_default()
    team = f.make_team("Milano Ordini", f.make_site("Milano"))
    f.make_user("dario", Role.REVIEWER)
    interaction = f.make_interaction(
        f.make_agent("a.rossi", team), messages=[("customer", "<b>My parcel</b> is late"), ("agent", "Sorry, checking now.")]
    )
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "dario")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(HOME_URL)  # login lands on the home page
    assert page.eval_on_selector(".sidebar", "e => getComputedStyle(e).position") == "sticky"  # our CSS is served
    assert page.evaluate("typeof window.htmx") == "object"  # and htmx
    page.click(".nav >> text=Interactions")
    page.wait_for_url("**/interactions/")
    page.screenshot(path=str(ARTIFACTS / "01-interactions.png"), full_page=True)

    page.click(f"text={interaction.external_id}")
    page.wait_for_url(f"**/interactions/{interaction.pk}/")
    assert page.locator(".msg-customer .bubble").inner_text() == "<b>My parcel</b> is late"
    page.screenshot(path=str(ARTIFACTS / "02-interaction.png"), full_page=True)

    page.click("text=Review this interaction")
    page.wait_for_url("**/reviews/*/edit/")
    # The top rating of every criterion is the last button before N/A (or the last one).
    for group in page.locator(".rating-group").all():
        numbers = group.locator("input:not(.na)")
        group.locator(f"label[for='{numbers.last.get_attribute('id')}']").click()
    page.screenshot(path=str(ARTIFACTS / "03-review-form.png"), full_page=True)
    page.click("button[name=submit]")
    page.wait_for_url("**/reviews/*/")

    review = Review.objects.get()
    # Under Playwright's greenlet this query got its own connection context; close it or the test database
    # cannot be dropped at the end of the run (PostgreSQL).
    connections.close_all()
    assert review.score == 100.0
    assert page.locator(".score-big").inner_text() == "100"
    assert "Pass" in page.locator(".verdict").inner_text()
    page.screenshot(path=str(ARTIFACTS / "04-review.png"), full_page=True)
    # Let in-flight requests (favicon) finish so the server thread releases its database connection.
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_autosave_after_the_review_was_submitted_elsewhere_says_so_and_stops(page: Any, live_server: Any) -> None:
    from qadesk.reviews.services import review_create, review_save, review_submit
    from qadesk.reviews.tests.helpers import perfect_ratings
    from qadesk.scorecards.services import scorecard_install_default

    version = scorecard_install_default()
    reviewer = f.make_user("dario", Role.REVIEWER)
    review = review_create(interaction=f.make_interaction(f.make_agent("a.rossi")), actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version, empathy=2))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "dario")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(HOME_URL)  # login lands on the home page
    page.goto(f"{live_server.url}/reviews/{review.pk}/edit/")

    review_submit(review=review, actor=reviewer)  # from another tab, while this page is open
    connections.close_all()
    group = page.locator(".rating-group").nth(0)
    group.locator(f"label[for='{group.locator('input:not(.na)').first.get_attribute('id')}']").click()

    status = page.locator("#autosave")
    status.get_by_text("This review was submitted; your last change was not saved.").wait_for(timeout=10_000)
    assert status.locator("a").get_attribute("href") == f"/reviews/{review.pk}/"
    assert page.locator("button[name=submit]").is_disabled() and page.locator("button[name=save]").is_disabled()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "05-autosave-409.png"), full_page=True)
    assert Review.objects.get(pk=review.pk).ratings.filter(value=2).count() == 1  # the click was not saved
    connections.close_all()
    page.wait_for_load_state("networkidle")
