"""Demo data for automatic QA: the demo SOPs' steps made checkable from the actions the demo transcripts carry
(account-lookup, refund-issued), and one custom criterion, so the process checks and a custom check have work."""

from __future__ import annotations

from qadesk.autoqa.models import CustomCriterion, Rule
from qadesk.interactions.models import Sop
from qadesk.interactions.sops import steps_read

EVIDENCE = {"Verify identity": ["account-lookup"], "Issue the refund in the refund tool": ["refund-issued"]}


def autoqa_demo_prepare() -> int:
    """Give the demo SOPs' steps their evidence and add the demo custom criterion; returns the steps made checkable."""
    changed = 0
    for sop in Sop.objects.all():
        steps = steps_read(sop.steps)
        for step in steps:
            if step["text"] in EVIDENCE and not step["evidence"]:
                step["evidence"] = EVIDENCE[step["text"]]
                changed += 1
        sop.steps = steps
        sop.save(update_fields=["steps"])
    CustomCriterion.objects.update_or_create(
        code="no_guarantee",
        defaults={
            "name": "No promises the agent cannot keep",
            "criterion": "assertive",
            "rule": Rule.MUST_NOT,
            "phrases": {
                "it": ["le garantisco", "glielo garantisco"],
                "fr": ["je vous garantis"],
                "en": ["i guarantee", "i promise"],
            },
        },
    )
    return changed
