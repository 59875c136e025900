"""Form pieces shared by the apps' list pages."""

from html import escape as esc
from typing import Any

from django import forms
from django.utils.html import format_html
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
    """Django's <select>, the same HTML, written in Python (f-strings and html.escape, what Django's escape calls)
    instead of one template per <option>.

    A list page's filter form has a hundred options (agents, teams, contact reasons…): rendered through the form
    templates they cost more than the table of results (benchmarks/README.md: Load)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        values = {"" if v is None else str(v) for v in self.format_value(value)}
        rows: list[str] = []
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):  # a group: (name, [(value, label), ...])
                items = "".join(self._option(v, lbl, values) for v, lbl in option_label)
                rows.append(f'\n  <optgroup label="{esc(str(option_value))}">{items}\n  </optgroup>')
            else:
                rows.append(self._option(option_value, option_label, values))
        return mark_safe(f'<select name="{esc(name)}"{_attrs(final_attrs)}>{"".join(rows)}\n</select>')

    def _option(self, value: Any, label: Any, selected: set[str]) -> str:
        """One <option>; a single select marks only the first option with the value selected, as Django does."""
        text = "" if value is None else str(value)
        mark = ""
        if text in selected:
            mark = " selected"
            if not self.allow_multiple_selected:
                selected.discard(text)
        return f'\n  <option value="{esc(text)}"{mark}>{esc(str(label))}</option>'


class _QuickInput:
    """Django's <input> (widgets/input.html and attrs.html), the same HTML, written in Python: a filter form's text and
    date boxes each cost two templates otherwise. The widget's own `get_context` still prepares the type, the value
    (dates in the active locale's input format) and the attributes."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown, _attrs(widget["attrs"]))


class QuickTextInput(_QuickInput, forms.TextInput):
    pass


class QuickDateInput(_QuickInput, forms.DateInput):
    pass


class QuickNumberInput(_QuickInput, forms.NumberInput):
    pass


# The widgets a filter form swaps for their Python-written twins (exact types: a subclass may have its own template).
QUICK_WIDGETS: dict[type, type] = {
    forms.Select: QuickSelect,
    forms.TextInput: QuickTextInput,
    forms.DateInput: QuickDateInput,
    forms.NumberInput: QuickNumberInput,
}


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """Django's choices of a ModelChoiceField, read with one plain query: its own iterator() opens a server-side cursor
    on PostgreSQL (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips, and the cursor kept to the transaction's end)
    for a few dozen rows, on every list page that offers the field."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # a copy: the field's own queryset keeps no rows between renders
            yield self.choice(obj)


class FilterForm(forms.Form):
    """A GET form of list filters whose choices depend on who is looking. Its selects and text, date and number boxes
    are written in Python (`QUICK_WIDGETS`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            quick = QUICK_WIDGETS.get(type(field.widget))
            if quick is not None:
                field.widget.__class__ = quick

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
