"""The scoring screen in a real browser with a 300-message transcript: search, jumps, folded runs, the message menu,
digits that rate and advance, the live score against the server's, "Submit and next", and the layout at 1440 and 390 px.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from qadesk.accounts.models import Role
from qadesk.reviews.models import Review
from qadesk.reviews.services import assignments_create, review_start
from qadesk.scorecards.models import Criterion
from qadesk.testing import factories as f

ARTIFACTS = Path(django_settings.BASE_DIR).parent / "test-artifacts"
ZEBRA = (5, 151, 290)  # messages that mention the word searched for: in a folded customer run, the middle, a folded agent run


def _messages() -> list[tuple[str, str]]:
    """300 messages: a run of 12 customer lines, 5 system lines, alternating turns, then 20 agent lines in a row."""
    roles = ["customer"] * 12 + ["system"] * 5 + ["customer", "agent"] * 131 + ["agent"] * 21
    assert len(roles) == 300
    return [(role, f"{role} line {n}" + (" about the zebra pattern" if n in ZEBRA else "")) for n, role in enumerate(roles)]


def _scorecard() -> None:
    """A chat-only scorecard (conditions) with N/A, a critical criterion, a fail-section one and a bonus over 100."""
    from qadesk.scorecards.services import scorecard_version_create

    def c(code: str, scale: str, weight: float = 1, **extra: Any) -> dict[str, Any]:
        return {"code": code, "title": {"en": code.replace("_", " ").title()}, "scale": scale, "weight": weight, **extra}

    scorecard_version_create(
        data={
            "code": "chat",
            "name": {"en": "Chat"},
            "conditions": {"channels": ["chat"]},
            "allow_above_100": True,
            "sections": [
                {
                    "code": "process",
                    "title": {"en": "Process"},
                    "criteria": [
                        c("greeting", "binary"),
                        c("verification", "five", 2.5, impact="high", fail_section=True),
                        c("tools", "four", 1.5),
                    ],
                },
                {
                    "code": "conduct",
                    "title": {"en": "Conduct"},
                    "criteria": [
                        c("courtesy", "binary", impact="high", critical=True),
                        c("tone", "ten", 3.33),
                        c("extra_mile", "three", 0.75, bonus=True),
                    ],
                },
            ],
        }
    )


# Keys pressed per criterion, in form order (greeting, verification, tools, courtesy, tone, extra_mile): each digit rates
# and moves on, "n" is N/A. What the server must score for each, worked by hand from FORMULAS.md.
SHEETS = [
    # 100·1 + 75·2.5 + 66.67·1.5 + 100·1 + 70·3.33 + bonus 100·0.75 = 795.6, over 9.33 (not the bonus) = 85.27
    (["1", "4", "3", "1", "7", "3"], 85.27, 0, 0),
    # greeting N/A; verification 1 → 0 fails its section (high): process counts 0 over 2.5 + 1.5; tone 3 → 30 fails (low);
    # bonus N/A: (100·1 + 30·3.33) / 8.33 = 23.998 → 24
    (["n", "1", "4", "1", "3", "n"], 24.0, 1, 1),
    # courtesy 0: critical, the score is 0 whatever else (one high-impact error)
    (["1", "5", "4", "0", "9", "3"], 0.0, 1, 0),
    # top everywhere but tone 9 of 10, and the bonus on top: (1 + 2.5 + 1.5 + 1 + 0.9·3.33 + 0.75)·100 / 9.33 = 104.47,
    # above 100 as this scorecard allows
    (["1", "5", "4", "1", "9", "3"], 104.47, 0, 0),
]


def _login(browser: Any, live_server: Any, width: int, height: int = 900) -> Any:
    page = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB").new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "dario")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _setup() -> list[Any]:
    _scorecard()
    team = f.make_team("Milano Chat", f.make_site("Milano"))
    reviewer = f.make_user("dario", Role.REVIEWER)
    lead = f.make_user("elena", Role.QA_LEAD)
    agent = f.make_agent("a.rossi", team)
    interactions = [f.make_interaction(agent, channel="chat", external_id="LONG-300", messages=_messages())]
    interactions += [f.make_interaction(agent, channel="chat", external_id=f"NEXT-{n}") for n in range(1, len(SHEETS))]
    for days, interaction in enumerate(interactions):
        due = timezone.now() + timedelta(days=days)
        assignments_create(interactions=[interaction], reviewer=reviewer, actor=lead, due_at=due)
    return interactions


def _visible_in_viewport(page: Any, selector: str) -> bool:
    return bool(
        page.eval_on_selector(
            selector,
            "e => { const r = e.getBoundingClientRect();"
            " return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth; }",
        )
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_300_message_transcript_searches_jumps_and_expands(browser: Any, live_server: Any) -> None:
    long = _setup()[0]
    review = review_start(interaction=long, actor=_reviewer())
    page = _login(browser, live_server, 1440)
    page.goto(f"{live_server.url}/reviews/{review.pk}/edit/")
    page.wait_for_selector("[data-transcript-tools]:not([hidden])")

    # Side by side at 1440 px: the scorecard beside the transcript and on screen, nothing wider than the page.
    transcript = page.locator(".pane-transcript").bounding_box()
    scorecard = page.locator(".pane-form").bounding_box()
    assert scorecard["x"] >= transcript["x"] + transcript["width"] and scorecard["y"] < 900
    assert _visible_in_viewport(page, ".pane-form .criterion")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440

    # Folded runs: the middle of the 12 customer lines is hidden until its fold opens.
    assert page.locator(".msg-fold").count() == 3
    assert not page.locator("#message-" + str(_pk(long, 5))).is_visible()
    page.locator(".msg-fold summary").first.click()
    assert page.locator("#message-" + str(_pk(long, 5))).is_visible()
    page.locator(".msg-fold summary").first.click()  # closed again, for the search below

    # Search: three hits highlighted, the counter follows, hits inside folds open them.
    page.fill("[data-ts-input]", "zebra")
    expect(page.locator("mark.ts-hit")).to_have_count(3)
    assert page.locator("[data-ts-count]").inner_text() == "1 of 3"
    assert page.locator("mark.ts-current").is_visible()  # its fold was opened
    page.press("[data-ts-input]", "Enter")
    assert page.locator("[data-ts-count]").inner_text() == "2 of 3"
    page.click("[data-ts-next]")
    assert page.locator("[data-ts-count]").inner_text() == "3 of 3"
    assert page.locator("mark.ts-current").is_visible()  # in the folded agent run at the end
    assert page.locator(f"#message-{_pk(long, 290)} mark.ts-current").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scoring-01-search-1440.png"))
    page.press("[data-ts-input]", "Shift+Enter")
    assert page.locator("[data-ts-count]").inner_text() == "2 of 3"
    page.fill("[data-ts-input]", "no such words")
    expect(page.locator("mark.ts-hit")).to_have_count(0)
    assert page.locator("[data-ts-count]").inner_text() == "No match"

    # Jumps between agent messages move the focus.
    first_agent = _pk(long, 18)
    page.click("[data-jump=first]")
    assert page.evaluate("document.activeElement.id") == f"message-{first_agent}"
    page.click("[data-jump=next]")
    assert page.evaluate("document.activeElement.id") == f"message-{_pk(long, 20)}"
    page.click("[data-jump=next]")
    page.click("[data-jump=prev]")
    assert page.evaluate("document.activeElement.id") == f"message-{_pk(long, 20)}"
    assert _visible_in_viewport(page, f"#message-{_pk(long, 20)}")

    # Expand all opens every fold.
    page.click("[data-expand-all]")
    assert page.locator(".msg-fold details:not([open])").count() == 0
    page.wait_for_load_state("networkidle")
    connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_message_menu_starts_a_review_of_that_message(browser: Any, live_server: Any) -> None:
    long = _setup()[0]
    page = _login(browser, live_server, 1440)
    page.goto(f"{live_server.url}/interactions/{long.pk}/")
    message = page.locator(f"#message-{_pk(long, 18)}")
    button = message.locator("button:has-text('Review this message')")
    assert not button.is_visible()  # no block under every agent message: a menu
    message.locator(".msg-menu summary").click()
    assert button.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scoring-04-message-menu.png"))
    button.click()
    page.wait_for_url("**/reviews/*/edit/")
    review = Review.objects.get(message__isnull=False)
    assert review.message_id == _pk(long, 18)
    assert page.locator(f"#message-{_pk(long, 18)}.msg-focus").count() == 1
    page.wait_for_load_state("networkidle")
    connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_digits_rate_and_advance_and_the_live_score_is_the_servers(browser: Any, live_server: Any) -> None:
    interactions = _setup()
    review = review_start(interaction=interactions[0], actor=_reviewer())
    codes = list(Criterion.objects.filter(section__version=review.scorecard_version).order_by("section__position", "position"))
    page = _login(browser, live_server, 1440)
    page.goto(f"{live_server.url}/reviews/{review.pk}/edit/")
    for number, (keys, expected, high, low) in enumerate(SHEETS):
        page.wait_for_selector("[data-live-score]:not([hidden])")
        page.locator(".rating-group input").first.focus()
        for index, key in enumerate(keys):
            current = page.evaluate("document.activeElement.closest('[data-criterion]').id")
            assert current == f"criterion-{codes[index].pk}"  # the digit before moved here
            page.keyboard.press(key)
        live = page.locator("[data-live-value]").get_attribute("data-value")
        assert float(live) == expected, (number, live)
        assert page.locator("[data-live-high]").inner_text() == str(high)
        assert page.locator("[data-live-low]").inner_text() == str(low)
        page.wait_for_timeout(500)  # the autosave (htmx, on change) settles before the submission
        expect(page.locator(".htmx-request")).to_have_count(0)
        url = page.url
        if number < len(SHEETS) - 1:
            if number == 1:
                page.keyboard.press("Control+Shift+Enter")  # the shortcut for "Submit and next"
            else:
                page.click("button[name=submit_next]")
            page.wait_for_url(lambda u, before=url: u != before and u.endswith("/edit/"))
            # The next item of the queue (due next), not anything else.
            assert f"NEXT-{number + 1}" in page.locator("h1").inner_text()
        else:
            assert page.locator("button[name=submit_next]").count() == 0  # the queue is empty after this one
            page.click("button[name=submit]")
            page.wait_for_url("**/reviews/*/")
    scores = [
        (r.score, r.high_impact_errors, r.low_impact_errors)
        for r in Review.objects.filter(status="submitted").order_by("interaction__created_at", "interaction_id")
    ]
    assert scores == [(expected, high, low) for _, expected, high, low in SHEETS]
    page.wait_for_load_state("networkidle")
    connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_scoring_screen_is_one_column_without_nested_scrolling(browser: Any, live_server: Any) -> None:
    long = _setup()[0]
    review = review_start(interaction=long, actor=_reviewer())
    page = _login(browser, live_server, 390, 844)
    page.goto(f"{live_server.url}/reviews/{review.pk}/edit/")
    page.wait_for_selector("[data-transcript-tools]:not([hidden])")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Transcript first, then the criteria, each as tall as its content: the page scrolls, no box inside it does.
    transcript = page.locator(".pane-transcript").bounding_box()
    scorecard = page.locator(".pane-form").bounding_box()
    assert scorecard["y"] >= transcript["y"] + transcript["height"]
    nested = page.evaluate(
        """() => [...document.querySelectorAll('.main *')].filter(e => {
             const s = getComputedStyle(e);
             return /(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1;
           }).map(e => e.className)"""
    )
    assert nested == []
    assert not page.locator(".kbd-hint").is_visible()  # keyboard hints are no use on a phone
    # The general comment can be brought above the sticky footer.
    page.click("a.comment-link")
    page.wait_for_timeout(300)
    comment = page.locator("#id_comment").bounding_box()
    footer = page.locator(".form-footer").bounding_box()
    assert comment["y"] + comment["height"] <= footer["y"] + 1
    page.locator("#id_comment").fill("Good call overall.")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scoring-02-comment-390.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "scoring-03-top-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.wait_for_load_state("networkidle")
    connections.close_all()


def _reviewer() -> Any:
    from qadesk.accounts.models import User

    return User.objects.get(username="dario")


def _pk(interaction: Any, position: int) -> int:
    return interaction.messages.order_by("position").values_list("pk", flat=True)[position]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_folds_still_open_and_the_message_menu_works(browser: Any, live_server: Any) -> None:
    long = _setup()[0]
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "dario")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/interactions/{long.pk}/")
    assert not page.locator("[data-transcript-tools]").is_visible()  # the tools need JavaScript: hidden without it
    hidden = page.locator(f"#message-{_pk(long, 5)}")
    assert not hidden.is_visible()
    page.locator(".msg-fold summary").first.click()
    assert hidden.is_visible()
    message = page.locator(f"#message-{_pk(long, 20)}")
    message.locator(".msg-menu summary").click()
    message.locator("button:has-text('Review this message')").click()
    page.wait_for_url("**/reviews/*/edit/")
    assert Review.objects.get().message_id == _pk(long, 20)
    assert not page.locator("[data-live-score]").is_visible()  # no live figure without JavaScript; the server scores
    page.wait_for_load_state("networkidle")
    connections.close_all()
