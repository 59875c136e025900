"""Seed the racing server's database: people, API tokens and one fresh set of objects per round of each race.

Run as a script by the concurrency suite, against the server's own database (its environment says which), with the
server's code on the path; prints one JSON document: tokens and, per race, the ids each round works on. Only
services that exist since the first release are used, so the same seed runs against older code to measure it.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from typing import Any


def main(rounds: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from qadesk.accounts.models import Role
    from qadesk.accounts.services import api_token_create
    from qadesk.calibration.services import calibration_session_create
    from qadesk.disputes.services import ContestedCriterion, dispute_open
    from qadesk.reviews.services import RatingInput, review_create, review_save, review_submit
    from qadesk.sampling.services import sampling_plan_create
    from qadesk.scorecards.models import Criterion
    from qadesk.scorecards.services import scorecard_install_default
    from qadesk.testing import factories as f

    version = scorecard_install_default()
    criteria = list(Criterion.objects.filter(section__version=version).order_by("section__position", "position"))
    empathy = next(c for c in criteria if c.code == "empathy")
    team = f.make_team("Race team", f.make_site("Race site"))
    people = {
        "reviewer": f.make_user("race.reviewer", Role.REVIEWER),
        "reviewer2": f.make_user("race.reviewer2", Role.REVIEWER),
        "qa": f.make_user("race.qa", Role.QA_LEAD),
        "qa2": f.make_user("race.qa2", Role.QA_LEAD),
        "agent": f.make_user("race.agent", Role.AGENT, team),
        "sampler": f.make_user("race.sampler", Role.REVIEWER),
    }
    agent = f.make_agent("race.agent", team, people["agent"])
    tokens = {name: api_token_create(user=user, name="race")[1] for name, user in people.items()}
    reviewer = people["reviewer"]

    def ratings(**overrides: int) -> dict[int, RatingInput]:
        return {c.pk: RatingInput(value=overrides.get(c.code, c.rating_choices()[-1])) for c in criteria}

    def draft() -> int:
        review = review_create(interaction=f.make_interaction(agent), actor=reviewer)
        review_save(review=review, actor=reviewer, ratings=ratings(empathy=2))
        return review.pk

    def submitted() -> int:
        review = review_create(interaction=f.make_interaction(agent), actor=reviewer)
        review_save(review=review, actor=reviewer, ratings=ratings(empathy=2))
        return review_submit(review=review, actor=reviewer).pk

    def disputed() -> dict[str, int]:
        from qadesk.reviews.models import Review

        review = Review.objects.get(pk=submitted())
        dispute = dispute_open(
            review=review, actor=people["agent"], argument="I was kind.", items=[ContestedCriterion(empathy.pk, 5)]
        )
        return {"review": review.pk, "dispute": dispute.pk}

    def session(n: int) -> dict[str, int]:
        s = calibration_session_create(
            actor=people["qa"],
            title=f"Race {n}",
            scorecard_version=version,
            interactions=[f.make_interaction(agent)],
            participants=[reviewer, people["reviewer2"]],
            deadline=timezone.now() + timedelta(days=3),
        )
        return {"session": s.pk, "item": s.items.get().pk}

    def sampling_plan(n: int) -> int:
        plan = sampling_plan_create(
            actor=people["qa"], reviewers=[people["sampler"]], name=f"Race {n}", n_per_agent=2, period="day", seed=n
        )
        return plan.pk

    with transaction.atomic():  # one commit for the whole seed: quicker, and the server sees all of it or nothing
        plan = _plan(rounds, draft, submitted, disputed, session, lambda: f.make_interaction(agent).pk)
        plan["sampling"] = [sampling_plan(n) for n in range(rounds)]
        plan["close_complaint"] = _complaints(rounds, people["qa"])
    out = {
        "tokens": tokens,
        "criteria": [{"id": c.pk, "code": c.code, "choices": list(c.rating_choices())} for c in criteria],
        "empathy": empathy.pk,
        **plan,
    }
    json.dump(out, sys.stdout)


def _complaints(rounds: int, qa: Any) -> list[int]:
    """Complaints in progress, one per round (none where the code has no complaint register: an older checkout)."""
    try:
        from qadesk.complaints.models import ComplaintCategory
        from qadesk.complaints.services import complaint_create, complaint_transition
    except ImportError:
        return []
    category = ComplaintCategory.objects.order_by("code").first() or ComplaintCategory.objects.create(code="race")
    ids = []
    for _ in range(rounds):
        complaint = complaint_create(actor=qa, category=category, description="Race")
        ids.append(complaint_transition(complaint=complaint, actor=qa, status="in_progress").pk)
    return ids


def _plan(rounds: int, draft: Any, submitted: Any, disputed: Any, session: Any, interaction: Any) -> dict[str, list[Any]]:
    """Per race, what each round works on."""
    return {
        "submit_autosave": [draft() for _ in range(rounds)],
        "double_submit": [draft() for _ in range(rounds)],
        "decide": [disputed() for _ in range(rounds)],
        "open_dispute": [submitted() for _ in range(rounds)],
        "calibration": [session(n) for n in range(rounds)],
        "assign": [interaction() for _ in range(rounds)],
        "assign_apart": [interaction() for _ in range(rounds)],
    }


if __name__ == "__main__":
    main(int(sys.argv[1]))
