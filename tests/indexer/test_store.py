"""The embedded store: upsert by doc_id, persistence, stats, bad files, edge-case texts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from indexer.embedded import EmbeddedStore, StoreStats
from indexer.errors import StoreError
from indexer.query import SearchQuery
from indexer.sink import Sink
from pipeline.records import EnrichedPost
from tests.indexer.posts import alias, enriched, place, price


def test_re_adding_a_doc_id_overwrites_post_and_facets(store: EmbeddedStore) -> None:
    first = enriched("1", "Cruce por Reynosa 5 mil", prices=(price(5000),),
                     places=(place("Reynosa", "crossing"),), aliases=(alias("El Güero"),))
    edited = enriched("1", "Cruce por Tapachula 7 mil", prices=(price(7000), price(7500)),
                      places=(place("Tapachula", "origin"),))
    store.add([first])
    store.add([edited])
    store.flush()
    assert store.count() == 1
    assert store.stats() == StoreStats(posts=1, ads=1, prices=2, places=1, contacts=0, aliases=0)
    assert store.search(SearchQuery(text="reynosa")) == []
    assert store.search(SearchQuery(place="Reynosa")) == []
    hits = store.search(SearchQuery(text="tapachula"))
    assert [hit.post for hit in hits] == [edited]


def test_the_same_doc_id_twice_in_one_batch_is_stored_once(store: EmbeddedStore) -> None:
    post = enriched("1", "Viajes seguros")
    store.add([post, post, post])
    assert store.count() == 1
    assert len(store.search(SearchQuery(text="viajes"))) == 1


def test_posts_survive_reopening_and_come_back_whole(
    tmp_path: Path, corpus: list[EnrichedPost]
) -> None:
    path = tmp_path / "store.sqlite3"
    with EmbeddedStore(path) as store:
        store.add(corpus)
    with EmbeddedStore(path) as store:
        assert store.count() == len(corpus)
        assert store.get(corpus[0].doc_id) == corpus[0]
        assert store.get("0" * 40) is None
        found = {hit.post.doc_id: hit.post for hit in store.search(SearchQuery(limit=100))}
    assert found == {post.doc_id: post for post in corpus}


def test_stats_and_count_of_ads(store: EmbeddedStore, corpus: list[EnrichedPost]) -> None:
    store.add(corpus)
    assert store.count() == 6
    assert store.count(only_ads=True) == 5
    assert store.stats() == StoreStats(posts=6, ads=5, prices=4, places=8, contacts=4, aliases=2)


def test_store_is_a_sink(store: EmbeddedStore) -> None:
    assert isinstance(store, Sink)


def test_a_store_file_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="schema version 99"):
        EmbeddedStore(path)


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("", "anything"),
        ("   ", "anything"),
        ("🚐💯🇺🇸✅", "anything"),
        ("Поездка в США через Рейносу", "рейносу"),
        ("签证 美国 边境", "美国"),
        ("<div><p>broken html <b>cruce</div>", "cruce"),
    ],
)
def test_edge_texts_are_stored_and_searchable(store: EmbeddedStore, text: str, query: str) -> None:
    post = enriched("edge", text)
    store.add([post])
    assert store.get(post.doc_id) == post
    hits = store.search(SearchQuery(text=query))
    expected = [post] if query in text.casefold() else []
    assert [hit.post for hit in hits] == expected


def test_a_100_kb_post_is_found_by_its_last_word(store: EmbeddedStore) -> None:
    text = "viaje seguro " * 8000 + "capurganá"
    assert len(text) > 100_000
    store.add([enriched("big", text)])
    hits = store.search(SearchQuery(text="capurgana"))
    assert len(hits) == 1
    assert hits[0].snippet is not None and "«capurganá»" in hits[0].snippet
