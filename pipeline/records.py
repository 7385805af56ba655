"""The records every stage shares, defined once: RawPost, EnrichedPost, DeadLetter, the nlp block.

Every stage imports these; nothing else defines a post's shape. The JSON schemas are
snapshotted under ``fixtures/schemas/`` (``centinela schemas --write``) so a change is a
visible diff in review.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal[1] = 1

Platform = Literal["facebook", "tiktok", "telegram", "instagram", "whatsapp", "web"]
RouteRole = Literal["origin", "transit", "crossing", "destination", "unknown"]
ContactType = Literal[
    "phone", "whatsapp", "telegram", "tiktok", "instagram", "facebook", "email", "url"
]
Service = Literal["crossing", "guide", "transport", "documents", "lodging"]
TransportMode = Literal["car", "truck", "bus", "boat", "plane", "train", "foot"]
PaymentTerm = Literal["staged", "on_arrival", "per_person", "upfront", "collateral"]


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]


def utc_now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(tz=UTC)


def make_doc_id(platform: str, source: str, native_id: str) -> str:
    """Return the stable id of a post: Kafka key, Elasticsearch ``_id`` and archive key."""
    return hashlib.sha1(  # noqa: S324 - an identifier, not a security digest
        f"{platform}:{source}:{native_id}".encode()
    ).hexdigest()


class Record(BaseModel):
    """Base of every record: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Author(Record):
    handle: str
    display_name: str | None = None
    profile_url: str | None = None


class Media(Record):
    kind: Literal["image", "video", "audio", "link"]
    url: str


class Engagement(Record):
    views: int | None = None
    likes: int | None = None
    shares: int | None = None
    comments: int | None = None


class CrawlInfo(Record):
    spider: str
    fetched_url: str
    warc_record_id: str | None = None


class RawPost(Record):
    """A public post as captured from its page, before any interpretation."""

    schema_version: Literal[1] = SCHEMA_VERSION
    doc_id: str = Field(pattern=r"^[0-9a-f]{40}$")
    platform: Platform
    source: str = Field(min_length=1)
    native_id: str = Field(min_length=1)
    url: str
    author: Author
    published_at: UtcDatetime
    collected_at: UtcDatetime
    text: str
    lang_hint: str | None = None
    media: tuple[Media, ...] = ()
    engagement: Engagement = Engagement()
    crawl: CrawlInfo
    edited: bool = False
    deleted: bool = False


# --- the nlp block: also the output of `centinela extract` -------------------------------


class Span(Record):
    raw: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class PriceMention(Span):
    amount: float = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    amount_usd: float | None = None


class PlaceMention(Span):
    name: str
    canonical: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    lat: float | None = None
    lon: float | None = None
    role: RouteRole = "unknown"


class ContactMention(Span):
    type: ContactType
    value: str


class AliasMention(Span):
    value: str


class NlpAnnotations(Record):
    """What the NLP stage says of one text: the ``nlp`` block of an EnrichedPost."""

    lang: str
    is_smuggling_ad: bool
    score: float = Field(ge=0.0, le=1.0)
    prices: tuple[PriceMention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    contacts: tuple[ContactMention, ...] = ()
    aliases: tuple[AliasMention, ...] = ()
    services: tuple[Service, ...] = ()
    transport_modes: tuple[TransportMode, ...] = ()
    payment_terms: tuple[PaymentTerm, ...] = ()


class ExtractRequest(BaseModel):
    """One input line of ``centinela extract``. Unknown keys are tolerated, not used."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    text: str
    platform: str | None = None
    lang: str | None = None


class ExtractResult(NlpAnnotations):
    """One output line of ``centinela extract``: the nlp block with the input's id."""

    id: str


class EnrichedPost(RawPost):
    """A RawPost with what the NLP stage found in it."""

    nlp: NlpAnnotations
    nlp_version: str
    enriched_at: UtcDatetime


class DeadLetter(Record):
    """Input a stage could not handle: kept whole, with the reason, never dropped."""

    schema_version: Literal[1] = SCHEMA_VERSION
    stage: str
    error_type: str
    error_message: str
    payload_b64: str
    doc_id: str | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    line: int | None = None
    first_seen_at: UtcDatetime
    attempts: int = Field(default=1, ge=1)

    @classmethod
    def from_error(
        cls,
        stage: str,
        error: BaseException,
        payload: bytes,
        **where: Any,
    ) -> DeadLetter:
        """Build a dead letter from the exception that stopped a stage on ``payload``."""
        return cls(
            stage=stage,
            error_type=type(error).__name__,
            error_message=str(error)[:2000],
            payload_b64=base64.b64encode(payload).decode("ascii"),
            first_seen_at=utc_now(),
            **where,
        )

    def payload(self) -> bytes:
        """Return the original bytes."""
        return base64.b64decode(self.payload_b64)


def enrich(raw: RawPost, nlp: NlpAnnotations, nlp_version: str) -> EnrichedPost:
    """Combine a RawPost with its annotations."""
    return EnrichedPost(
        **raw.model_dump(), nlp=nlp, nlp_version=nlp_version, enriched_at=utc_now()
    )


SCHEMAS: dict[str, type[BaseModel]] = {
    "raw_post": RawPost,
    "enriched_post": EnrichedPost,
    "dead_letter": DeadLetter,
    "extract_request": ExtractRequest,
    "extract_result": ExtractResult,
}
