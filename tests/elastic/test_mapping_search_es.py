"""The mapping and the search on a real Elasticsearch node: folding, stemming, nested mentions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from indexer.elastic import ElasticsearchSink, from_document
from indexer.elastic.search import search
from indexer.embedded import EmbeddedStore
from indexer.query import SearchQuery
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import EnrichedPost
from pipeline.settings import ElasticsearchSettings
from tests.elastic.factories import WHEN, full_post, search_corpus

pytestmark = pytest.mark.integration


def _index(
    es: Elasticsearch,
    settings: ElasticsearchSettings,
    letters: DeadLetterFile,
    posts: list[EnrichedPost],
) -> None:
    sink = ElasticsearchSink(es, letters, settings)
    sink.add(posts)
    sink.flush()
    es.indices.refresh(index=sink.index)
    assert sink.stats.indexed == len(posts) and letters.count == 0


@pytest.fixture
def corpus(
    es: Elasticsearch,
    es_settings: ElasticsearchSettings,
    live_alias: str,
    dead_letters: DeadLetterFile,
) -> str:
    """Index a small corpus behind this test's alias; return the alias."""
    posts = search_corpus()
    _index(es, es_settings, dead_letters, posts)
    return live_alias


def _ids(es: Elasticsearch, alias_: str, **query: object) -> list[str]:
    return [hit.native_id for hit in search(es, alias_, SearchQuery.model_validate(query))]


def test_full_post_is_accepted_and_read_back_unchanged(es: Elasticsearch, corpus: str) -> None:
    original = full_post("full")
    stored = es.get(index=corpus, id=original.doc_id)
    assert stored["_id"] == original.doc_id
    assert from_document(stored["_source"]) == original


def test_text_search_folds_accents_and_case(es: Elasticsearch, corpus: str) -> None:
    assert _ids(es, corpus, text="guero") == ["full"]
    assert _ids(es, corpus, text="GÜERO") == ["full"]
    assert set(_ids(es, corpus, text="REYNOSA")) == {"full", "origin-reynosa", "news"}
    assert _ids(es, corpus, text='"el guero"') == ["full"]
    assert _ids(es, corpus, text='"guero el"') == []


def test_spanish_subfield_stems_plurals(es: Elasticsearch, corpus: str) -> None:
    def found(field: str, words: str) -> set[str]:
        response = es.search(index=corpus, query={"match": {field: words}})
        return {hit["_source"]["native_id"] for hit in response["hits"]["hits"]}

    assert found("text.es", "viajes") == {"full", "cheap-mxn"}  # "VIAJES" and "viaje"
    assert found("text", "viajes") == {"full"}  # the folded field does not stem
    assert found("text.en", "crossing") == {"english"}  # "crossings"
    assert found("text", "crossing") == set()


def test_place_country_and_role_constrain_the_same_mention(es: Elasticsearch, corpus: str) -> None:
    assert _ids(es, corpus, place="reynosa", role="crossing") == ["full"]
    assert _ids(es, corpus, place="Reynosa", role="origin") == ["origin-reynosa"]
    assert _ids(es, corpus, place="houston", role="destination") == ["full"]
    assert _ids(es, corpus, place="Reynosa, Tamaulipas, MX", country="us") == []
    assert _ids(es, corpus, country="US", role="crossing") == ["origin-reynosa"]


def test_price_bounds_and_currency_constrain_the_same_mention(
    es: Elasticsearch, corpus: str
) -> None:
    assert _ids(es, corpus, min_price_usd=8000) == ["full"]
    assert _ids(es, corpus, max_price_usd=1000) == ["cheap-mxn"]
    assert _ids(es, corpus, currency="mxn", min_price_usd=1000) == ["full"]
    assert _ids(es, corpus, currency="USD", max_price_usd=2000) == []


def test_contacts_aliases_and_filters(es: Elasticsearch, corpus: str) -> None:
    assert _ids(es, corpus, contact="+52 899 555 0142") == ["full"]
    assert _ids(es, corpus, contact="555 555 0142") == ["cheap-mxn"]  # suffix, no country code
    assert _ids(es, corpus, contact="@Viajes_Guero_Demo") == ["full"]
    assert _ids(es, corpus, alias="el guero") == ["full"]
    assert _ids(es, corpus, alias="beto") == []  # whole alias only
    assert "news" not in _ids(es, corpus, text="reynosa", only_ads=True)
    assert _ids(es, corpus, since=WHEN + timedelta(hours=1)) == ["news"]
    assert _ids(es, corpus, limit=2) == ["news", "full"]  # newest first



def test_facets_aggregate_for_kibana_without_nested_queries(
    es: Elasticsearch, corpus: str
) -> None:
    response = es.search(
        index=corpus,
        size=0,
        aggs={
            "crossings": {"terms": {"field": "facets.crossings"}},
            "routes": {"terms": {"field": "facets.route"}},
            "cheapest": {"min": {"field": "facets.min_price_usd"}},
            "on_map": {"geo_bounds": {"field": "facets.place_locations"}},
        },
    )
    aggs = response["aggregations"]
    assert {b["key"]: b["doc_count"] for b in aggs["crossings"]["buckets"]} == {
        "Reynosa, Tamaulipas, MX": 1, "Houston, Texas, US": 1,
    }  # fmt: skip
    assert {b["key"] for b in aggs["routes"]["buckets"]} == {
        "Tapachula > Mexico City > Reynosa > Houston", "Reynosa > Houston",
    }  # fmt: skip
    assert aggs["cheapest"]["value"] == 700
    assert aggs["on_map"]["bounds"]["top_left"]["lat"] > 29  # Houston, from origin-reynosa

PARITY_QUERIES: list[dict[str, object]] = [
    {},
    {"text": "guero"},
    {"text": "REYNOSA"},
    {"text": '"el guero" houston'},
    {"text": "🇺🇸 ✅"},  # no word: no text constraint in either store
    {"text": "reynosa", "only_ads": True},
    {"platform": "telegram", "source": "otro_canal"},
    {"place": "reynosa"},
    {"place": "Mexico City"},
    {"place": "reynosa", "role": "origin"},
    {"country": "us", "role": "crossing"},
    {"min_price_usd": 1000, "currency": "MXN"},
    {"max_price_usd": 800},
    {"contact": "+52 899 555 0142"},
    {"contact": "5550142"},
    {"contact": "VIAJES_GUERO_DEMO"},
    {"alias": "EL GÜERO"},
    {"since": WHEN - timedelta(days=4), "until": WHEN},
    {"limit": 3},
]


@pytest.mark.parametrize("fields", PARITY_QUERIES, ids=[str(q) for q in PARITY_QUERIES])
def test_elasticsearch_and_the_embedded_store_answer_alike(
    es: Elasticsearch, corpus: str, tmp_path: Path, fields: dict[str, object]
) -> None:
    query = SearchQuery.model_validate(fields)
    with EmbeddedStore(tmp_path / "store.sqlite3") as store:
        store.add(search_corpus())
        store.flush()
        embedded = [hit.post.native_id for hit in store.search(query)]
    elastic = [hit.native_id for hit in search(es, corpus, query)]
    if query.text_clauses():  # relevance formulas differ (bm25 in both, other statistics)
        assert sorted(elastic) == sorted(embedded)
    else:
        assert elastic == embedded
