"""Alert rules: who is told about which posts, and the Python evaluation of their conditions.

A rule is one YAML mapping (see ``fixtures/rules/``). Every condition given must hold (AND);
inside a list any item may match (OR), except ``text_all``. Text terms and phrases match
whole words, accent- and case-insensitively ("reynosa" matches "REYNOSA," but not
"reynosas"), exactly what the Elasticsearch percolator does with a ``match_phrase`` on a
``lowercase`` + ``asciifolding`` field. A price condition (``min_price_usd``,
``max_price_usd``, ``currency``) must hold for one single price mention, as in ``SearchQuery``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from indexer.alerts._evaluate import evaluate
from indexer.alerts.errors import RuleNotEvaluable
from indexer.normalise import words
from pipeline.records import EnrichedPost, Platform, RouteRole

_EMAIL = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+$")


class _RuleModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlaceCondition(_RuleModel):
    """A place as written or canonical (``Reynosa``, ``Reynosa, Tamaulipas, MX``), with a role."""

    name: str = Field(min_length=1)
    role: RouteRole | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class Condition(_RuleModel):
    """What a post must show for the rule to fire; an empty condition matches every ad."""

    platforms: tuple[Platform, ...] = ()
    text_any: tuple[str, ...] = ()
    text_all: tuple[str, ...] = ()
    places: tuple[PlaceCondition, ...] = ()
    countries: tuple[str, ...] = ()
    min_price_usd: float | None = Field(default=None, ge=0)
    max_price_usd: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    contacts: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    min_score: float | None = Field(default=None, ge=0.0, le=1.0)
    only_ads: bool = True
    first_post_by_author: bool = False
    raw_query: dict[str, Any] | None = None

    @field_validator("text_any", "text_all", "contacts", "aliases")
    @classmethod
    def _has_words(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not words(value):
                raise ValueError(f"{value!r} has no letters or digits to match")
        return values

    @field_validator("countries")
    @classmethod
    def _iso2(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not re.fullmatch(r"[A-Z]{2}", value):
                raise ValueError(f"{value!r} is not an ISO 3166 alpha-2 code such as MX")
        return values

    @model_validator(mode="after")
    def _price_range(self) -> Self:
        low, high = self.min_price_usd, self.max_price_usd
        if low is not None and high is not None and low > high:
            raise ValueError(f"min_price_usd {low} is above max_price_usd {high}")
        return self


@dataclass(frozen=True)
class MatchContext:
    """What the engine knows about a post beyond the post itself."""

    first_post_by_author: bool = False


@dataclass(frozen=True)
class Match:
    """A rule fired on a post; ``reasons`` say which conditions held, with the evidence."""

    rule: str
    doc_id: str
    reasons: tuple[str, ...]


class Rule(_RuleModel):
    """One alert rule: a condition, who to tell, and how often."""

    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    recipients: tuple[str, ...] = Field(min_length=1)
    enabled: bool = True
    throttle_minutes: int = Field(default=0, ge=0)
    digest_minutes: int = Field(default=0, ge=0)
    condition: Condition = Condition()

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str) -> str:
        if not value.isprintable() or not value.strip():
            raise ValueError("must be printable text on one line")
        return value.strip()

    @field_validator("recipients")
    @classmethod
    def _emails(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not _EMAIL.match(value):
                raise ValueError(f"{value!r} is not an email address")
        return values

    @model_validator(mode="after")
    def _one_pacing(self) -> Self:
        if self.throttle_minutes and self.digest_minutes:
            raise ValueError("set throttle_minutes or digest_minutes, not both")
        return self

    @property
    def evaluable_embedded(self) -> bool:
        """False when the rule has a ``raw_query``: only Elasticsearch can evaluate it."""
        return self.condition.raw_query is None

    def matches(self, post: EnrichedPost, context: MatchContext) -> Match | None:
        """Return why ``post`` satisfies every condition of the rule, or None if one fails.

        Raises ``RuleNotEvaluable`` for a rule with a ``raw_query``.
        """
        if not self.evaluable_embedded:
            raise RuleNotEvaluable(f"rule {self.name!r} has a raw_query: not evaluable embedded")
        reasons = evaluate(self.condition, post, context)
        return None if reasons is None else Match(self.name, post.doc_id, tuple(reasons))

