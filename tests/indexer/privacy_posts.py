"""Posts whose spans point at their words, for the privacy tests: fictitious +1 555-01xx only."""

from __future__ import annotations

from datetime import UTC, datetime

from indexer.privacy import ContactPrivacy
from pipeline.records import (
    AliasMention,
    ContactMention,
    ContactType,
    EnrichedPost,
    Media,
    PlaceMention,
    PriceMention,
)
from tests.indexer.posts import enriched

KEY = b"test-key-0123456789abcdef"
OTHER_KEY = b"another-test-key-0123456789"
HASH = ContactPrivacy("hash", KEY)
REDACT = ContactPrivacy("redact")
PHONE = "+12025550142"
PHONE_WRITTEN = "+1 (202) 555-0142"
PHONE_DIGITS = "2025550142"
OTHER_PHONE = "+12025550187"
HANDLE = "coyote_demo_0142"


def _span(text: str, raw: str, after: int = 0) -> dict[str, object]:
    start = text.index(raw, after)
    return {"raw": raw, "start": start, "end": start + len(raw)}


def spanned(
    native_id: str,
    text: str,
    *,
    contacts: tuple[tuple[str, ContactType, str], ...] = (),
    prices: tuple[tuple[str, float], ...] = (),
    places: tuple[tuple[str, str], ...] = (),
    aliases: tuple[str, ...] = (),
    media: tuple[str, ...] = (),
    published: datetime | None = None,
    collected: datetime | None = None,
) -> EnrichedPost:
    """Return a post whose every mention's span holds exactly its raw text.

    ``contacts`` are (raw as written, type, normalised value); ``places`` (raw, role).
    """
    post = enriched(
        native_id, text, published=published or datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        contacts=tuple(
            ContactMention.model_validate({**_span(text, raw), "type": kind, "value": value})
            for raw, kind, value in contacts
        ),
        prices=tuple(
            PriceMention.model_validate({**_span(text, raw), "amount": amount,
                                         "currency": "USD", "amount_usd": amount})
            for raw, amount in prices
        ),
        places=tuple(
            PlaceMention.model_validate({**_span(text, raw), "name": raw, "role": role,
                                         "canonical": f"{raw}, Demo, MX", "country": "MX"})
            for raw, role in places
        ),
        aliases=tuple(
            AliasMention.model_validate({**_span(text, raw), "value": raw}) for raw in aliases
        ),
    )
    update: dict[str, object] = {"media": tuple(Media(kind="link", url=url) for url in media)}
    if collected is not None:
        update["collected_at"] = collected
    return post.model_copy(update=update)


def phone_ad(
    native_id: str = "phone-ad",
    *,
    published: datetime | None = None,
    collected: datetime | None = None,
) -> EnrichedPost:
    """An ad with the same phone written twice, a handle, a price, a place and an alias."""
    text = (f"🇺🇸 Cruce por Reynosa 5,500 dlls. WhatsApp {PHONE_WRITTEN} o wa.me/12025550142, "
            f"telegram @{HANDLE}. Pregunta por El Güero ✅ 电话 مرحبا")
    return spanned(
        native_id, text,
        contacts=((PHONE_WRITTEN, "whatsapp", PHONE), (f"@{HANDLE}", "telegram", HANDLE)),
        prices=(("5,500 dlls", 5500),), places=(("Reynosa", "crossing"),),
        aliases=("El Güero",), media=("https://wa.me/12025550142",),
        published=published, collected=collected,
    )
