from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutiveConfig(AppConfig):
    name = "qadesk.executive"
    verbose_name = _("Executive summary")
