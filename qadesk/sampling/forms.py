"""The plan form: a QA lead's sampling plan in plain fields, turned into the service's keyword arguments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Role, Team, User
from qadesk.sampling import draw
from qadesk.sampling.models import Period, SamplingPlan
from qadesk.sampling.strata import stratum_code, stratum_label

DIMENSION_LABELS = {"site": _("Site"), "channel": _("Channel"), "phase": _("Journey phase"), "language": _("Language")}
RISK_FLAGS = {
    "reassigned": _("Reassigned to another agent"),
    "long_handle": _("Long handling time"),
    "abandoned": _("Abandoned by the customer"),
    "reopened": _("Reopened by the customer"),
    "negative_feedback": _("Negative customer rating"),
    "complaint": _("Customer complaint"),
    "auto_high_impact": _("Automatic check: possible high-impact error"),
    "auto_sop_step_missing": _("Automatic check: SOP step missing"),
    "auto_label_mismatch": _("Automatic check: label does not match the handling or the transcript"),
    "auto_upset_customer": _("Automatic check: upset customer"),
    "auto_sensitive_data": _("Automatic check: sensitive data exposed"),
}


def parse_proportions(text: str) -> dict[str, float]:
    """Read "key = share" lines (e.g. "Milano|phone = 0.3", or "0,3" as Italian and French write it) into a mapping;
    raises ValueError on a bad line."""
    result: dict[str, float] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.rpartition("=")
        if not sep or not key.strip():
            raise ValueError(line)
        result[key.strip()] = float(value.strip().replace(",", "."))
    return result


class SamplingPlanForm(forms.Form):
    """Every setting of a plan; strata proportions as "key = share" lines, risk boosts one number per flag."""

    name = forms.CharField(label=_("Name"), max_length=200)
    n_per_agent = forms.IntegerField(label=_("Interactions per agent"), min_value=1, initial=5)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices, initial=Period.WEEK)
    strata_by = forms.MultipleChoiceField(
        label=_("Stratify by"),
        required=False,
        choices=[(d, DIMENSION_LABELS[d]) for d in draw.DIMENSIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    proportions = forms.CharField(
        label=_("Stratum proportions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            'One stratum per line, "value = share", values joined with "|" (e.g. "Milano|Phone = 30"); '
            "shares are relative to each other. Channels and phases may be written as shown here or by their code."
        ),
    )
    teams = forms.ModelMultipleChoiceField(label=_("Only these teams"), queryset=Team.objects.none(), required=False)
    labels = forms.CharField(label=_("Only these labels"), required=False, help_text=_("Label codes, separated by commas."))
    tags = forms.CharField(
        label=_("Only with these tags"), required=False, help_text=_("Tags, separated by commas: contacts carrying all of them.")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    long_handle_seconds = forms.IntegerField(
        label=_("Long handling from (seconds)"), min_value=1, required=False, help_text=_("Default: 1800.")
    )
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    exclude_own_team = forms.BooleanField(label=_("Never assign to a reviewer of the agent's team"), required=False)
    due_days = forms.IntegerField(label=_("Days to review"), min_value=0, initial=7)
    seed = forms.IntegerField(label=_("Random seed"), required=False, help_text=_("Empty: chosen at random and kept."))
    auto_run = forms.BooleanField(
        label=_("Draw automatically when each period ends"),
        required=False,
        help_text=_("Otherwise the plan draws only when someone presses Run now."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, plan: SamplingPlan | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        if plan is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial(plan)
        super().__init__(*args, **kwargs)
        for flag, label in RISK_FLAGS.items():
            self.fields[f"boost_{flag}"] = forms.FloatField(
                label=label, required=False, min_value=0, help_text=_("Weight; empty: no boost.")
            )
        self.fields["teams"].queryset = Team.objects.order_by("name")  # type: ignore[attr-defined]
        reviewers = User.objects.filter(is_active=True, role__in=[Role.ADMIN, Role.QA_LEAD, Role.REVIEWER])
        self.fields["reviewers"].queryset = reviewers.order_by("username")  # type: ignore[attr-defined]

    def boost_fields(self) -> list[forms.BoundField]:
        return [self[f"boost_{flag}"] for flag in RISK_FLAGS]

    def clean_proportions(self) -> dict[str, float]:
        try:
            proportions = parse_proportions(self.cleaned_data.get("proportions") or "")
        except ValueError as exc:
            raise forms.ValidationError(_("Cannot read this line: {line}").format(line=exc)) from exc
        if any(v < 0 for v in proportions.values()):
            raise forms.ValidationError(_("Stratum proportions cannot be negative."))
        # Values may be typed as the form shows them ("Milano · Telefono") or as codes ("Milano|phone").
        by = self.cleaned_data.get("strata_by") or []
        return {stratum_code(key, by): share for key, share in proportions.items()}

    def plan_data(self) -> dict[str, Any]:
        """The service's keyword arguments (without reviewers)."""
        d = self.cleaned_data
        filters: dict[str, Any] = {}
        if d["teams"]:
            filters["teams"] = [t.pk for t in d["teams"]]
        labels = [c.strip() for c in (d["labels"] or "").split(",") if c.strip()]
        if labels:
            filters["labels"] = labels
        tags = [t.strip() for t in (d["tags"] or "").split(",") if t.strip()]
        if tags:
            filters["tags"] = tags
        for name in ("date_from", "date_to"):
            if d[name]:
                filters[name] = d[name].isoformat()
        if d["long_handle_seconds"]:
            filters["long_handle_seconds"] = d["long_handle_seconds"]
        strata = {"by": d["strata_by"], "proportions": d["proportions"]} if d["strata_by"] else {}
        boosts = {flag: d[f"boost_{flag}"] for flag in RISK_FLAGS if d.get(f"boost_{flag}") is not None}
        fields = ("name", "n_per_agent", "period", "exclude_own_team", "due_days", "seed", "auto_run", "is_active")
        return {**{k: d[k] for k in fields}, "strata": strata, "filters": filters, "risk_boosts": boosts}


def _initial(plan: SamplingPlan) -> dict[str, Any]:
    strata, filters = plan.strata or {}, plan.filters or {}
    initial: dict[str, Any] = {k: getattr(plan, k) for k in ("name", "n_per_agent", "period", "exclude_own_team", "due_days")}
    initial |= {"seed": plan.seed, "auto_run": plan.auto_run, "is_active": plan.is_active}
    initial["strata_by"] = strata.get("by", [])
    shares = (strata.get("proportions") or {}).items()
    by = strata.get("by", [])
    initial["proportions"] = "\n".join(f"{stratum_label(k, by)} = {formats.number_format(v, use_l10n=True)}" for k, v in shares)
    initial["teams"] = filters.get("teams", [])
    initial["labels"] = ", ".join(filters.get("labels", []))
    initial["tags"] = ", ".join(filters.get("tags", []))
    initial |= {k: filters.get(k) for k in ("date_from", "date_to", "long_handle_seconds")}
    initial |= {f"boost_{flag}": v for flag, v in (plan.risk_boosts or {}).items()}
    initial["reviewers"] = [u.pk for u in plan.reviewers.all()]
    return initial
