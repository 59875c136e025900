from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "qadesk.surveys"
    verbose_name = _("Customer surveys")

    def ready(self) -> None:
        from qadesk.complaints.signals import complaint_closed
        from qadesk.surveys.outcome import on_complaint_closed

        complaint_closed.connect(on_complaint_closed, dispatch_uid="surveys.complaint_outcome")
