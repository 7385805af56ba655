"""Builders of EnrichedPosts for store and alert tests: invented people, handles and numbers.

Records are constructed directly (no NLP stage), so these tests only depend on the shared
record types.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.records import (
    AliasMention,
    Author,
    ContactMention,
    CrawlInfo,
    EnrichedPost,
    NlpAnnotations,
    PlaceMention,
    Platform,
    PriceMention,
    RouteRole,
    make_doc_id,
)

# canonical, country per place used in the tests (a tiny gazetteer)
GAZETTEER = {
    "Reynosa": ("Reynosa, Tamaulipas, MX", "MX"),
    "Houston": ("Houston, Texas, US", "US"),
    "Tapachula": ("Tapachula, Chiapas, MX", "MX"),
    "Guate": ("Guatemala City, Guatemala, GT", "GT"),
    "CDMX": ("Mexico City, Ciudad de México, MX", "MX"),
    "Querétaro": ("Querétaro, Querétaro, MX", "MX"),
    "Necoclí": ("Necoclí, Antioquia, CO", "CO"),
}


def price(amount: float, currency: str = "USD", usd: float | None = None) -> PriceMention:
    """Return a price mention; ``usd`` defaults to ``amount`` for USD."""
    amount_usd = usd if usd is not None else (amount if currency == "USD" else None)
    raw = f"{amount:,.0f} {currency}"
    return PriceMention(
        raw=raw, start=0, end=len(raw), amount=amount, currency=currency, amount_usd=amount_usd
    )


def place(name: str, role: RouteRole = "unknown") -> PlaceMention:
    """Return a place mention resolved with the tiny gazetteer above."""
    canonical, country = GAZETTEER[name]
    return PlaceMention(
        raw=name, start=0, end=len(name), name=name, canonical=canonical, country=country,
        role=role,
    )


def contact(value: str, kind: str = "whatsapp") -> ContactMention:
    """Return a contact mention of ``kind`` (phone, whatsapp, telegram, email...)."""
    return ContactMention.model_validate(
        {"raw": value, "start": 0, "end": len(value), "type": kind, "value": value}
    )


def alias(value: str) -> AliasMention:
    """Return an alias mention."""
    return AliasMention(raw=value, start=0, end=len(value), value=value)


def enriched(
    native_id: str,
    text: str,
    *,
    platform: Platform = "telegram",
    source: str = "viajes_demo",
    handle: str | None = None,
    published: datetime | None = None,
    is_ad: bool = True,
    score: float = 0.9,
    prices: tuple[PriceMention, ...] = (),
    places: tuple[PlaceMention, ...] = (),
    contacts: tuple[ContactMention, ...] = (),
    aliases: tuple[AliasMention, ...] = (),
    url: str | None = None,
) -> EnrichedPost:
    """Return an EnrichedPost from an invented source, with the given annotations."""
    when = published or datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    return EnrichedPost(
        doc_id=make_doc_id(platform, source, native_id),
        platform=platform,
        source=source,
        native_id=native_id,
        url=url or f"http://127.0.0.1:8080/{platform}/{source}/{native_id}",
        author=Author(handle=handle or source, display_name="Viajes Demo"),
        published_at=when,
        collected_at=when,
        text=text,
        crawl=CrawlInfo(spider=platform, fetched_url=f"http://127.0.0.1:8080/{source}"),
        nlp=NlpAnnotations(
            lang="es", is_smuggling_ad=is_ad, score=score, prices=prices, places=places,
            contacts=contacts, aliases=aliases,
        ),
        nlp_version="test-1",
        enriched_at=when,
    )
