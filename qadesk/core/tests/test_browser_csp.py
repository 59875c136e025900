"""Every main page, as each persona, in a real Chromium under qadesk's Content-Security-Policy: the browser reports no
violation (no inline script or style, no eval; htmx swaps and the charts included)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.utils import timezone

from qadesk.accounts.models import OrgSettings, User
from qadesk.accounts.services import api_token_create
from qadesk.calibration.services import calibration_session_create
from qadesk.demo.services import demo_load
from qadesk.disputes.services import ContestedCriterion, dispute_open
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review, ReviewStatus
from qadesk.reviews.services import review_create
from qadesk.sampling.services import sampling_plan_create
from qadesk.scorecards.models import ScorecardVersion

ARTIFACTS = Path(django_settings.BASE_DIR).parent / "test-artifacts"
# Pages whose look changed with the policy (inline styles became classes and SVG bars): screenshots to look at.
SHOTS = {("admin", "/account/"), ("qa", "/disputes/dashboard/"), ("qa", "/calibration/reviewers/reviewer1/")}
# Reports the violations the page saw; Playwright's init scripts run through DevTools, so CSP does not block this one.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def _pages(objects: dict[str, Any]) -> dict[str, list[str]]:
    everyone = [
        "/interactions/",
        f"/interactions/{objects['interaction']}/",
        "/reviews/",
        "/reports/quality/?date_from=2000-01-01",
        "/reports/statistics/",
        "/notifications/",
        "/account/",
        "/account/password/",
    ]
    leads = [f"/reviews/{objects['review']}/", "/disputes/", "/disputes/dashboard/", f"/disputes/{objects['dispute']}/"]
    reviewers = [
        "/reviews/queue/",
        f"/reviews/{objects['draft']}/edit/",
        "/sampling/",
        f"/sampling/{objects['plan']}/",
        "/calibration/",
        f"/calibration/{objects['session']}/",
        f"/calibration/{objects['session']}/results/",
    ]
    return {
        "admin": [
            *everyone,
            *leads,
            "/account/settings/",
            "/admin/",
            "/admin/accounts/user/",
            f"/admin/accounts/user/{objects['admin']}/change/",
        ],
        "qa": [*everyone, *leads, *reviewers[2:], "/sampling/new/", "/calibration/new/", "/calibration/reviewers/reviewer1/"],
        "reviewer1": [
            *everyone,
            *reviewers,
            f"/reviews/{objects['own_review']}/",
            f"/calibration/{objects['session']}/items/{objects['item']}/score/",
        ],
        "lead.milano": [*everyone, *leads],
        "agent.it": [
            *everyone,
            f"/reviews/{objects['review']}/",
            "/reviews/mine/",
            f"/disputes/{objects['dispute']}/",
            f"/disputes/open/{objects['disputable']}/",
        ],
        "manager": [*everyone, *leads],
    }


def _data() -> dict[str, Any]:
    demo_load(interactions=300, reviews=150, days=20, seed=7)
    OrgSettings.objects.filter(pk=1).update(dispute_window_days=365)
    users = {u.username: u for u in User.objects.all()}
    version = ScorecardVersion.objects.filter(published_at__isnull=False).latest("pk")
    agent_reviews = Review.objects.filter(agent__user=users["agent.it"], status=ReviewStatus.SUBMITTED).order_by("-pk")
    disputed, disputable = agent_reviews[0], agent_reviews[1]
    criterion = version.sections.first().criteria.first()  # type: ignore[union-attr]
    dispute = dispute_open(
        review=disputed, actor=users["agent.it"], argument="I did follow the SOP", items=[ContestedCriterion(criterion.pk)]
    )
    fresh = Interaction.objects.exclude(reviews__isnull=False).order_by("-pk")
    draft = review_create(interaction=fresh[0], actor=users["reviewer1"])
    session = calibration_session_create(
        actor=users["qa"],
        title="CSP calibration",
        scorecard_version=version,
        interactions=list(fresh[1:3]),
        participants=[users["reviewer1"], users["reviewer2"]],
        deadline=timezone.now() + timedelta(days=3),
        blind=False,
    )
    plan = sampling_plan_create(
        actor=users["qa"], reviewers=[users["reviewer1"]], name="Weekly", n_per_agent=2, period="week", seed=1, due_days=3
    )
    own_review = Review.objects.filter(reviewer=users["reviewer1"], status=ReviewStatus.SUBMITTED).first()
    for user in users.values():
        api_token_create(user=user, name="laptop")
    return {
        "interaction": disputed.interaction_id,
        "review": disputed.pk,
        "dispute": dispute.pk,
        "disputable": disputable.pk,
        "draft": draft.pk,
        "session": session.pk,
        "item": session.items.first().pk,
        "plan": plan.pk,
        "admin": users["admin"].pk,
        "own_review": own_review.pk,  # type: ignore[union-attr]
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_content_security_policy_for_any_persona(browser: Any, live_server: Any) -> None:
    pages = _pages(_data())
    connections.close_all()  # the live server's thread opens its own; leave none held by this one (PostgreSQL)
    problems: list[str] = []
    for username, paths in pages.items():
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
        context.add_init_script(LISTEN)
        page = context.new_page()
        page.on("console", lambda m, who=username: "Content Security Policy" in m.text and problems.append(f"{who}: {m.text}"))
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "demo")
        page.click("button[type=submit]")
        page.wait_for_url("**/interactions/")
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (username, path, response and response.status)
            assert "script-src 'self'" in (response.header_value("content-security-policy") or "")
            page.wait_for_load_state("networkidle")  # htmx's loads (the bell), charts
            problems.extend(f"{username} {path}: {v}" for v in page.evaluate("window.__csp"))
            if (username, path) in SHOTS:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"csp-{username}-{path.strip('/').replace('/', '-')}.png"), full_page=True)
        context.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_anonymous_pages_satisfy_the_content_security_policy_too(browser: Any, live_server: Any) -> None:
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(LISTEN)
    page = context.new_page()
    seen: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and seen.append(m.text))
    for path in ["/login/", "/password-reset/", "/password-reset/sent/", "/password-reset/x/y/", "/admin/login/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if path == "/login/":
            assert page.evaluate("typeof window.htmx") == "object"  # htmx ran (and was told to add no style)
        seen += page.evaluate("window.__csp")
    assert seen == []
    context.close()
