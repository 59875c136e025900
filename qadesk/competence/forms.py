"""Forms of the competence pages: the period, a completion, a CSV upload, the benchmarks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent, User
from qadesk.competence.models import BenchmarkMode, Course, TrainingSession
from qadesk.competence.querysets import agents_visible_filter

MAX_UPLOAD_BYTES = 5_000_000


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("agent", _("Agents")), ("team", _("Teams")), ("site", _("Sites"))],
    )


class ResultsForm(PeriodForm):
    window = forms.IntegerField(label=_("Days before and after"), min_value=1, max_value=365, required=False)


class CompletionForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=Agent.objects.none())
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.filter(is_active=True))
    completed_on = forms.DateField(label=_("Completed"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label=_("Expires"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the course's validity from the completion day, if it has one."),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = agents_visible_filter(actor)
        field = self.fields["agent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agent.objects.filter(rule, is_active=True) if rule is not None else Agent.objects.none()


class TrainingSessionForm(forms.Form):
    """A run of a course: one of the active courses (or the session's own, when it is being changed)."""

    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}))
    trainer = forms.CharField(label=_("Trainer"), max_length=150, required=False)
    place = forms.CharField(label=_("Place"), max_length=150, required=False)

    def __init__(self, *args: Any, session: TrainingSession | None = None, **kwargs: Any) -> None:
        if session is not None:
            kwargs.setdefault(
                "initial",
                {
                    "course": session.course_id,
                    "starts_on": session.starts_on,
                    "ends_on": session.ends_on,
                    "trainer": session.trainer,
                    "place": session.place,
                },
            )
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)
        courses = Q(is_active=True) | Q(pk=session.course_id) if session is not None else Q(is_active=True)
        field.queryset = Course.objects.filter(courses).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The session ends before it starts."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Columns: agent, course, completed_on, expires_on (optional)."))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc


class SettingsForm(forms.Form):
    mode = forms.ChoiceField(label=_("Benchmark"), choices=BenchmarkMode.choices)
    training_benchmark = forms.FloatField(label=_("Training benchmark (0–100)"), min_value=0.1, max_value=100)
    delivery_benchmark = forms.FloatField(label=_("Delivery benchmark (0–100)"), min_value=0.1, max_value=100)
    survey_question_code = forms.SlugField(label=_("Survey competence question (code)"), max_length=50)
