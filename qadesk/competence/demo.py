"""Demo training: a small catalogue, completions for every demo agent (some certifications expired) and the
knowledge criteria marked as competence. The Lyon Livraisons team gets fewer training days — its agents also make more
high-impact errors (demo/generator.py), so the competence page and "training and results" tell one story."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from qadesk.accounts.models import Agent, Team
from qadesk.competence.models import Completion, Course, Source
from qadesk.demo.catalogue import LESS_TRAINED_TEAM
from qadesk.scorecards.models import Criterion

COMPETENCE_CRITERIA = ("right_sop", "right_tools", "workflow")  # knowledge and skill, not manners
# code, name, skill, language, days, required for agents, criteria covered, validity in days
CATALOGUE: tuple[tuple[str, str, str, str, str, bool, tuple[str, ...], int | None], ...] = (
    ("onboarding", "Onboarding", "process", "", "3", True, ("workflow",), None),
    ("sop-basics", "SOP basics", "procedures", "", "2", True, ("right_sop",), 365),
    ("tools-crm", "CRM and tools", "tools", "", "2", True, ("right_tools",), 180),
    ("returns-advanced", "Returns and refunds, advanced", "procedures", "", "1.5", False, ("right_sop", "workflow"), None),
    ("de-escalation", "De-escalation", "communication", "", "1", False, (), None),
)


@transaction.atomic
def demo_training_create(*, end: datetime, seed: int) -> int:
    """Replace the demo's training records; returns how many completions were written."""
    Completion.objects.filter(source=Source.DEMO).delete()
    Criterion.objects.filter(code__in=COMPETENCE_CRITERIA).update(competence=True)
    courses = {}
    for code, name, skill, language, days, required, criteria, validity in CATALOGUE:
        course, _created = Course.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "skill": skill,
                "language": language,
                "days": Decimal(days),
                "required_roles": ["agent"] if required else [],
                "criterion_codes": list(criteria),
                "validity_days": validity,
                "is_active": True,
            },
        )
        courses[code] = course
    returns = Team.objects.filter(name__endswith="Resi").first()
    if returns is not None:  # the returns team must also take the advanced returns course
        courses["returns-advanced"].required_teams.set([returns])
    rng = random.Random(f"training-{seed}")
    today = end.date()
    rows = []
    for agent in Agent.objects.filter(is_bot=False, is_active=True).select_related("team").order_by("username"):
        less = agent.team is not None and agent.team.name == LESS_TRAINED_TEAM
        for code, course in courses.items():
            required = bool(course.required_roles) or (
                returns is not None and code == "returns-advanced" and agent.team == returns
            )
            chance = 0.35 if less and code != "onboarding" else 0.95 if required else 0.4
            if rng.random() >= chance:
                continue
            done = today - timedelta(days=rng.randint(20, 500 if less else 300))
            # Lyon Livraisons' certificates are older: many have expired (they count as missing).
            expires = done + timedelta(days=course.validity_days) if course.validity_days else None
            rows.append(Completion(agent=agent, course=course, completed_on=done, expires_on=expires, source=Source.DEMO))
    Completion.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
