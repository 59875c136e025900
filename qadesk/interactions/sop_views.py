"""The SOP catalogue's pages: the list (everyone who reviews reads it), and one SOP's form for QA leads and admins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qadesk.accounts.models import Role, User
from qadesk.core.errors import ApplicationError
from qadesk.interactions.forms import SopForm, StepFormSet, sop_form_data, sop_form_initial
from qadesk.interactions.models import Sop
from qadesk.interactions.selectors import sop_list
from qadesk.interactions.services import sop_save


def _may_edit(user: User) -> bool:
    return bool(user.is_superuser or user.role in {Role.ADMIN, Role.QA_LEAD})


@login_required
def sop_list_view(request: HttpRequest) -> HttpResponse:
    """Every SOP with its labels and steps; placeholders (created by an import) flagged to complete."""
    return render(request, "interactions/sop_list.html", {"sops": sop_list(), "may_edit": _may_edit(request.user)})  # type: ignore[arg-type]


@login_required
def sop_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or change one SOP: code, title, labels and its steps in order."""
    if not _may_edit(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    sop = get_object_or_404(Sop, pk=pk) if pk else None
    head, steps = sop_form_initial(sop) if sop else ({}, [])
    form = SopForm(request.POST or None, initial=head)
    formset = StepFormSet(request.POST or None, initial=steps, prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            sop = sop_save(actor=request.user, sop=sop, data=sop_form_data(form, formset))  # type: ignore[arg-type]
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("SOP {code} saved.").format(code=sop.code))
            return redirect("sops:list")
    return render(request, "interactions/sop_form.html", {"sop": sop, "form": form, "formset": formset})
