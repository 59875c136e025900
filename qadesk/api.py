"""The REST API, mounted at /api/v1/. Each app contributes its own router."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from qadesk import __version__
from qadesk.accounts.api import people_router, tokens_router
from qadesk.accounts.api import router as settings_router
from qadesk.analytics.api import router as analytics_router
from qadesk.autoqa.api import router as autoqa_router
from qadesk.calibration.api import router as calibration_router
from qadesk.competence.api import router as competence_router
from qadesk.complaints.api import router as complaints_router
from qadesk.core.api import AUTH, InputParser, install_error_handlers
from qadesk.costs.api import router as costs_router
from qadesk.disputes.api import router as disputes_router
from qadesk.executive.api import router as executive_router
from qadesk.imports.api import router as imports_router
from qadesk.interactions.api import router as interactions_router
from qadesk.interactions.fields_api import router as custom_fields_router
from qadesk.interactions.sop_api import router as sops_router
from qadesk.notifications.api import router as notifications_router
from qadesk.operations.api import router as operations_router
from qadesk.phoneline.api import router as phoneline_router
from qadesk.reliability.api import router as reliability_router
from qadesk.reviews.api import router as reviews_router
from qadesk.sampling.api import router as sampling_router
from qadesk.scorecards.api import router as scorecards_router
from qadesk.surveys.api import router as surveys_router


def _docs_page_for_signed_in_users(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The interactive page wants a login; the OpenAPI document itself stays public (it describes the API, holds no data,
    and is committed as docs/openapi.json), so clients can generate code from it with a token alone."""
    page = login_required(view)

    @wraps(view)
    def decorated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.path.endswith(".json"):
            return view(request, *args, **kwargs)
        return page(request, *args, **kwargs)

    return decorated


api = NinjaAPI(
    title="qadesk API",
    version=__version__,
    description="Quality assurance for customer service: interactions, scorecards, reviews, reports.",
    auth=AUTH,
    urls_namespace="api",
    parser=InputParser(),
    # The interactive documentation is for signed-in users; its scripts come from qadesk's own static files.
    docs_decorator=_docs_page_for_signed_in_users,
)
install_error_handlers(api)
api.add_router("/interactions", interactions_router)
api.add_router("/sops", sops_router)
api.add_router("/custom-fields", custom_fields_router)
api.add_router("/scorecards", scorecards_router)
api.add_router("/reviews", reviews_router)
api.add_router("/disputes", disputes_router)
api.add_router("/calibration", calibration_router)
api.add_router("/reports", analytics_router)
api.add_router("/imports", imports_router)
api.add_router("/notifications", notifications_router)
api.add_router("/settings", settings_router)
api.add_router("/tokens", tokens_router)
api.add_router("/people", people_router)
api.add_router("/sampling", sampling_router)
api.add_router("/complaints", complaints_router)
api.add_router("/competence", competence_router)
api.add_router("/autoqa", autoqa_router)
api.add_router("/operations", operations_router)
api.add_router("/phone", phoneline_router)
api.add_router("/reliability", reliability_router)
api.add_router("/surveys", surveys_router)
api.add_router("/costs", costs_router)
api.add_router("/executive", executive_router)
