"""Loading the demo contact centre: organisation, interactions (through the import service), reviews."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.analytics.rollup import quality_rollup_rebuild
from qadesk.autoqa.demo import autoqa_demo_prepare
from qadesk.autoqa.label_model import classifier_enqueue
from qadesk.competence.demo import demo_training_create
from qadesk.complaints.demo import demo_complaints_create
from qadesk.core.errors import ApplicationError
from qadesk.costs.demo import demo_costs_create
from qadesk.demo import catalogue as cat
from qadesk.demo.generator import Plan, demo_records, demo_roster
from qadesk.demo.organisation import demo_organisation_create
from qadesk.demo.reviews import demo_reviews_create
from qadesk.demo.story import Progress, StoryResult, demo_story_create, demo_story_delete
from qadesk.demo.targets import demo_targets_create
from qadesk.executive.demo import demo_executive_create
from qadesk.imports.services import interactions_import
from qadesk.interactions.models import Interaction
from qadesk.phoneline.demo import demo_calls_create
from qadesk.reliability.demo import demo_promises_create
from qadesk.reviews.models import Review
from qadesk.surveys.demo import mistaken, surveys_demo_create
from qadesk.surveys.rollup import survey_rollup_rebuild


@dataclass(frozen=True)
class DemoResult:
    """What a demo load wrote."""

    agents: int
    interactions: int
    reviews: int
    story: StoryResult | None = None


def _silent(line: str) -> None:
    """No progress to show."""


def demo_data_exists() -> bool:
    """True when the database already holds interactions (demo or real)."""
    return Interaction.objects.exists()


@transaction.atomic
def demo_load(
    *,
    interactions: int = 20_000,
    days: int = 90,
    reviews: int = 400,
    seed: int = 7,
    end: datetime | None = None,
    replace: bool = False,
    story: bool = True,
    progress: Progress = _silent,
) -> DemoResult:
    """Build the demo operation; with `replace`, earlier demo interactions and their reviews are deleted first.

    `story` adds the first hour's queues, disputes, coaching, calibration and sampling (demo/story.py); `progress` is
    called with a line per stage (and every tenth of the interactions)."""
    if replace:
        _demo_data_delete()
    end = end or timezone.now()
    roster = demo_roster(seed=seed)
    users = demo_organisation_create(roster=roster)
    progress(_("Organisation: {agents} agents, {logins} logins").format(agents=len(roster), logins=len(users)))
    autoqa_demo_prepare()  # the SOPs' steps checkable from the transcripts' actions, before the interactions arrive
    plans: dict[str, Plan] = {}
    step = max(1, interactions // 10)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for line, (record, plan) in enumerate(demo_records(roster=roster, count=interactions, days=days, end=end, seed=seed), 1):
            plans[plan.external_id] = plan
            yield line, record
            if line % step == 0 or line == interactions:
                progress(
                    _("Interactions: {done} of {total} ({percent} %)").format(
                        done=line, total=interactions, percent=round(100 * line / interactions)
                    )
                )

    report = interactions_import(rows=rows())
    if not report.committed:
        problems = "; ".join(f"{e.line} {e.field}: {e.message}" for e in report.errors[:5])
        raise ApplicationError(_("The demo interactions could not be imported: {problems}").format(problems=problems))
    written = demo_reviews_create(plans=plans, roster=roster, users=users, count=reviews, end=end, seed=seed, progress=progress)
    progress(_("Reviews: {n} submitted").format(n=len(written)))
    told = demo_story_create(plans=plans, roster=roster, users=users, end=end, seed=seed, progress=progress) if story else None
    progress(_("Complaints: {n}").format(n=demo_complaints_create(users=users, end=end, seed=seed)))
    progress(_("Training completions: {n}").format(n=demo_training_create(end=end, seed=seed)))
    progress(_("Surveys: {responses} responses").format(**surveys_demo_create(end=end, seed=seed, mistaken=mistaken(plans))))
    # The demo moves its reviews' submission dates into the past (and deleted the previous demo's): rebuild the
    # report's rollup once rather than follow every move.
    quality_rollup_rebuild()
    progress(_("Quality report rebuilt"))
    progress(_("KPI targets: {n}").format(n=demo_targets_create()))
    progress(_("Executive baselines: {n}").format(n=demo_executive_create(end=end, days=days)))
    progress(_("Cost model: {n} months").format(n=demo_costs_create(end=timezone.localdate(end), seed=seed)))
    progress(_("Phone line: {n} calls").format(n=demo_calls_create(end=end, seed=seed)))
    progress(_("Service promises: {n}").format(n=demo_promises_create(seed=seed)))
    # The demo's survey responses, invitations and expectation answers were written in bulk (and the previous demo's
    # deleted): count the survey results' rollup once.
    survey_rollup_rebuild()
    # The contact-reason classifier learns from the demo's labels (5 % of them planted wrong): a job, after the
    # automatic checks the import queued; it then checks every interaction again with the model.
    classifier_enqueue(actor=None, params={"trigger": "demo", "force": True})
    progress(_("Contact-reason classifier: training queued"))
    return DemoResult(
        agents=len(roster),
        interactions=report.created + report.updated,
        reviews=len(written) + (told.reviews if told else 0),
        story=told,
    )


def _demo_data_delete() -> None:
    from qadesk.audit.services import audit_purge_demo, audit_purge_demo_survey_responses
    from qadesk.disputes.models import Dispute
    from qadesk.reviews.models import ReviewRevision

    reviews = Review.objects.filter(interaction__source=cat.SOURCE)
    try:
        demo_story_delete()
        audit_purge_demo(review_ids=list(reviews.values_list("pk", flat=True)))
        audit_purge_demo_survey_responses()
        ReviewRevision.objects.filter(review__in=reviews).delete()
        Dispute.objects.filter(review__in=reviews).delete()
        reviews.delete()
        Interaction.objects.filter(source=cat.SOURCE).delete()
    except ProtectedError as exc:
        raise ApplicationError(_("The demo data is referenced by other records and cannot be replaced.")) from exc
