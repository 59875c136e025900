"""pydantic's errors in the user's language: the shared reasons (core/validation.py) and the API's 422 answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import pytest
from django.test import Client
from django.utils import translation
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from qadesk.accounts.models import User
from qadesk.accounts.services import api_token_create
from qadesk.core.validation import error_message, error_messages, field_path


def _even(value: int) -> int:
    if value % 2:
        raise ValueError(translation.gettext("must be even"))
    return value


def _no_spaces(value: str) -> str:
    if " " in value:
        raise PydanticCustomError("no_spaces", "{value} has spaces", {"value": value})
    return value


class Line(BaseModel):
    author: Literal["customer", "agent", "system"]


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=5)
    name: str = Field("x", min_length=3)
    by: Literal["agent", "team"] = "agent"
    at: datetime | None = None
    day: date | None = None
    count: int = Field(0, ge=0, le=10)
    ratio: float = 0.0
    flag: bool = False
    pair: Annotated[int, AfterValidator(_even)] = 0
    tag: Annotated[str, AfterValidator(_no_spaces)] = ""
    step: int = Field(0, multiple_of=5)
    lines: list[Line] = []


def reasons(**data: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Thing(**data)
    return dict(error_messages(caught.value))


def test_it_names_each_field_and_says_what_is_wrong_in_plain_words() -> None:
    assert reasons(name="ab", by="site", count=-1, ratio="much", flag="perhaps", lines=[{"author": "robot"}], extra=1) == {
        "code": "is required",
        "name": "is shorter than 3 characters",
        "by": "'site' is not one of: 'agent', 'team'",
        "count": "must be 0 or more",
        "ratio": "'much' is not a number",
        "flag": "'perhaps' is not true or false",
        "lines[0].author": "'robot' is not one of: 'customer', 'agent', 'system'",
        "extra": "is not an accepted field",
    }


def test_it_covers_lengths_dates_whole_numbers_and_shapes() -> None:
    assert reasons(code="", at="yesterday", day="2026-13-01", count="3.5", step=3, lines="none") == {
        "code": "must not be empty",
        "at": "'yesterday' is not a date and time (ISO 8601, e.g. 2026-10-01T09:00:00Z)",
        "day": "'2026-13-01' is not a date (YYYY-MM-DD)",
        "count": "'3.5' is not a whole number",
        "step": "is not valid",  # no reason of its own: the generic one
        "lines": "must be a list",
    }
    assert reasons(code="toolong", count=11, lines=[1]) == {
        "code": "must be at most 5 characters",
        "count": "must be 10 or less",
        "lines[0]": "must be an object",
    }


class Measure(BaseModel):
    mos: Annotated[float, Field(ge=1, le=5)] | None = None
    loss: float = Field(0.0, ge=0.5, lt=100)


def test_a_float_fields_whole_bound_reads_as_a_whole_number() -> None:
    def reasons_of(**data: Any) -> dict[str, str]:
        with pytest.raises(ValidationError) as caught:
            Measure(**data)
        return dict(error_messages(caught.value))

    assert reasons_of(mos=0.5, loss=0.1) == {"mos": "must be 1 or more", "loss": "must be 0.5 or more"}
    assert reasons_of(mos="5.5", loss=100) == {"mos": "must be 5 or less", "loss": "must be less than 100"}


def test_a_validators_own_message_is_kept_as_it_was_raised() -> None:
    # A validator translates its message where it raises it, in the language active while validating.
    assert reasons(code="a", pair=3, tag="a b") == {"pair": "must be even", "tag": "a b has spaces"}


def test_without_the_rejected_value_the_reason_does_not_quote_it() -> None:
    # The API's errors come without `input` (django-ninja drops it): the reason must still read well.
    error = {"type": "literal_error", "loc": ("query", "by"), "msg": "…", "ctx": {"expected": "'agent' or 'team'"}}
    assert error_message(error) == "is not one of: 'agent', 'team'"
    assert error_message({"type": "bool_parsing", "loc": ("flag",), "msg": "…"}) == "is not true or false"
    assert error_message({"type": "value_error", "loc": ("x",), "msg": "Value error, odd", "ctx": {"error": "odd"}}) == "odd"


@pytest.mark.parametrize(
    ("language", "required", "quoted"),
    [
        ("it", "è obbligatorio", "'robot' non è tra i valori ammessi: 'customer', 'agent', 'system'"),
        ("fr", "est obligatoire", "'robot' ne fait pas partie de\u00a0: 'customer', 'agent', 'system'"),
    ],
)
def test_it_answers_in_the_active_language(language: str, required: str, quoted: str) -> None:
    with translation.override(language):
        assert reasons(lines=[{"author": "robot"}]) == {"code": required, "lines[0].author": quoted}


def test_it_writes_a_location_as_a_field_path() -> None:
    assert field_path(("messages", 3, "author")) == "messages[3].author"
    assert field_path(["query", "a_from"]) == "query.a_from"


API = "/api/v1/reports/discrepancies"
BAD = {"by": "site", "a_to": "2026-09-30", "b_from": "2026-10-01", "b_to": "2026-10-31"}  # a_from missing, by not allowed


def _answer(client: Client, **headers: str) -> dict[tuple[str, ...], dict[str, Any]]:
    response = client.get(API, BAD, headers=headers)
    assert response.status_code == 422
    return {tuple(error["loc"]): error for error in response.json()["detail"]}


def _expected(language: str) -> tuple[str, str]:
    with translation.override(language):
        required = translation.gettext("is required")
        not_one_of = translation.gettext("is not one of: {expected}").format(expected="'agent', 'team'")
    return required, not_one_of


@pytest.mark.django_db
def test_the_api_answers_422_in_english_by_default_with_each_fields_location(client: Client, qa_lead: User) -> None:
    client.force_login(qa_lead)
    errors = _answer(client)
    assert {loc: (e["type"], e["msg"]) for loc, e in errors.items()} == {
        ("query", "a_from"): ("missing", "is required"),
        ("query", "by"): ("literal_error", "is not one of: 'agent', 'team'"),
    }
    assert errors[("query", "by")]["ctx"] == {"expected": "'agent' or 'team'"}  # the figures stay for programs


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "required"), [("it", "è obbligatorio"), ("fr", "est obligatoire")])
def test_the_api_answers_422_in_the_users_language(client: Client, qa_lead: User, language: str, required: str) -> None:
    qa_lead.language = language
    qa_lead.save()
    client.force_login(qa_lead)
    session = _answer(client)
    _token, key = api_token_create(user=qa_lead, name="test")
    token = _answer(Client(), Authorization=f"Bearer {key}")
    for errors in (session, token):
        assert errors[("query", "a_from")]["msg"] == required == _expected(language)[0]
        assert errors[("query", "by")]["msg"] == _expected(language)[1]


@pytest.mark.django_db
def test_without_a_preference_the_api_follows_accept_language(client: Client, qa_lead: User) -> None:
    qa_lead.language = ""
    qa_lead.save()
    client.force_login(qa_lead)
    assert _answer(client, Accept_Language="fr")[("query", "a_from")]["msg"] == "est obligatoire"
    assert _answer(client, Accept_Language="it")[("query", "a_from")]["msg"] == "è obbligatorio"
