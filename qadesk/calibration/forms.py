"""Forms of the calibration pages: open a session, score an item, record agreed answers, close."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import User
from qadesk.core.inputs import parse_id
from qadesk.interactions.models import Interaction
from qadesk.reviews.forms import NA, ReviewerChoiceField, rating_label, reviewers_queryset
from qadesk.scorecards.models import Criterion, ScorecardVersion, Section, VersionStatus

RECENT_INTERACTIONS = 50


class ReviewerMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class InteractionChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return "{ext} · {channel} · {date}".format(
            ext=obj.external_id, channel=obj.get_channel_display(), date=obj.created_at.strftime("%Y-%m-%d")
        )


class SessionForm(forms.Form):
    """A QA lead opens a session: interactions typed as ids / external ids, or ticked from the recent ones."""

    title = forms.CharField(label=_("Title"), max_length=200)
    scorecard_version = forms.ModelChoiceField(label=_("Scorecard version"), queryset=ScorecardVersion.objects.none())
    interaction_refs = forms.CharField(
        label=_("Interactions by id or external id"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "T-1001, T-1002, 17"}),
        help_text=_("Separated by commas, spaces or new lines."),
    )
    interactions = InteractionChoiceField(
        label=_("Or tick recent interactions"),
        queryset=Interaction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = ReviewerMultipleChoiceField(
        label=_("Participants"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    benchmark_reviewer = ReviewerChoiceField(
        label=_("Benchmark reviewer"), queryset=User.objects.none(), required=False, empty_label=_("None: agreed answers only")
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    blind = forms.BooleanField(
        label=_("Blind"), required=False, initial=True, help_text=_("Participants see the others' ratings only after scoring.")
    )
    hide_agent = forms.BooleanField(label=_("Hide the agent's name"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.actor = actor
        versions = ScorecardVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("scorecard")
        self.fields["scorecard_version"].queryset = versions  # type: ignore[attr-defined]
        visible = Interaction.objects.visible_to(actor)
        recent = visible.order_by("-created_at", "-id").values_list("pk", flat=True)[:RECENT_INTERACTIONS]
        self.fields["interactions"].queryset = visible.filter(pk__in=list(recent)).order_by("-created_at", "-id")  # type: ignore[attr-defined]
        self.fields["participants"].queryset = reviewers_queryset()  # type: ignore[attr-defined]
        self.fields["benchmark_reviewer"].queryset = reviewers_queryset()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        refs = [r for r in re.split(r"[\s,;]+", cleaned.get("interaction_refs", "")) if r]
        found: list[Interaction] = []
        if refs:
            ids = {r: pk for r in refs if (pk := parse_id(r)) is not None}
            matches = list(Interaction.objects.visible_to(self.actor).filter(Q(pk__in=ids.values()) | Q(external_id__in=refs)))
            unknown = [r for r in refs if not any(r == m.external_id or ids.get(r) == m.pk for m in matches)]
            if unknown:
                self.add_error("interaction_refs", _("No interaction found for: {refs}").format(refs=", ".join(unknown)))
            # Keep the order typed; an external id wins over an id when both match.
            by_ref = {**{str(m.pk): m for m in matches}, **{m.external_id: m for m in matches}}
            found = [by_ref[r] for r in refs if r in by_ref]
        chosen = list(dict.fromkeys([*found, *cleaned.get("interactions", [])]))
        if not chosen and not self.has_error("interaction_refs"):
            self.add_error("interaction_refs", _("Give at least one interaction."))
        cleaned["chosen_interactions"] = chosen
        return cleaned


@dataclass
class CriterionRow:
    """One criterion of the scoring form with its rating field, as the template renders it."""

    criterion: Criterion
    value: forms.BoundField


class CalibrationScoreForm(forms.Form):
    """A rating (a point of the scale or N/A) for every criterion, and a comment; every criterion is required."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"c{criterion.pk}_value"] = forms.ChoiceField(
                label=str(criterion),
                choices=rating_choices(criterion),
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a rating (or N/A).")},
            )

    def ratings(self) -> dict[int, int | None]:
        """criterion id -> rating (None = N/A), as calibration_score_submit takes them."""
        result: dict[int, int | None] = {}
        for criterion in self.criteria:
            value = self.cleaned_data[f"c{criterion.pk}_value"]
            result[criterion.pk] = None if value == NA else int(value)
        return result

    def sections(self) -> list[tuple[Section, list[CriterionRow]]]:
        """The criteria grouped by section, in form order, for rendering."""
        grouped: dict[int, tuple[Section, list[CriterionRow]]] = {}
        for criterion in self.criteria:
            row = CriterionRow(criterion=criterion, value=self[f"c{criterion.pk}_value"])
            grouped.setdefault(criterion.section_id, (criterion.section, []))[1].append(row)
        return list(grouped.values())


def rating_choices(criterion: Criterion) -> list[tuple[str, str]]:
    """The points of a criterion's scale as radio choices, then N/A where the criterion allows it."""
    choices = [(str(v), rating_label(criterion, v)) for v in criterion.rating_choices()]
    if criterion.na_allowed:
        choices.append((NA, str(_("N/A"))))
    return choices


class CloseForm(forms.Form):
    note = forms.CharField(label=_("What the session concluded"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scorecard_revision_note = forms.CharField(
        label=_("Scorecard revision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the scorecard or its guidance should change after the session."),
    )
