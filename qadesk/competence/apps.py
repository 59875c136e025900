from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenceConfig(AppConfig):
    name = "qadesk.competence"
    verbose_name = _("Training and competence")
