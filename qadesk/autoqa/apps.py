from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutoqaConfig(AppConfig):
    name = "qadesk.autoqa"
    verbose_name = _("Automatic QA")
