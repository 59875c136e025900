"""The SOP catalogue's file shape (docs/sops.md), checked by pydantic: what `qadesk sop import` reads and `export` writes.

A step written as a bare string is a required step with no evidence: the shape the first catalogues used.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from qadesk.core.text import strip_bidi_controls

Phrase = Annotated[str, BeforeValidator(lambda v: strip_bidi_controls(str(v)).strip()), Field(min_length=1, max_length=300)]


def _step_shorthand(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


class StepIn(BaseModel):
    """One step of a procedure, in order: what to do, whether it is required, what shows it was done, what must not be."""

    model_config = ConfigDict(extra="forbid")

    text: Phrase
    required: bool = True
    evidence: list[Phrase] = Field(default=[], max_length=50)
    forbidden: list[Phrase] = Field(default=[], max_length=50)


class SopIn(BaseModel):
    """One SOP of the catalogue; its steps in the order the agent follows them."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, BeforeValidator(lambda v: strip_bidi_controls(str(v)).strip()), Field(min_length=1, max_length=50)]
    title: Annotated[str, BeforeValidator(lambda v: strip_bidi_controls(str(v)).strip()), Field(min_length=1, max_length=200)]
    labels: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default=[], max_length=500)
    steps: list[Annotated[StepIn, BeforeValidator(_step_shorthand)]] = Field(default=[], max_length=200)


def steps_stored(steps: list[StepIn]) -> list[dict[str, Any]]:
    """The steps as the Sop.steps column keeps them (and the export writes them)."""
    return [step.model_dump() for step in steps]


def steps_read(raw: Any) -> list[dict[str, Any]]:
    """Stored steps in the full shape, whatever their age (a bare string is a required step without evidence)."""
    if not isinstance(raw, list):
        return []
    return [StepIn.model_validate(_step_shorthand(item)).model_dump() for item in raw]
