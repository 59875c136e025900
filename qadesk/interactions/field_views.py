"""The custom fields page (admins): the fields declared, the undeclared ones imports carried, and a form per field."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qadesk.accounts.models import Role, User
from qadesk.core.errors import ApplicationError, InvalidInput
from qadesk.interactions.forms import CustomFieldForm, custom_field_initial
from qadesk.interactions.models import CustomField
from qadesk.interactions.selectors import custom_fields_undeclared
from qadesk.interactions.services import custom_field_save


def _admin(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not (user.is_superuser or user.role == Role.ADMIN):
        raise PermissionDenied
    return user


@login_required
def custom_field_list_view(request: HttpRequest) -> HttpResponse:
    """The declared fields with their names and types, then the undeclared keys imports carried, each to declare."""
    _admin(request)
    context = {"fields": CustomField.objects.order_by("key"), "undeclared": custom_fields_undeclared(), "section": "accounts"}
    return render(request, "interactions/custom_field_list.html", context)


@login_required
def custom_field_edit_view(request: HttpRequest, key: str | None = None) -> HttpResponse:
    """Declare a field (`?key=` prefills an undeclared one) or change a declared one: names, type, accepted values."""
    actor = _admin(request)
    field = get_object_or_404(CustomField, key=key) if key is not None else None
    initial = custom_field_initial(field) if field else {"key": request.GET.get("key", "")[:50]}
    form = CustomFieldForm(request.POST or None, initial=initial, editing=field is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if field is None and CustomField.objects.filter(key=data["key"]).exists():
            form.add_error("key", _("A field with this key is declared already."))
        else:
            try:
                saved = custom_field_save(
                    actor=actor,
                    key=field.key if field else data["key"],
                    label=data["name"],
                    type=data["type"],
                    choices=form.choice_list(),
                    names=form.names(),
                )
            except InvalidInput as exc:
                form.add_error(exc.field[0] if exc.field and exc.field[0] in form.fields else None, str(exc.message))
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Custom field {name} saved.").format(name=saved))
                return redirect("custom_fields:list")
    context = {"form": form, "field": field, "section": "accounts"}
    return render(request, "interactions/custom_field_form.html", context)
