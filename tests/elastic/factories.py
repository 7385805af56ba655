"""EnrichedPosts for the Elasticsearch tests: invented people, handles and numbers only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.records import (
    AliasMention,
    Author,
    ContactMention,
    CrawlInfo,
    Engagement,
    EnrichedPost,
    Media,
    NlpAnnotations,
    PlaceMention,
    PriceMention,
    RouteRole,
    make_doc_id,
)

WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

_PLACES: dict[str, tuple[str, str, float, float]] = {
    "Tapachula": ("Tapachula, Chiapas, MX", "MX", 14.90, -92.26),
    "CDMX": ("Mexico City, Ciudad de México, MX", "MX", 19.43, -99.13),
    "Reynosa": ("Reynosa, Tamaulipas, MX", "MX", 26.08, -98.29),
    "Houston": ("Houston, Texas, US", "US", 29.76, -95.37),
}

FULL_TEXT = (
    "VIAJES SEGUROS 🇺🇸 salida de Tapachula, pasando por CDMX, cruce por REYNOSA, "
    "entrega en Houston. $8,500 dlls, mitad al salir y mitad al llegar. "
    "Pregunta por El Güero, wa.me/528995550142 o @viajes_guero_demo"
)


def place(name: str, role: RouteRole, *, coords: bool = True) -> PlaceMention:
    """Return a resolved place mention (coordinates from a tiny invented gazetteer)."""
    canonical, country, lat, lon = _PLACES[name]
    start = max(FULL_TEXT.find(name), 0)
    return PlaceMention(
        raw=name,
        start=start,
        end=start + len(name),
        name=name,
        canonical=canonical,
        country=country,
        lat=lat if coords else None,
        lon=lon if coords else None,
        role=role,
    )


def price(amount: float, currency: str = "USD", usd: float | None = None) -> PriceMention:
    """Return a price mention; USD amounts are their own ``amount_usd``."""
    raw = f"{amount:,.0f} {currency}"
    amount_usd = usd if usd is not None else (amount if currency == "USD" else None)
    return PriceMention(
        raw=raw, start=0, end=len(raw), amount=amount, currency=currency, amount_usd=amount_usd
    )


def contact(value: str, kind: str = "whatsapp") -> ContactMention:
    """Return a contact mention."""
    return ContactMention.model_validate(
        {"raw": value, "start": 0, "end": len(value), "type": kind, "value": value}
    )


def alias(value: str) -> AliasMention:
    """Return an alias mention."""
    return AliasMention(raw=value, start=0, end=len(value), value=value)


def post(
    native_id: str,
    text: str = "Cruce por Reynosa, info x inbox",
    *,
    nlp: NlpAnnotations | None = None,
    published: datetime = WHEN,
    source: str = "viajes_demo",
) -> EnrichedPost:
    """Return an EnrichedPost from an invented Telegram channel."""
    return EnrichedPost(
        doc_id=make_doc_id("telegram", source, native_id),
        platform="telegram",
        source=source,
        native_id=native_id,
        url=f"http://127.0.0.1:8080/s/{source}/{native_id}",
        author=Author(handle=source, display_name="Viajes Demo"),
        published_at=published,
        collected_at=published + timedelta(hours=1),
        text=text,
        crawl=CrawlInfo(spider="telegram", fetched_url=f"http://127.0.0.1:8080/s/{source}"),
        nlp=nlp or NlpAnnotations(lang="es", is_smuggling_ad=True, score=0.8),
        nlp_version="test-1",
        enriched_at=published + timedelta(hours=2),
    )


def full_post(native_id: str = "full-1") -> EnrichedPost:
    """Return a post with every field of the record filled in."""
    base = post(native_id, FULL_TEXT)
    nlp = NlpAnnotations(
        lang="es",
        is_smuggling_ad=True,
        score=0.97,
        prices=(price(8500), price(31200, "MXN", usd=1820.5)),
        places=(
            place("Tapachula", "origin"),
            place("CDMX", "transit"),
            place("Reynosa", "crossing"),
            place("Houston", "destination", coords=False),
        ),
        contacts=(contact("+528995550142"), contact("viajes_guero_demo", "telegram")),
        aliases=(alias("El Güero"),),
        services=("crossing", "transport"),
        transport_modes=("car",),
        payment_terms=("staged", "on_arrival"),
    )
    return base.model_copy(
        update={
            "author": Author(
                handle="viajes_guero_demo",
                display_name="Viajes Güero",
                profile_url="http://127.0.0.1:8080/s/viajes_guero_demo",
            ),
            "lang_hint": "es",
            "media": (Media(kind="image", url="http://127.0.0.1:8080/media/1.jpg"),),
            "engagement": Engagement(views=1520, likes=33, shares=4, comments=9),
            "crawl": CrawlInfo(
                spider="telegram",
                fetched_url="http://127.0.0.1:8080/s/viajes_demo",
                warc_record_id="<urn:uuid:00000000-0000-4000-8000-000000000001>",
            ),
            "edited": True,
            "nlp": nlp,
        }
    )


def _nlp(**fields: object) -> NlpAnnotations:
    return NlpAnnotations.model_validate(
        {"lang": "es", "is_smuggling_ad": True, "score": 0.9, **fields}
    )


def search_corpus() -> list[EnrichedPost]:
    """Return five posts that tell apart the search filters (same-mention places and prices)."""
    return [
        full_post("full"),
        post(
            "origin-reynosa",
            "Salimos de reynosa hacia el norte",
            nlp=_nlp(
                places=[
                    place("Reynosa", "origin").model_dump(),
                    place("Houston", "crossing").model_dump(),
                ]
            ),
            published=WHEN - timedelta(days=3),
        ),
        post(
            "cheap-mxn",
            "Un viaje por 12 mil pesos, cruces diarios",
            nlp=_nlp(
                prices=[price(12000, "MXN", usd=700).model_dump()],
                contacts=[contact("+15555550142", "phone").model_dump()],
                aliases=[alias("Don Beto").model_dump()],
            ),
            published=WHEN - timedelta(days=10),
            source="otro_canal",
        ),
        post(
            "english",
            "Boat crossings from Calais every night, ask for Driver Sam",
            nlp=NlpAnnotations(lang="en", is_smuggling_ad=True, score=0.8),
            published=WHEN - timedelta(days=5),
        ),
        post(
            "news",
            "Advierten de fraudes de coyotes en Reynosa",
            nlp=NlpAnnotations(lang="es", is_smuggling_ad=False, score=0.1),
            published=WHEN + timedelta(days=1),
        ),
    ]
