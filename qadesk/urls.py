from django.contrib import admin
from django.urls import include, path

from qadesk.api import api

urlpatterns = [
    path("", include("qadesk.home.urls")),
    path("", include("qadesk.accounts.auth_urls")),
    path("account/", include("qadesk.accounts.urls")),
    path("interactions/", include("qadesk.interactions.urls")),
    path("sops/", include("qadesk.interactions.sop_urls")),
    path("labels/", include("qadesk.interactions.label_urls")),
    path("custom-fields/", include("qadesk.interactions.field_urls")),
    path("scorecards/", include("qadesk.scorecards.urls")),
    path("reviews/", include("qadesk.reviews.urls")),
    path("disputes/", include("qadesk.disputes.urls")),
    path("reports/", include("qadesk.analytics.urls")),
    path("calibration/", include("qadesk.calibration.urls")),
    path("notifications/", include("qadesk.notifications.urls")),
    path("sampling/", include("qadesk.sampling.urls")),
    path("connectors/", include("qadesk.connectors.urls")),
    path("complaints/", include("qadesk.complaints.urls")),
    path("competence/", include("qadesk.competence.urls")),
    path("autoqa/", include("qadesk.autoqa.urls")),
    path("operations/", include("qadesk.operations.urls")),
    path("phone/", include("qadesk.phoneline.urls")),
    path("reliability/", include("qadesk.reliability.urls")),
    path("surveys/", include("qadesk.surveys.urls")),
    path("executive/", include("qadesk.executive.urls")),
    path("costs/", include("qadesk.costs.urls")),
    path("s/", include("qadesk.surveys.public_urls")),
    path("imports/", include("qadesk.imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = "qadesk.core.views.bad_request"
handler403 = "qadesk.core.views.permission_denied"
handler404 = "qadesk.core.views.page_not_found"
handler500 = "qadesk.core.views.server_error"
