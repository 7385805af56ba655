"""Searching the embedded store: accent-folded full text and every facet filter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from indexer.embedded import EmbeddedStore
from indexer.query import SearchQuery
from pipeline.records import EnrichedPost


def _ids(store: EmbeddedStore, **query: Any) -> list[str]:
    return [hit.post.native_id for hit in store.search(SearchQuery(**query))]


@pytest.fixture
def loaded(store: EmbeddedStore, corpus: list[EnrichedPost]) -> EmbeddedStore:
    store.add(corpus)
    store.flush()
    return store


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reynosa", {"reynosa", "warning"}),          # "REYNOSA" and "Reynosa"
        ("REYNOSA", {"reynosa", "warning"}),
        ("guero", {"reynosa"}),                        # "Güero"
        ("GÜERO", {"reynosa"}),
        ("necocli", {"darien"}),
        ('"cruce por reynosa"', {"reynosa"}),          # a phrase
        ('"reynosa por cruce"', set()),                # words present, not in that order
        ("cruce reynosa", {"reynosa"}),                # all words required
        ("reynosas", set()),                           # whole words only
        ('OR AND "unbalanced * NEAR( -', set()),       # FTS5 syntax is never interpreted
        ("@rutas.demo", {"pesos"}),                    # the author handle is indexed
    ],
)
def test_full_text_is_accent_and_case_insensitive(
    loaded: EmbeddedStore, text: str, expected: set[str]
) -> None:
    assert set(_ids(loaded, text=text)) == expected


def test_text_hits_are_ranked_and_highlighted(loaded: EmbeddedStore) -> None:
    hits = loaded.search(SearchQuery(text="reynosa"))
    assert hits[0].score >= hits[1].score > 0
    snippets = {hit.post.native_id: hit.snippet for hit in hits}
    assert snippets["reynosa"] is not None and "«REYNOSA»" in snippets["reynosa"]


def test_without_text_newest_first_no_snippet(loaded: EmbeddedStore) -> None:
    hits = loaded.search(SearchQuery())
    assert [hit.post.native_id for hit in hits] == [
        "guate", "darien", "warning", "pesos", "houston", "reynosa"
    ]
    assert all(hit.snippet is None and hit.score == 0.0 for hit in hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"platform": "facebook"}, {"houston"}),
        ({"source": "@rutas.demo"}, {"pesos"}),
        ({"place": "reynosa"}, {"reynosa", "warning"}),
        ({"place": "Reynosa, Tamaulipas, MX"}, {"reynosa", "warning"}),
        ({"place": "QUERETARO"}, {"pesos"}),                      # accent-folded
        ({"place": "Guatemala City"}, {"guate"}),                  # canonical city part
        ({"place": "guate"}, {"guate"}),                           # as written
        ({"country": "co"}, {"darien"}),
        ({"country": "MX", "role": "transit"}, {"guate"}),         # same mention: CDMX
        ({"place": "Reynosa", "role": "crossing"}, {"reynosa"}),
        ({"place": "Houston", "role": "origin"}, set()),
        ({"role": "destination"}, {"houston"}),
        ({"min_price_usd": 5000}, {"reynosa", "houston", "pesos"}),
        ({"max_price_usd": 5000}, {"pesos", "darien"}),
        ({"min_price_usd": 1000, "max_price_usd": 6000}, {"reynosa", "pesos"}),
        ({"currency": "mxn"}, {"pesos"}),
        ({"currency": "MXN", "min_price_usd": 6000}, set()),       # same mention
        ({"contact": "+52 (899) 010-7323"}, {"reynosa"}),
        ({"contact": "899 010 7323"}, {"reynosa"}),                # national number, suffix
        ({"contact": "10 7323"}, set()),                           # too short for a suffix
        ({"contact": "@coyote_chuy"}, {"houston"}),
        ({"contact": "RUTAS.DEMO@EXAMPLE.ORG"}, {"pesos"}),
        ({"contact": "+502 5092 2097"}, {"darien"}),
        ({"alias": "el guero"}, {"reynosa"}),
        ({"alias": "Coyote  CHUY"}, {"houston"}),
        ({"alias": "Güero"}, set()),                               # whole alias
        ({"only_ads": True, "place": "Reynosa"}, {"reynosa"}),
        ({"since": datetime(2026, 3, 11, tzinfo=UTC)}, {"warning", "darien", "guate"}),
        ({"until": datetime(2026, 2, 10, tzinfo=UTC)}, {"reynosa", "houston"}),
        ({"text": "cruce", "platform": "tiktok"}, {"pesos"}),
        ({"text": "cruce", "max_price_usd": 5000}, {"pesos"}),
    ],
)
def test_every_filter(loaded: EmbeddedStore, query: dict[str, Any], expected: set[str]) -> None:
    assert set(_ids(loaded, **query)) == expected


def test_limit_caps_the_hits(loaded: EmbeddedStore) -> None:
    assert len(loaded.search(SearchQuery(limit=2))) == 2


def test_query_validation() -> None:
    with pytest.raises(ValidationError, match="above max_price_usd"):
        SearchQuery(min_price_usd=9000, max_price_usd=5000)
    with pytest.raises(ValidationError, match="since is after until"):
        SearchQuery(since=datetime(2026, 2, 1, tzinfo=UTC), until=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValidationError, match="timezone-aware"):
        SearchQuery(since=datetime(2026, 2, 1))  # noqa: DTZ001 - the naive input under test
    with pytest.raises(ValidationError, match="Extra inputs"):
        SearchQuery(txt="reynosa")  # type: ignore[call-arg]
    query = SearchQuery(text="  ", country="mx", currency="usd")
    assert (query.text, query.country, query.currency) == (None, "MX", "USD")
    clauses = SearchQuery(text='cruce "El Güero"  reynosa').text_clauses()
    assert clauses == ["cruce", "El Güero", "reynosa"]
