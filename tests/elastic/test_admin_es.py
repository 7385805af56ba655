"""Index admin on a real node: versioned names, create, status, roll with an atomic alias swap."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from elasticsearch import Elasticsearch

from indexer.elastic import (
    AliasError,
    ElasticsearchSink,
    IndexStatus,
    alias_name,
    create,
    index_name,
    live_index,
    prune,
    roll,
    status,
)
from pipeline.dead_letters import DeadLetterFile
from pipeline.settings import ElasticsearchSettings
from tests.elastic.factories import post

FIXED = datetime(2026, 3, 1, 12, 30, 45, tzinfo=UTC)


def test_names_carry_prefix_mapping_version_and_creation_time() -> None:
    assert alias_name("") == "centinela-posts"
    assert alias_name("t1-") == "t1-centinela-posts"
    assert index_name("t1-", FIXED) == "t1-centinela-posts-v1-20260301123045"
    with pytest.raises(ValueError, match="lowercase"):
        alias_name("Upper-")


@pytest.mark.integration
def test_create_points_the_alias_once_and_is_idempotent(es: Elasticsearch, prefix: str) -> None:
    assert live_index(es, prefix) is None
    assert status(es, prefix).live is None
    first = create(es, prefix, now=lambda: FIXED)
    assert first == index_name(prefix, FIXED)
    assert create(es, prefix) == first  # the alias exists: nothing new
    state = status(es, prefix)
    assert state.alias == alias_name(prefix) and state.live == first
    assert [(i.name, i.docs, i.live, i.mapping_version) for i in state.indices] == [
        (first, 0, True, 1)
    ]


@pytest.mark.integration
def test_roll_without_alias_is_an_error(es: Elasticsearch, prefix: str) -> None:
    with pytest.raises(AliasError, match="does not exist"):
        roll(es, prefix)


def _fill(
    es: Elasticsearch, es_settings: ElasticsearchSettings, dead_letters: DeadLetterFile, n: int
) -> None:
    sink = ElasticsearchSink(es, dead_letters, es_settings)
    sink.add([post(f"roll-{k}", f"Viaje {k} por Reynosa") for k in range(n)])
    sink.flush()  # no refresh: a roll must see posts written a moment ago


@pytest.mark.integration
def test_roll_copies_posts_written_a_moment_ago(
    es: Elasticsearch,
    prefix: str,
    es_settings: ElasticsearchSettings,
    dead_letters: DeadLetterFile,
) -> None:
    old = create(es, prefix, now=lambda: FIXED)
    _fill(es, es_settings, dead_letters, 300)
    new = roll(es, prefix, now=lambda: FIXED)  # before any periodic refresh made them visible
    assert new == index_name(prefix, FIXED.replace(second=46))  # same second: name moves on
    assert [(i.name, i.docs, i.live) for i in status(es, prefix).indices] == [
        (old, 300, False),
        (new, 300, True),
    ]


@pytest.mark.integration
def test_roll_swaps_the_alias_atomically_for_readers(
    es: Elasticsearch,
    prefix: str,
    es_settings: ElasticsearchSettings,
    dead_letters: DeadLetterFile,
) -> None:
    create(es, prefix)
    _fill(es, es_settings, dead_letters, 120)
    alias = alias_name(prefix)
    es.indices.refresh(index=alias)
    seen: list[int | str] = []
    stop = threading.Event()

    def reader() -> None:  # counts through the alias for as long as the roll runs
        while not stop.is_set():
            try:
                seen.append(int(es.count(index=alias)["count"]))
            except Exception as error:  # any failure is what this reader looks for
                seen.append(repr(error))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        new = roll(es, prefix)
    finally:
        stop.set()
        thread.join()

    assert seen and set(seen) == {120}  # never 0, never 240, never an error
    assert es.indices.get_alias(name=alias) == {new: {"aliases": {alias: {}}}}
    _fill(es, es_settings, dead_letters, 121)  # the sink now writes to the new index
    es.indices.refresh(index=alias)
    assert status(es, prefix).indices[-1] == IndexStatus(new, 1, 121, True)


@pytest.mark.integration
def test_a_roll_that_cannot_copy_leaves_the_alias_in_place(es: Elasticsearch, prefix: str) -> None:
    alias = alias_name(prefix)
    odd = f"{prefix}centinela-posts-v0-20250101000000"  # a hand-made index, no strict mapping
    es.indices.create(index=odd)
    es.index(index=odd, id="x", document={"unexpected": "field"}, refresh=True)
    es.indices.put_alias(index=odd, name=alias)
    with pytest.raises(AliasError, match="failed"):
        roll(es, prefix)
    assert live_index(es, prefix) == odd
    assert [i.name for i in status(es, prefix).indices] == [odd]  # the new index was removed


@pytest.mark.integration
def test_prune_deletes_retired_indices_but_the_newest_kept(
    es: Elasticsearch, prefix: str
) -> None:
    first = create(es, prefix, now=lambda: FIXED)
    second = roll(es, prefix, now=lambda: FIXED)
    third = roll(es, prefix, now=lambda: FIXED)
    assert prune(es, prefix, keep=1) == [first]
    assert [i.name for i in status(es, prefix).indices] == [second, third]
    assert prune(es, prefix, keep=0) == [second]
    assert status(es, prefix).live == third and prune(es, prefix) == []
    with pytest.raises(ValueError, match="keep"):
        prune(es, prefix, keep=-1)
