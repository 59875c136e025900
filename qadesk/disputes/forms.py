"""Forms of the dispute pages: opening a dispute, replying, deciding, and the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent, Role, Team, User
from qadesk.core.forms import FilterForm
from qadesk.core.i18n import pick
from qadesk.disputes.models import Dispute, DisputeKind, DisputeStatus
from qadesk.disputes.services import ContestedCriterion, interaction_handler_ids
from qadesk.reviews.forms import rating_label
from qadesk.reviews.models import Rating
from qadesk.scorecards.models import Criterion

NO_PROPOSAL = ""
ACCEPT, REJECT = "accept", "reject"


def _scale_choices(criterion: Criterion, empty: str) -> list[tuple[str, str]]:
    return [(NO_PROPOSAL, empty), *((str(v), rating_label(criterion, v)) for v in criterion.rating_choices())]


class DisputeOpenForm(forms.Form):
    """What the agent contests (criteria, each with an optional proposed rating, or the crediting) and why."""

    kind = forms.ChoiceField(label=_("What do you contest?"), choices=DisputeKind.choices, widget=forms.RadioSelect)
    argument = forms.CharField(
        label=_("Your argument"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Explain why the finding is wrong; quote the transcript or the guideline where you can."),
    )

    def __init__(self, *args: Any, ratings: list[Rating], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {"kind": DisputeKind.CRITERIA})
        super().__init__(*args, **kwargs)
        self.ratings = ratings
        for rating in ratings:
            c = rating.criterion
            self.fields[f"c{c.pk}"] = forms.BooleanField(label=pick(c.title), required=False)
            self.fields[f"p{c.pk}"] = forms.ChoiceField(
                label=_("Rating you propose"), required=False, choices=_scale_choices(c, str(_("No proposal")))
            )

    def rows(self) -> list[tuple[Rating, forms.BoundField, forms.BoundField]]:
        return [(r, self[f"c{r.criterion_id}"], self[f"p{r.criterion_id}"]) for r in self.ratings]

    def items(self) -> list[ContestedCriterion]:
        """The ticked criteria as the dispute service takes them."""
        chosen = []
        for rating in self.ratings:
            cid = rating.criterion_id
            if self.cleaned_data.get(f"c{cid}"):
                proposal = self.cleaned_data.get(f"p{cid}")
                chosen.append(ContestedCriterion(criterion_id=cid, proposed_value=int(proposal) if proposal else None))
        return chosen


class DisputeCommentForm(forms.Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DisputeDecideForm(forms.Form):
    """Per contested criterion accept (with the rating to set) or reject; a reason; for wrong-agent disputes, who to credit."""

    note = forms.CharField(
        label=_("Reason for the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject everything; the agent sees it."),
    )

    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.dispute = dispute
        for item in dispute.items.all():
            c = item.criterion
            self.fields[f"d{c.pk}"] = forms.ChoiceField(
                label=pick(c.title),
                choices=[(ACCEPT, _("Accept")), (REJECT, _("Reject"))],
                widget=forms.RadioSelect,
                # Nothing is chosen beforehand: each contested criterion is a decision the QA lead takes on purpose.
                required=True,
                error_messages={"required": _("Choose whether to accept or reject this criterion.")},
            )
            value = item.proposed_value if item.proposed_value is not None else item.original_value
            self.fields[f"v{c.pk}"] = forms.ChoiceField(
                label=_("Rating to set"),
                required=False,
                choices=[(str(v), rating_label(c, v)) for v in c.rating_choices()],
                initial=str(value) if value is not None else None,
            )
        if dispute.kind == DisputeKind.WRONG_AGENT:
            # Only the agents who handled the contact can be credited (the service refuses the others).
            interaction = dispute.review.interaction
            agents = (
                Agent.objects.filter(pk__in=interaction_handler_ids(interaction))
                .exclude(pk=dispute.review.agent_id)
                .order_by("display_name", "username")
            )
            self.fields["credit_agent"] = forms.ModelChoiceField(
                label=_("Credit the review to"),
                queryset=agents,
                required=False,
                empty_label=str(_("Keep the current agent (reject)")),
            )

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(item, self[f"d{item.criterion_id}"], self[f"v{item.criterion_id}"]) for item in self.dispute.items.all()]

    def accepted(self) -> dict[int, int | bool | None]:
        """criterion id -> the rating to set, for the accepted criteria; rejected ones are left out."""
        result: dict[int, int | bool | None] = {}
        for item in self.dispute.items.all():
            cid = item.criterion_id
            if self.cleaned_data.get(f"d{cid}") == ACCEPT:
                value = self.cleaned_data.get(f"v{cid}")
                result[cid] = int(value) if value not in (None, "") else True
        return result


class DisputeFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *DisputeStatus.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    assignee = forms.TypedChoiceField(label=_("Decided by"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        deciders = User.objects.filter(role__in=[Role.ADMIN, Role.QA_LEAD, Role.REVIEWER], is_active=True).order_by("username")
        self._choices("assignee", [("", _("Anyone")), *((u.pk, u.get_full_name() or u.username) for u in deciders)])
        teams = Team.objects.order_by("name") if actor.sees_everything else Team.objects.filter(pk=actor.team_id or 0)
        self._choices("team", [("", _("Any")), *((t.pk, t.name) for t in teams)])
