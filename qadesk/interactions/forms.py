"""The interaction list's filter form: turns query parameters into the selector's filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.core.forms import FilterForm
from qadesk.interactions.models import Channel, JourneyPhase, Label, Status
from qadesk.interactions.selectors import interaction_languages

_ANY = [("", _("Any"))]


class InteractionFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_ANY + list(Channel.choices))
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    label = forms.TypedChoiceField(label=_("Contact reason"), required=False, coerce=int, empty_value=None)
    phase = forms.ChoiceField(label=_("Journey phase"), required=False, choices=_ANY + list(JourneyPhase.choices))
    language = forms.ChoiceField(label=_("Language"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_ANY + list(Status.choices))
    agent = forms.TypedChoiceField(label=_("Agent"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("External id or subject")})
        self._choices("team", _ANY + [(t.pk, t.name) for t in Team.objects.only("name")])
        self._choices("site", _ANY + [(s.pk, s.name) for s in Site.objects.only("name")])
        self._choices("label", _ANY + [(lb.pk, str(lb)) for lb in Label.objects.only("code", "name")])
        self._choices("language", _ANY + interaction_languages(actor=actor))  # the languages present, named
        agents = Agent.objects.visible_to(actor).only("username", "display_name")
        self._choices("agent", _ANY + [(a.pk, str(a)) for a in agents])

    @property
    def active_count(self) -> int:
        return len(self.filters())
