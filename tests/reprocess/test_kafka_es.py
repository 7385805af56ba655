"""Re-processing a replay of the raw Kafka topic: from an offset, from a time, resumable.

The ``topic`` fixture (``kafka_support``) publishes known RawPosts with known Kafka
timestamps to known partitions, then a poison message and a tombstone.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, helpers

from indexer.elastic import alias_name
from pipeline.dead_letters import DeadLetterFile, read_dead_letters
from pipeline.kafka_io import topic_name
from pipeline.reprocess import ReprocessOptions, run_reprocess
from pipeline.reprocess_kafka import KafkaReplay, KafkaSource
from pipeline.reprocess_sources import SourceError
from pipeline.reprocess_work import Checkpoint
from pipeline.settings import ElasticsearchSettings
from tests.real_services import KafkaService
from tests.reprocess.conftest import V2, v2_factory
from tests.reprocess.kafka_support import BASE, POSTS, Topic

pytestmark = pytest.mark.integration


class Interrupted(Exception):
    """Raised by the test hook to stop a run mid-way."""


def _ids(es: Elasticsearch, es_settings: ElasticsearchSettings) -> list[str]:
    alias = alias_name(es_settings.index_prefix)
    return [hit["_id"] for hit in helpers.scan(es, index=alias, _source=False)]


def _letters(dead_letters: DeadLetterFile) -> set[tuple[str | None, int | None, int | None]]:
    dead_letters.flush()
    return {(d.topic, d.partition, d.offset) for d in read_dead_letters(dead_letters.path)}


def test_replay_from_an_offset_selects_exactly_those_messages(
    es: Elasticsearch, es_settings: ElasticsearchSettings, topic: Topic,
    dead_letters: DeadLetterFile, tmp_path: Path,
) -> None:
    replay = KafkaReplay(topic.settings, offsets=((None, 4), (2, 8)))
    expected = {d for d, (p, o) in topic.where.items() if o >= (8 if p == 2 else 4)}
    late = [post.model_copy(update={"native_id": "late", "doc_id": "f" * 40})
            for post in topic.posts[:1]]
    calls: list[int] = []

    def publish_during_the_run(phase: str, done: int, total: int | None) -> None:
        if phase == "reprocess" and not calls:
            topic.publish(late)  # after the end offsets were captured: not read
        calls.append(done)

    options = ReprocessOptions(kafka=replay, checkpoint=tmp_path / "cp.json", batch_size=4,
                               sample_size=5)
    report = run_reprocess(es, es_settings, options, v2_factory(), dead_letters,
                           on_progress=publish_during_the_run)

    assert report.verification is not None and report.verification.ok, report.verification
    assert report.plan.selected == len(expected) == 6 + 6 + 2
    assert report.swapped and set(_ids(es, es_settings)) == expected
    name = topic_name(topic.settings, topic.settings.raw_topic)
    assert _letters(dead_letters) == {(name, p, o) for p, o in topic.poison}
    assert report.dead_letters == 2


def test_replay_from_a_time_uses_the_message_timestamps(
    es: Elasticsearch, es_settings: ElasticsearchSettings, topic: Topic,
    dead_letters: DeadLetterFile, tmp_path: Path,
) -> None:
    since = BASE + timedelta(minutes=20)
    dry = ReprocessOptions(kafka=KafkaReplay(topic.settings, since=since),
                           checkpoint=tmp_path / "cp.json", dry_run=True)
    plan = run_reprocess(es, es_settings, dry, v2_factory(), dead_letters).plan
    expected = {post.doc_id for post in topic.posts[20:]}
    assert set(plan.positions) == expected
    assert "messages since" in plan.source and f"{len(expected) + 2} messages" in plan.source

    options = ReprocessOptions(kafka=KafkaReplay(topic.settings, since=since), sample_size=3,
                               checkpoint=tmp_path / "cp.json", batch_size=4)
    report = run_reprocess(es, es_settings, options, v2_factory(), dead_letters)
    assert report.verification is not None and report.verification.ok
    assert set(_ids(es, es_settings)) == expected
    alias = alias_name(es_settings.index_prefix)
    assert es.count(index=alias, q=f'nlp_version:"{V2}"')["count"] == len(expected)

    future = ReprocessOptions(kafka=KafkaReplay(topic.settings, since=BASE + timedelta(days=9)),
                              checkpoint=tmp_path / "cp.json", dry_run=True)
    assert run_reprocess(es, es_settings, future, v2_factory(), dead_letters).plan.selected == 0


def test_interrupted_replay_resumes_from_the_partition_offsets(
    es: Elasticsearch, es_settings: ElasticsearchSettings, topic: Topic,
    dead_letters: DeadLetterFile, tmp_path: Path,
) -> None:
    options = ReprocessOptions(kafka=KafkaReplay(topic.settings), checkpoint=tmp_path / "cp.json",
                               batch_size=2, flush_every=4, sample_size=5)
    flushes: list[dict[int, int]] = []

    def stop_after_three(checkpoint: Checkpoint) -> None:
        flushes.append(checkpoint.done_lanes())
        if len(flushes) == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_reprocess(es, es_settings, options, v2_factory(), dead_letters,
                      on_flush=stop_after_three)
    saved = Checkpoint.load(options.checkpoint)
    assert saved.indexed == 12 and saved.done_lanes() == {0: 9, 1: 1}  # partition 0 done
    assert saved.source["ranges"] == {"0": [0, 11], "1": [0, 11], "2": [0, 10]}
    topic.publish([post.model_copy(update={"native_id": "new", "doc_id": "e" * 40})
                   for post in topic.posts[:1]], partition=1)  # after the run began

    resumed = ReprocessOptions(**{**options.__dict__, "resume": True})
    report = run_reprocess(es, es_settings, resumed, v2_factory(), dead_letters)

    assert report.verification is not None and report.verification.ok, report.verification
    assert report.indexed == POSTS  # nothing flushed before the interruption was redone
    ids = _ids(es, es_settings)
    assert len(ids) == len(set(ids)) == POSTS and set(ids) == set(topic.where)
    assert not options.checkpoint.exists()
    assert len(_letters(dead_letters)) == 2  # the poison messages, reported once


def test_kafka_errors_are_clear(kafka_service: KafkaService, topic: Topic) -> None:
    with pytest.raises(ValueError, match="not both"):
        KafkaReplay(topic.settings, since=BASE, offsets=((None, 1),))
    missing = topic.settings.model_copy(update={"raw_topic": "no.such.topic"})
    with pytest.raises(SourceError, match=r"topic .*no\.such\.topic does not exist"):
        KafkaSource(KafkaReplay(missing))
    with pytest.raises(SourceError, match=r"has no partition \[7\]"):
        KafkaSource(KafkaReplay(topic.settings, offsets=((7, 0),)))
    source = KafkaSource(KafkaReplay(topic.settings, offsets=((None, 10_000),)))
    try:
        assert source.total == 0 and list(source.scan()) == []  # clamped to the end
    finally:
        source.close()

