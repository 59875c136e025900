"""Custom fields over the API: everyone reads the declarations (to filter by them), admins declare and remove them."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from qadesk.core.api import ErrorOut
from qadesk.interactions.models import CustomField

router = Router(tags=["custom fields"])


class CustomFieldIn(Schema):
    label: str = Field("", max_length=100)
    type: Literal["text", "number", "date", "choice"] = "text"
    choices: list[str] = Field([], description="For a choice field: the accepted values.", max_length=500)
    names: dict[str, str] | None = Field(
        None, description='The name per language, e.g. {"it": "Piano", "fr": "Formule"}; left out: the names stay.'
    )


class CustomFieldOut(Schema):
    key: str
    label: str
    type: str
    choices: list[str]
    names: dict[str, str]


@router.get("", response=list[CustomFieldOut], summary="The custom fields declared")
def list_custom_fields(request: HttpRequest) -> Any:
    """The custom fields an admin declared, by key: imports check rows against them, lists filter by them."""
    return CustomField.objects.order_by("key")


@router.put("/{key}", response={200: CustomFieldOut, 403: ErrorOut}, summary="Declare or change a custom field")
def put_custom_field(request: HttpRequest, key: str, payload: CustomFieldIn) -> Any:
    """Declare the field `key` (letters, digits, - and _) or change it; admins only. Values stored before stay as
    they are."""
    from qadesk.interactions.services import custom_field_save

    return custom_field_save(actor=request.user, key=key, **payload.model_dump())  # type: ignore[arg-type]


@router.delete("/{key}", response={204: None, 403: ErrorOut}, summary="Remove a custom field's declaration")
def delete_custom_field(request: HttpRequest, key: str) -> tuple[int, None]:
    """Admins only; the values interactions carry stay, as undeclared fields."""
    from qadesk.interactions.services import custom_field_delete

    custom_field_delete(actor=request.user, key=key)  # type: ignore[arg-type]
    return 204, None
