"""Form pieces shared by the apps' list pages."""

from typing import Any

from django import forms


class FilterForm(forms.Form):
    """A GET form of list filters whose choices depend on who is looking."""

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
