"""The page walk the browser tests share: demo data shaped like a real helpdesk export, and every page each persona can
reach (lists, details with a long transcript, forms, reports, calibration, sampling, disputes, account, settings).

qadesk/core/tests/test_browser_csp.py walks it for Content-Security-Policy violations, test_browser_layout.py for
horizontal overflow at phone width in Italian and French.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from qadesk.accounts.models import Agent, OrgSettings, User
from qadesk.accounts.services import api_token_create
from qadesk.calibration.services import calibration_session_create
from qadesk.competence.models import Course
from qadesk.competence.services import training_session_save
from qadesk.complaints.models import Complaint
from qadesk.demo.services import demo_load
from qadesk.disputes.services import ContestedCriterion, dispute_open
from qadesk.imports.services import interactions_import
from qadesk.interactions.models import Interaction, Sop
from qadesk.reviews.models import Review, ReviewStatus
from qadesk.reviews.services import review_create
from qadesk.sampling.services import sampling_plan_create, sampling_plan_run
from qadesk.scorecards.models import ScorecardVersion
from qadesk.surveys.models import Survey

PASSWORD = "demo"
# Where a login lands: the home page, "/" and nothing after it.
HOME_URL = re.compile(r"^https?://[^/]+/$")
# Reports the violations the page saw; Playwright's init scripts run through DevTools, so CSP does not block this one.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""
# What real exports carry and a layout must survive: unbroken tokens longer than a phone is wide.
LONG_URL = (
    "https://track.example-logistics.eu/shipments/IT/MI/2026/000000912873465/"
    "events?ref=ORD-2026-11-77341298&session=7f3c2a9e4b1d48f0a6c2e9d7b5a3f1c0&utm_source=helpdesk"
)
LONG_WORD = "Rimborsoparzialeperarticolodanneggiatoduranteiltrasportonumeroordine77341298" * 2
LONG_NAME = "Maria Antonietta Giuseppina Bevilacqua-Castelfranchi della Rovere di Montefeltro"


def walk_data() -> dict[str, Any]:
    """Load the demo operation plus one long transcript and the objects the pages need; returns their ids."""
    demo_load(interactions=300, reviews=150, days=20, seed=7)
    OrgSettings.objects.filter(pk=1).update(dispute_window_days=365)
    users = {u.username: u for u in User.objects.all()}
    version = ScorecardVersion.objects.filter(published_at__isnull=False).latest("pk")
    # The demo's own story already disputed some of agent.it's reviews: the walk disputes one that is still free.
    # Of a contact of the agent's own team: one reassigned to them from the other team is not their team lead's to see.
    agent_reviews = Review.objects.filter(
        agent__user=users["agent.it"],
        status=ReviewStatus.SUBMITTED,
        disputes__isnull=True,
        scores_locked=False,
        interaction__team_id=F("agent__team_id"),
    ).order_by("-pk")
    disputed, disputable = agent_reviews[0], agent_reviews[1]
    criterion = version.sections.first().criteria.first()  # type: ignore[union-attr]
    assert criterion is not None, "the demo scorecard has criteria"
    dispute = dispute_open(
        review=disputed,
        actor=users["agent.it"],
        argument=f"I did follow the SOP: {LONG_URL} {LONG_WORD}",
        items=[ContestedCriterion(criterion.pk)],
    )
    long_one = _long_transcript_import(disputed.interaction)
    fresh = Interaction.objects.exclude(reviews__isnull=False).exclude(pk=long_one.pk).order_by("-pk")
    draft = review_create(interaction=long_one, actor=users["reviewer1"])
    session = calibration_session_create(
        actor=users["qa"],
        title="Calibrazione settimanale del team Milano Ordini e Lyon Livraisons",
        scorecard_version=version,
        interactions=list(fresh[1:3]),
        participants=[users["reviewer1"], users["reviewer2"]],
        deadline=timezone.now() + timedelta(days=3),
        blind=False,
    )
    plan = sampling_plan_create(
        actor=users["qa"],
        reviewers=[users["reviewer1"], users["reviewer2"]],
        name="Campionamento settimanale per agente",
        n_per_agent=2,
        period="week",
        seed=1,
        due_days=3,
    )
    run = sampling_plan_run(plan=plan, actor=users["qa"])
    assert run is not None and run.job_id is not None, "the walk needs a sampling run and its job"
    own_review = Review.objects.filter(reviewer=users["reviewer1"], status=ReviewStatus.SUBMITTED).first()
    course = Course.objects.order_by("code").first()
    assert course is not None, "the demo has a training catalogue"
    today = timezone.localdate()
    training = training_session_save(
        actor=users["qa"],
        course=course,
        starts_on=today,
        ends_on=today + timedelta(days=1),
        trainer=LONG_NAME,
        place=LONG_WORD[:150],
    )
    for user in users.values():
        api_token_create(user=user, name="laptop")
    return {
        "interaction": disputed.interaction_id,
        "long": long_one.pk,
        "review": disputed.pk,
        "dispute": dispute.pk,
        "disputable": disputable.pk,
        "draft": draft.pk,
        "session": session.pk,
        "item": session.items.first().pk,  # type: ignore[union-attr]
        "plan": plan.pk,
        "run": run.pk,
        "job": run.job_id,
        "admin": users["admin"].pk,
        "sop": Sop.objects.order_by("code").values_list("pk", flat=True)[0],
        "own_review": own_review.pk,  # type: ignore[union-attr]
        "survey": Survey.objects.order_by("pk").values_list("pk", flat=True)[0],
        "open_survey": Survey.objects.filter(open_link=True).order_by("pk").values_list("pk", flat=True)[0],
        "complaint": Complaint.objects.order_by("pk").values_list("pk", flat=True)[0],
        "training_session": training.pk,
    }


def _long_transcript_import(like: Interaction) -> Interaction:
    """A 72-message chat as a helpdesk exports it, with a long URL, an unbroken word and long names, handled by the
    agent of `like` (agent.it, so every persona sees it); imported through the import service like any export."""
    assert like.agent_id is not None, "the disputed review's interaction has an agent"
    agent = Agent.objects.get(pk=like.agent_id)
    Agent.objects.filter(pk=agent.pk).update(display_name=LONG_NAME)
    start = timezone.now() - timedelta(days=2)
    lines = [
        "Buongiorno, il mio ordine non è ancora arrivato e il tracciamento dice consegnato.",
        f"Ecco il link del corriere: {LONG_URL}",
        f"Riferimento che mi hanno dato al telefono: {LONG_WORD}",
        "Capisco, mi scusi per il disagio. Verifico subito con il magazzino e con il corriere.",
    ]
    messages = [
        {
            "author": "agent" if i % 2 else "customer",
            "agent": agent.username if i % 2 else None,
            "at": (start + timedelta(minutes=i)).isoformat(),
            "body": lines[i % len(lines)],
        }
        for i in range(72)
    ]
    # An e-mail's HTML body (sanitised, its quoted history folded) with a table wider than a phone.
    messages[2] |= {"format": "html", "body": HTML_EMAIL}
    record = {
        "external_id": "ZD-2026-000000912873465-REOPENED-ESCALATION-LEVEL-2",
        "source": "zendesk",
        "channel": "chat",
        "language": "it",
        "subject": f"Ordine consegnato ma mai ricevuto — richiesta rimborso {LONG_WORD}",
        "created_at": start.isoformat(),
        "first_reply_at": (start + timedelta(minutes=1)).isoformat(),
        "resolved_at": (start + timedelta(minutes=72)).isoformat(),
        "customer": LONG_NAME,
        "customer_segment": "Premium",
        "agents": [agent.username],
        "team": like.team.name if like.team else None,
        "site": like.site.name if like.site else None,
        "label": like.label.code if like.label else None,
        "sop": like.sop.code if like.sop else None,  # shown beside the transcript on the scoring screen
        "messages": messages,
    }
    report = interactions_import(rows=[(1, record)])
    assert report.committed, report.errors
    return Interaction.objects.get(external_id=record["external_id"])


HTML_EMAIL = (
    '<p style="color:red">Buongiorno, <b>allego</b> la ricevuta.</p>'
    "<table><tr>" + "".join(f"<td>{LONG_WORD[:30]}</td>" for _ in range(6)) + "</tr></table>"
    '<div class="gmail_quote">Il giorno lunedì il servizio clienti ha scritto:<blockquote>Gentile cliente, '
    f"{LONG_WORD}</blockquote></div>"
)


def walk_pages(objects: dict[str, Any]) -> dict[str, list[str]]:
    """The pages each persona walks, reached by URL: one persona per role, every page type they can open."""
    o = objects
    everyone = [
        "/",
        "/interactions/",
        f"/interactions/{o['interaction']}/",
        f"/interactions/{o['long']}/",
        "/reviews/",
        "/reports/quality/?date_from=2000-01-01",
        "/reports/statistics/",
        "/notifications/",
        "/account/",
        "/account/password/",
        "/autoqa/?by=agent",
    ]
    leads = [f"/reviews/{o['review']}/", "/disputes/", "/disputes/dashboard/", f"/disputes/{o['dispute']}/"]
    sampling = [
        "/sampling/",
        f"/sampling/{o['plan']}/",
        f"/sampling/{o['plan']}/coverage/",
        f"/sampling/runs/{o['run']}/",
    ]
    calibration = ["/calibration/", f"/calibration/{o['session']}/", f"/calibration/{o['session']}/results/"]
    operations = ["/operations/", "/operations/?by=week", "/operations/targets/", "/operations/staffing/", "/operations/loyalty/"]
    competence = ["/competence/", "/competence/?by=team", "/competence/results/"]
    customers = [
        "/surveys/",
        f"/surveys/{o['survey']}/",
        "/surveys/gap/?by=agent",
        "/surveys/follow-up/",
        "/complaints/",
        "/complaints/report/",
        f"/complaints/{o['complaint']}/",
    ]
    return {
        "admin": [
            *everyone,
            *leads,
            "/account/settings/",
            "/connectors/",
            "/connectors/new/",
            "/imports/",
            "/account/people/",
            "/custom-fields/",
            "/custom-fields/new/?key=region",
            "/admin/",
            "/admin/accounts/user/",
            f"/admin/accounts/user/{o['admin']}/change/",
            "/competence/settings/",
            "/costs/",
            "/costs/data/",
        ],
        "qa": [
            *everyone,
            *leads,
            *sampling,
            f"/sampling/jobs/{o['job']}/",
            f"/sampling/{o['plan']}/edit/",
            "/sampling/new/",
            *calibration,
            "/calibration/new/",
            "/calibration/reviewers/reviewer1/",
            "/sops/",
            "/sops/new/",
            "/labels/",
            f"/sops/{o['sop']}/",
            "/scorecards/",
            *operations,
            "/phone/",
            "/phone/?by=interval&interval_minutes=30",
            "/reliability/",
            "/operations/staffing/?calls=100&interval_minutes=30&aht_seconds=180&target_seconds=20&target_level=80",
            "/imports/",
            *customers,
            f"/surveys/{o['open_survey']}/embed/",
            "/complaints/new/",
            f"/complaints/{o['complaint']}/edit/",
            *competence,
            "/competence/completions/new/",
            "/competence/sessions/",
            f"/competence/sessions/{o['training_session']}/",
            "/autoqa/",
            "/autoqa/criteria/",
            "/autoqa/criteria/new/",
            "/autoqa/classifier/",
        ],
        "reviewer1": [
            *everyone,
            "/reviews/queue/",
            f"/reviews/{o['draft']}/edit/",
            *sampling,
            *calibration,
            f"/reviews/{o['own_review']}/",
            f"/calibration/{o['session']}/items/{o['item']}/score/",
        ],
        "lead.milano": [*everyone, *leads, *operations, "/surveys/", "/surveys/gap/", "/surveys/follow-up/", "/complaints/"],
        "agent.it": [
            *everyone,
            f"/reviews/{o['review']}/",
            "/reviews/mine/",
            f"/disputes/{o['dispute']}/",
            f"/disputes/open/{o['disputable']}/",
            "/competence/",
        ],
        "manager": [
            *everyone,
            *leads,
            *competence,
            "/executive/",
            "/executive/?period=week",
            "/executive/targets/",
            "/executive/digest/",
        ],
    }


# Error pages, by the persona that meets them and the status they answer.
ERROR_PAGES: dict[str, list[tuple[str, int]]] = {
    "agent.it": [
        ("/account/settings/", 403),
        ("/interactions/999999999/", 404),
        ("/executive/", 404),
        ("/autoqa/jobs/1/", 404),
        ("/autoqa/criteria/", 404),
        ("/autoqa/classifier/", 404),
    ],
}


def login(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page (as a demo persona unless another password is given)."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(HOME_URL)  # login lands on the home page
