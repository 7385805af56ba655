"""The search a user or a tool asks of a store, independent of the store that answers it.

``SearchQuery`` is what ``centinela search`` builds from its options and what both the
embedded SQLite store and the Elasticsearch search translate into their own query language,
so the two answer the same question the same way:

- ``text``: words and ``"quoted phrases"``, all required, accent- and case-insensitive.
- ``place`` matches a place as written or its canonical name (or the canonical's city part);
  ``place``, ``country`` and ``role`` constrain the *same* place mention.
- ``min_price_usd``, ``max_price_usd`` and ``currency`` constrain the *same* price mention.
- ``contact`` is compared after normalisation (phone digits, ``@`` and case dropped); a phone
  without ``+`` and with at least 7 digits also matches as a suffix of a stored number.
- ``alias`` is compared accent- and case-insensitively, whole alias.
"""

from __future__ import annotations

import re
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.records import Platform, RouteRole, UtcDatetime

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


class SearchQuery(BaseModel):
    """What to look for among stored posts: full text plus facet filters, all combined (AND)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    platform: Platform | None = None
    source: str | None = None
    place: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    role: RouteRole | None = None
    min_price_usd: float | None = Field(default=None, ge=0)
    max_price_usd: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    contact: str | None = None
    alias: str | None = None
    only_ads: bool = False
    since: UtcDatetime | None = None
    until: UtcDatetime | None = None
    limit: int = Field(default=20, ge=1, le=10_000)

    @field_validator("text", "source", "place", "contact", "alias")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip()

    @field_validator("country", "currency")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        low, high = self.min_price_usd, self.max_price_usd
        if low is not None and high is not None and low > high:
            raise ValueError(f"min_price_usd {low} is above max_price_usd {high}")
        if self.since and self.until and self.since > self.until:
            raise ValueError("since is after until")
        return self

    def text_clauses(self) -> list[str]:
        """Return the text as its required clauses: single words and quoted phrases, in order.

        ``'cruce "el güero" reynosa'`` → ``["cruce", "el güero", "reynosa"]``.
        """
        if not self.text:
            return []
        clauses = []
        for phrase, word in _TOKEN.findall(self.text):
            clause = (phrase or word).strip()
            if clause:
                clauses.append(clause)
        return clauses
