"""The contact reasons' names page: QA leads and admins name each label per language (the names readers see)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from qadesk.accounts.models import Role
from qadesk.core.errors import ApplicationError
from qadesk.interactions.forms import LabelNamesForm, label_names_initial
from qadesk.interactions.models import Label
from qadesk.interactions.services import label_names_save


@login_required
def label_names_view(request: HttpRequest) -> HttpResponse:
    """Every label with its default name and a name per language, saved together."""
    user = request.user
    if not (user.is_superuser or user.role in {Role.ADMIN, Role.QA_LEAD}):  # type: ignore[union-attr,operator]
        raise PermissionDenied
    labels = list(Label.objects.order_by("code"))
    data = request.POST if request.method == "POST" else None
    rows = [(label, LabelNamesForm(data, initial=label_names_initial(label), prefix=f"label-{label.pk}")) for label in labels]
    if data is not None and all(form.is_valid() for _label, form in rows):
        try:
            with transaction.atomic():
                changed = sum(
                    label_names_save(actor=user, label=label, name=form.cleaned_data["name"], names=form.names())  # type: ignore[arg-type]
                    for label, form in rows
                    if form.has_changed()
                )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                ngettext("%(count)d contact reason renamed.", "%(count)d contact reasons renamed.", changed) % {"count": changed},
            )
            return redirect("labels:names")
    languages = [name for _code, name in LabelNamesForm().language_fields_labels()]
    return render(request, "interactions/label_names.html", {"rows": rows, "languages": languages, "section": "sops"})
