"""The scorecard definition format: what YAML/JSON files and the API exchange (docs/scorecards.md)."""

from typing import Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from qadesk.scorecards.scoring import default_level

Text = dict[str, str]


def _hundredths(value: float) -> float:
    """Weights are stored to hundredths (two decimals): refuse what would be silently rounded (0.004 → 0)."""
    if round(value, 2) != value or value < 0.01:
        raise ValueError(_("must be 0.01 or more with at most 2 decimals (weights are kept to hundredths)"))
    return value


def _needs_text(value: Text) -> Text:
    if not any(v.strip() for v in value.values()):
        raise ValueError(_("needs a text in at least one language"))
    return value


class RootCauseDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=50)
    title: Text


class CriterionDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    title: Text
    guidance: Text = Field(default_factory=dict)
    scale: Literal["binary", "three", "four", "five", "ten"] = "binary"
    weight: float = Field(default=1, gt=0, le=1000)
    na_allowed: bool = True
    impact: Literal["high", "low"] = "low"
    critical: bool = False
    fail_section: bool = False
    bonus: bool = False
    competence: bool = False  # counts in the agent's competence rating (qadesk/competence)
    level: Literal["nominal", "ordinal", "interval", "ratio"] | None = None  # None: the scale's default
    root_causes: list[RootCauseDef] = Field(default_factory=list)

    _title = field_validator("title")(_needs_text)
    _weight = field_validator("weight")(_hundredths)

    @model_validator(mode="after")
    def _default_level(self) -> "CriterionDef":
        """Binary → nominal, point scales → ordinal, unless the definition says otherwise (scoring.default_level)."""
        if self.level is None:
            self.level = default_level(self.scale)  # type: ignore[assignment]
        return self


class SectionDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    title: Text
    criteria: list[CriterionDef] = Field(min_length=1)

    _title = field_validator("title")(_needs_text)


class Conditions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channels: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)


class ScorecardDef(BaseModel):
    """A whole scorecard version as a document."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    name: Text
    description: Text = Field(default_factory=dict)
    conditions: Conditions = Field(default_factory=Conditions)
    allow_above_100: bool = False
    sections: list[SectionDef] = Field(min_length=1)

    _name = field_validator("name")(_needs_text)
