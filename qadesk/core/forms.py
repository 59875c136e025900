"""Form pieces shared by the apps' list pages."""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """HTML attributes as Django's widgets/attrs.html writes them: True alone, False left out, the rest quoted."""
    parts = [
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    ]
    return mark_safe("".join(parts))


class QuickSelect(forms.Select):
    """Django's <select>, the same HTML, written in Python instead of one template per <option>.

    A list page's filter form has a hundred options (agents, teams, contact reasons…): rendered through the form
    templates they cost more than the table of results (benchmarks/README.md: Load)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        rows: list[SafeString] = []
        for group_name, options, _index in widget["optgroups"]:
            items = format_html_join(
                "", '\n  <option value="{}"{}>{}</option>', ((o["value"], _attrs(o["attrs"]), o["label"]) for o in options)
            )
            rows.append(format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, items) if group_name else items)
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), mark_safe("".join(rows)))


class FilterForm(forms.Form):
    """A GET form of list filters whose choices depend on who is looking. Its selects are QuickSelects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget.__class__ = QuickSelect

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self) -> dict[str, Any]:
        """The selector's filters: the valid fields only. A field with a bad value ('²', an id past 2⁶³−1, a date that
        is no date) is left out and its error shows beside it; the other filters still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
