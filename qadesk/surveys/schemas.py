"""The survey definition format: what YAML/JSON files, the API and the shipped templates exchange (docs/surveys.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Text = dict[str, str]
Code = Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
OPERATORS = ("<=", ">=", "==", "!=", "in")
CHOICE_KINDS = ("single", "multiple")


def _needs_text(value: Text) -> Text:
    if not any(str(v).strip() for v in value.values()):
        raise ValueError(_("needs a text in at least one language"))
    return value


class ChoiceDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Code
    text: Text

    _text = field_validator("text")(_needs_text)


class ConditionDef(BaseModel):
    """Show the question only when an earlier question's answer meets this, e.g. csat <= 2."""

    model_config = ConfigDict(extra="forbid")
    question: str = Code
    op: Literal["<=", ">=", "==", "!=", "in"] = "=="
    value: int | str | list[int | str]


class QuestionDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Code
    kind: Literal["csat", "nps", "ces", "yes_no", "single", "multiple", "text"]
    text: Text
    help: Text = Field(default_factory=dict)
    required: bool = False
    choices: list[ChoiceDef] = Field(default_factory=list)
    condition: ConditionDef | None = None

    _text = field_validator("text")(_needs_text)

    @model_validator(mode="after")
    def _choices_fit_the_kind(self) -> QuestionDef:
        if self.kind in CHOICE_KINDS and len(self.choices) < 2:
            raise ValueError(_("a choice question needs at least two choices"))
        if self.kind not in CHOICE_KINDS and self.choices:
            raise ValueError(_("only single and multiple choice questions have choices"))
        codes = [c.code for c in self.choices]
        if len(codes) != len(set(codes)):
            raise ValueError(_("choice codes repeat"))
        return self


class SurveyDef(BaseModel):
    """A whole survey version as a document."""

    model_config = ConfigDict(extra="forbid")
    code: str = Code
    name: Text
    kind: Literal[
        "post_contact", "expectation", "self_service", "relationship", "complaint_outcome", "suggestion_box", "other"
    ] = "other"
    anonymous: bool = False
    open_link: bool = False
    title: Text = Field(default_factory=dict)
    intro: Text = Field(default_factory=dict)
    thanks: Text = Field(default_factory=dict)
    questions: list[QuestionDef] = Field(min_length=1, max_length=50)

    _name = field_validator("name")(_needs_text)

    @model_validator(mode="after")
    def _conditions_look_back(self) -> SurveyDef:
        """Codes are unique, and a condition names an earlier question (a survey is answered top to bottom)."""
        seen: set[str] = set()
        for index, question in enumerate(self.questions):
            if question.code in seen:
                raise ValueError(_("questions[{i}].code: {code} is used twice").format(i=index, code=question.code))
            if question.condition is not None and question.condition.question not in seen:
                raise ValueError(
                    _("questions[{i}].condition: {code} is not an earlier question").format(
                        i=index, code=question.condition.question
                    )
                )
            seen.add(question.code)
        return self


def condition_met(condition: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """Whether a question with this condition is shown, given the answers so far ({code: value or list of codes}).

    No condition: always. A condition on an unanswered question: not shown. `in` takes a list; a multiple-choice
    answer meets `==` / `in` when any chosen code matches."""
    if not condition:
        return True
    answer = answers.get(str(condition.get("question")))
    if answer is None or answer == "" or answer == []:
        return False
    op, target = condition.get("op", "=="), condition.get("value")
    values = answer if isinstance(answer, list) else [answer]
    targets = target if isinstance(target, list) else [target]
    try:
        if op == "<=":
            return any(float(v) <= float(target) for v in values)  # type: ignore[arg-type]
        if op == ">=":
            return any(float(v) >= float(target) for v in values)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    matches = any(str(v) == str(t) for v in values for t in targets)
    return not matches if op == "!=" else matches
