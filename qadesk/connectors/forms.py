"""The connector form: what an admin types; the secret is write-only (never shown back, kept when left empty)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.connectors.client import LOOPBACK
from qadesk.connectors.models import Connector


class ConnectorForm(forms.ModelForm):
    base_url = forms.URLField(
        label=_("address"), max_length=300, assume_scheme="https", help_text=_("For example https://acme.zendesk.com")
    )
    secret = forms.CharField(
        label=_("API token or key"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted. Leave empty to keep the stored one."),
    )

    class Meta:
        model = Connector
        fields = ["name", "vendor", "base_url", "login", "start_at", "enabled", "every_minutes", "new_revision"]
        widgets = {"start_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["every_minutes"].widget.attrs["min"] = 5

    def clean_every_minutes(self) -> int:
        value = int(self.cleaned_data["every_minutes"])
        if value < 5:
            raise forms.ValidationError(_("At least 5 minutes."))
        return value

    def clean_base_url(self) -> str:
        url = str(self.cleaned_data["base_url"]).rstrip("/")
        parts = urlsplit(url)
        if parts.scheme != "https" and parts.hostname not in LOOPBACK:
            raise forms.ValidationError(_("Use https:// (plain http only for this machine)."))
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.instance.secret_encrypted and not data.get("secret"):
            self.add_error("secret", _("A new connector needs its API token or key."))
        if data.get("vendor") == "zendesk" and not data.get("login"):
            self.add_error("login", _("Zendesk needs the e-mail address the token belongs to."))
        return data
