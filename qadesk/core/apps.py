from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qadesk.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from qadesk.core.months import install_month_abbreviations

        install_month_abbreviations()
