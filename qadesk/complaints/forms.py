"""Forms of the complaint pages: log or edit a complaint, record an action, move the status, and the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Role, Team, User
from qadesk.complaints.models import ActionKind, Complaint, ComplaintCategory, ComplaintStatus, Severity
from qadesk.core.forms import FilterForm
from qadesk.interactions.models import Customer, JourneyPhase


class _UserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class ComplaintForm(forms.Form):
    """What a complaint is about and who handles it."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=ComplaintCategory.objects.none())
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    phase = forms.ChoiceField(label=_("Journey phase"), choices=[("", "—"), *JourneyPhase.choices], required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000)
    customer = forms.CharField(
        label=_("Customer"), required=False, max_length=100, help_text=_("The customer's id in the helpdesk (optional).")
    )
    owner = _UserChoice(label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Nobody yet"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"), required=False, empty_label="—")

    def __init__(self, *args: Any, complaint: Complaint | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        if complaint is not None:
            kwargs.setdefault(
                "initial",
                {
                    "category": complaint.category_id,
                    "severity": complaint.severity,
                    "phase": complaint.phase,
                    "description": complaint.description,
                    "customer": complaint.customer.external_id if complaint.customer else "",
                    "owner": complaint.owner_id,
                    "team": complaint.team_id,
                },
            )
        super().__init__(*args, **kwargs)
        categories = ComplaintCategory.objects.filter(active=True)
        if complaint is not None:  # a retired category stays selectable on the complaints that have it
            categories = ComplaintCategory.objects.filter(active=True) | ComplaintCategory.objects.filter(
                pk=complaint.category_id
            )
        self.fields["category"].queryset = categories.order_by("code")  # type: ignore[attr-defined]
        owners = User.objects.filter(is_active=True).exclude(role=Role.MANAGER).order_by("username")
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The cleaned values as the services take them (customer by its external id, created when new)."""
        data = dict(self.cleaned_data)
        ref = (data.pop("customer") or "").strip()
        data["customer"] = Customer.objects.get_or_create(external_id=ref)[0] if ref else None
        return data


class ActionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What was done"),
        choices=[(k.value, k.label) for k in (ActionKind.NOTE, ActionKind.CONTACT, ActionKind.REMEDY, ActionKind.ESCALATION)],
    )
    body = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ComplaintStatus.choices)
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000
    )
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["status"].choices = [(k, v) for k, v in ComplaintStatus.choices if k in allowed]  # type: ignore[attr-defined]


SORT_CHOICES = [
    ("-created", _("Newest first")),
    ("created", _("Oldest first")),
    ("due", _("Due soonest")),
    ("-due", _("Due latest")),
    ("-severity", _("Most severe")),
    ("status", _("Status")),
    ("category", _("Category")),
]


class ComplaintFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *ComplaintStatus.choices])
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._choices("category", [("", _("Any")), *((c.pk, str(c)) for c in ComplaintCategory.objects.order_by("code"))])
        teams = Team.objects.order_by("name") if actor.sees_everything else Team.objects.filter(pk=actor.team_id or 0)
        self._choices("team", [("", _("Any")), *((t.pk, t.name) for t in teams)])

    def filters(self) -> dict[str, Any]:
        found = super().filters()
        if not found.get("overdue"):
            found.pop("overdue", None)  # unticked: every complaint, not "only those on time"
        return found
