"""Fixtures of the store tests: a fresh SQLite store per test, and a small corpus."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from indexer.embedded import EmbeddedStore
from pipeline.records import EnrichedPost
from tests.indexer.posts import alias, contact, enriched, place, price


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """An empty store in a temporary file, closed after the test."""
    with EmbeddedStore(tmp_path / "store.sqlite3") as opened:
        yield opened


@pytest.fixture
def corpus() -> list[EnrichedPost]:
    """Six invented posts covering every facet; native ids name them in assertions."""
    return [
        enriched(
            "reynosa", "VIAJES SEGUROS 🇺🇸 CRUCE POR REYNOSA $5,500 dlls pregunta por El Güero",
            published=datetime(2026, 1, 10, tzinfo=UTC),
            prices=(price(5500),), places=(place("Reynosa", "crossing"),),
            contacts=(contact("+528990107323"),), aliases=(alias("El Güero"),),
        ),
        enriched(
            "houston", "Salida de Tapachula, entrega en Houston. 12 mil dólares viaje completo",
            platform="facebook", source="viajes_norte_fb",
            published=datetime(2026, 2, 10, tzinfo=UTC),
            prices=(price(12000),),
            places=(place("Tapachula", "origin"), place("Houston", "destination")),
            contacts=(contact("@Coyote_Chuy", "telegram"),), aliases=(alias("Coyote Chuy"),),
        ),
        enriched(
            "pesos", "Cruce garantizado 90 mil pesos, salida de Querétaro",
            platform="tiktok", source="@rutas.demo",
            published=datetime(2026, 3, 10, tzinfo=UTC),
            prices=(price(90000, "MXN", usd=5000),), places=(place("Querétaro", "origin"),),
            contacts=(contact("rutas.demo@example.org", "email"),),
        ),
        enriched(
            "warning", "Ojo: no paguen a coyotes en Reynosa, es fraude",
            published=datetime(2026, 3, 11, tzinfo=UTC), is_ad=False, score=0.1,
            places=(place("Reynosa", "unknown"),),
        ),
        enriched(
            "darien", "Paso por la trocha desde Necoclí, guía de confianza, 800 verdes",
            published=datetime(2026, 3, 12, tzinfo=UTC),
            prices=(price(800),), places=(place("Necoclí", "transit"),),
            contacts=(contact("+50250922097", "phone"),),
        ),
        enriched(
            "guate", "Desde Guate hasta CDMX, luego el norte. Info x inbox",
            published=datetime(2026, 3, 13, tzinfo=UTC), score=0.6,
            places=(place("Guate", "origin"), place("CDMX", "transit")),
        ),
    ]
