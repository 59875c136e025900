"""Forms of the review pages: the scorecard a reviewer fills in, and the review list's filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent, Role, Site, Team, User
from qadesk.core.forms import FilterForm, ListedChoiceIterator, QuickSelect
from qadesk.core.i18n import pick
from qadesk.interactions.forms import yes_no_field
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Rating, ReviewStatus
from qadesk.reviews.services import BULK_MAX, RatingInput
from qadesk.scorecards.models import Criterion, Scale, Section

NA = "na"


@dataclass
class CriterionRow:
    """One criterion of the form with its four bound fields, as the template renders them."""

    criterion: Criterion
    value: forms.BoundField
    comment: forms.BoundField
    causes: forms.BoundField
    cause_text: forms.BoundField

    @property
    def has_errors(self) -> bool:
        return bool(self.value.errors or self.comment.errors or self.causes.errors or self.cause_text.errors)

    @property
    def has_details(self) -> bool:
        """Whether the comment/root-cause area holds something, so it starts open."""
        return bool(self.comment.value() or self.causes.value() or self.cause_text.value() or self.has_errors)


class ReviewForm(forms.Form):
    """Ratings (a point of the scale or N/A), comments and root causes per criterion, and an overall comment."""

    comment = forms.CharField(label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, criteria: list[Criterion], ratings: dict[int, Rating], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self._add_fields(criterion, ratings.get(criterion.pk))

    def _add_fields(self, criterion: Criterion, rating: Rating | None) -> None:
        prefix = f"c{criterion.pk}"
        choices = [(str(v), rating_label(criterion, v)) for v in criterion.rating_choices()]
        if criterion.na_allowed:
            choices.append((NA, str(_("N/A"))))
        causes = [(rc["code"], pick(rc["title"])) for rc in criterion.root_causes]
        self.fields[f"{prefix}_value"] = forms.ChoiceField(
            label=pick(criterion.title), choices=choices, required=False, widget=forms.RadioSelect
        )
        self.fields[f"{prefix}_comment"] = forms.CharField(
            label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        self.fields[f"{prefix}_causes"] = forms.MultipleChoiceField(
            label=_("Root causes"), choices=causes, required=False, widget=forms.CheckboxSelectMultiple
        )
        self.fields[f"{prefix}_cause_text"] = forms.CharField(label=_("Other root cause"), required=False, max_length=300)
        if rating is not None:
            self.initial.update(
                {
                    f"{prefix}_value": NA if rating.value is None else str(rating.value),
                    f"{prefix}_comment": rating.comment,
                    f"{prefix}_causes": list(rating.root_causes),
                    f"{prefix}_cause_text": rating.root_cause_text,
                }
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for criterion in self.criteria:
            prefix = f"c{criterion.pk}"
            noted = cleaned.get(f"{prefix}_comment") or cleaned.get(f"{prefix}_causes") or cleaned.get(f"{prefix}_cause_text")
            if noted and not cleaned.get(f"{prefix}_value"):
                # A comment cannot be stored without a rating; say so instead of dropping it.
                self.add_error(f"{prefix}_value", _("Choose a rating (or N/A) to keep this comment and its root causes."))
        return cleaned

    def ratings(self) -> dict[int, RatingInput]:
        """The rated criteria (a point or N/A) as the review service takes them; unrated ones are left out."""
        result = {}
        for criterion in self.criteria:
            prefix = f"c{criterion.pk}"
            value = self.cleaned_data.get(f"{prefix}_value")
            if not value:
                continue
            result[criterion.pk] = RatingInput(
                value=None if value == NA else int(value),
                comment=self.cleaned_data.get(f"{prefix}_comment", ""),
                root_causes=list(self.cleaned_data.get(f"{prefix}_causes", [])),
                root_cause_text=self.cleaned_data.get(f"{prefix}_cause_text", ""),
            )
        return result

    def sections(self) -> list[tuple[Section, list[CriterionRow]]]:
        """The criteria grouped by section, in form order, for rendering."""
        grouped: dict[int, tuple[Section, list[CriterionRow]]] = {}
        for criterion in self.criteria:
            prefix = f"c{criterion.pk}"
            row = CriterionRow(
                criterion=criterion,
                value=self[f"{prefix}_value"],
                comment=self[f"{prefix}_comment"],
                causes=self[f"{prefix}_causes"],
                cause_text=self[f"{prefix}_cause_text"],
            )
            grouped.setdefault(criterion.section_id, (criterion.section, []))[1].append(row)
        return list(grouped.values())


def rating_label(criterion: Criterion, value: int) -> str:
    """How a rating reads on a button: Yes/No on a pass/fail scale, the number otherwise."""
    if criterion.scale == Scale.BINARY:
        return str(_("Yes")) if value else str(_("No"))
    return str(value)


class ReviewFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *ReviewStatus.choices])
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    agent = forms.TypedChoiceField(label=_("Agent"), required=False, coerce=int, empty_value=None)
    reviewer = forms.TypedChoiceField(label=_("Reviewer"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Submitted to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    score_min = forms.FloatField(label=_("Score from"), required=False, min_value=0, max_value=1000)
    score_max = forms.FloatField(label=_("Score to"), required=False, min_value=0, max_value=1000)
    high_impact = yes_no_field(_("High-impact errors"))

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Interaction or agent")})
        self._choices("team", [("", _("Any")), *((t.pk, t.name) for t in Team.objects.only("name"))])
        self._choices("site", [("", _("Any")), *((s.pk, s.name) for s in Site.objects.only("name"))])
        agents = Agent.objects.visible_to(actor).only("username", "display_name")
        self._choices("agent", [("", _("Any")), *((a.pk, str(a)) for a in agents)])
        reviewers = User.objects.filter(role__in=[Role.ADMIN, Role.QA_LEAD, Role.REVIEWER]).order_by("username")
        self._choices("reviewer", [("", _("Any")), *((u.pk, u.get_full_name() or u.username) for u in reviewers)])


def reviewers_queryset() -> QuerySet[User]:
    """The people who can be given reviews to do, by name."""
    return User.objects.filter(role__in=[Role.ADMIN, Role.QA_LEAD, Role.REVIEWER], is_active=True).order_by(
        "first_name", "last_name", "username"
    )


class ReviewerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = ListedChoiceIterator

    def label_from_instance(self, obj: Any) -> str:
        name = str(obj.get_full_name() or obj.username)
        languages = ", ".join(obj.review_languages or [])  # who reviews which language, to choose by it
        return f"{name} ({languages})" if languages else name


class AssignmentForm(forms.Form):
    """A QA lead puts interactions (one, or those ticked in the list) in a reviewer's queue, optionally with a due date."""

    interactions = forms.ModelMultipleChoiceField(
        label=_("Interactions"),
        queryset=Interaction.objects.none(),
        error_messages={"required": _("Tick at least one interaction to assign.")},
    )
    reviewer = ReviewerChoiceField(
        label=_("Reviewer"), queryset=User.objects.none(), empty_label=_("Choose a reviewer"), widget=QuickSelect
    )
    due = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # From the interaction list: the ticked rows, all the rows matching its filters, or a random number of them.
    mode = forms.ChoiceField(required=False, choices=[("ticked", "ticked"), ("all", "all"), ("random", "random")])
    random_count = forms.IntegerField(label=_("How many at random"), required=False, min_value=1, max_value=BULK_MAX)
    filters = forms.CharField(required=False, max_length=4000)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["interactions"].queryset = Interaction.objects.visible_to(actor)  # type: ignore[attr-defined]
        self.fields["reviewer"].queryset = reviewers_queryset()  # type: ignore[attr-defined]
        if self.data.get("mode") in {"all", "random"}:
            self.fields["interactions"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("mode") == "random" and not cleaned.get("random_count") and "random_count" not in self.errors:
            self.add_error("random_count", _("Say how many interactions to pick at random."))
        return cleaned

    def due_at(self) -> datetime | None:
        """The end of the chosen day in the site's time zone: due "on the 5th" means by the evening of the 5th."""
        day = self.cleaned_data.get("due")
        return timezone.make_aware(datetime.combine(day, time(23, 59))) if day else None
