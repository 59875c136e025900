from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhonelineConfig(AppConfig):
    name = "qadesk.phoneline"
    verbose_name = _("Phone line")
