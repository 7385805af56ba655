"""Interrupted runs resume without loss or duplicates; searches never fail during the swap."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, helpers

from indexer.elastic import alias_name, live_index
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import RawPost
from pipeline.reprocess import ReprocessError, ReprocessOptions, run_reprocess
from pipeline.reprocess_work import Checkpoint
from pipeline.settings import ElasticsearchSettings
from tests.reprocess.conftest import V2, v2_factory

pytestmark = pytest.mark.integration


class Interrupted(Exception):
    """Raised by the test hook to stop a run mid-way."""


def _ids(es: Elasticsearch, index: str) -> list[str]:
    return [hit["_id"] for hit in helpers.scan(es, index=index, _source=False)]


def test_interrupt_then_resume_loses_and_duplicates_nothing(
    es: Elasticsearch, es_settings: ElasticsearchSettings, archive: Path,
    archived_posts: dict[str, RawPost], v1_index: str, dead_letters: DeadLetterFile,
    tmp_path: Path,
) -> None:
    options = ReprocessOptions(archive=archive, checkpoint=tmp_path / "cp.json", workers=2,
                               batch_size=32, flush_every=96, sample_size=5)
    flushes: list[int] = []

    def stop_after_two(checkpoint: Checkpoint) -> None:
        flushes.append(checkpoint.done_lanes()[0])
        if len(flushes) == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_reprocess(es, es_settings, options, v2_factory(), dead_letters,
                      on_flush=stop_after_two)
    saved = Checkpoint.load(options.checkpoint)
    assert 0 < saved.done_lanes()[0] < len(archived_posts)
    assert live_index(es, es_settings.index_prefix) == v1_index  # alias never moved
    with pytest.raises(ReprocessError, match="--resume"):
        run_reprocess(es, es_settings, options, v2_factory(), dead_letters)

    resumed = ReprocessOptions(**{**options.__dict__, "resume": True})
    report = run_reprocess(es, es_settings, resumed, v2_factory(), dead_letters)

    assert report.target_index == saved.target_index
    assert report.verification is not None and report.verification.ok
    assert report.indexed == len(archived_posts)  # lines before the checkpoint: not redone
    alias = alias_name(es_settings.index_prefix)
    ids = _ids(es, alias)
    assert len(ids) == len(set(ids)) == len(archived_posts)
    assert set(ids) == set(archived_posts)
    assert es.count(index=alias, q=f'nlp_version:"{V2}"')["count"] == len(archived_posts)


def test_searches_during_the_swap_never_fail(
    es: Elasticsearch, es_settings: ElasticsearchSettings, archive: Path,
    archived_posts: dict[str, RawPost], v1_index: str, dead_letters: DeadLetterFile,
    tmp_path: Path,
) -> None:
    alias = alias_name(es_settings.index_prefix)
    stop = threading.Event()
    seen_counts: set[int] = set()
    seen_indices: set[str] = set()
    errors: list[BaseException] = []

    def search_loop() -> None:
        while not stop.is_set():
            try:
                found = es.search(index=alias, size=1, track_total_hits=True,
                                  q="text:usa OR text:precio OR *")
                seen_counts.add(found["hits"]["total"]["value"])
                seen_indices.update(hit["_index"] for hit in found["hits"]["hits"])
            except Exception as error:  # noqa: BLE001 - any failure is what the test looks for
                errors.append(error)

    searcher = threading.Thread(target=search_loop)
    searcher.start()
    try:
        options = ReprocessOptions(archive=archive, checkpoint=tmp_path / "cp.json",
                                   workers=2, sample_size=5)
        report = run_reprocess(es, es_settings, options, v2_factory(), dead_letters)
        for _ in range(20):  # keep searching a little after the swap
            if report.target_index in seen_indices:
                break
            threading.Event().wait(0.05)
    finally:
        stop.set()
        searcher.join()

    assert report.swapped
    assert errors == []
    assert seen_counts == {len(archived_posts)}
    assert seen_indices == {v1_index, report.target_index}
