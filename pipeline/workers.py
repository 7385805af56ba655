"""Streaming workers: the same stages as embedded mode, over Kafka and Elasticsearch.

``centinela crawl`` publishes RawPosts, ``centinela nlp`` enriches them (several processes
share the load through the consumer group), ``centinela index`` bulk-indexes into the alias.
Each worker stops on SIGTERM/SIGINT after finishing, flushing and committing its batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.codec import encode
from pipeline.kafka_io import KafkaTopicConsumer, KafkaTopicProducer, ensure_topics
from pipeline.records import DeadLetter, RawPost
from pipeline.runner import StageRunner, StageStats, TopicSink, install_shutdown
from pipeline.settings import Settings
from pipeline.stages import nlp_stage, passthrough_stage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerOptions:
    """How long a worker lives: until a signal, or until idle for ``idle_exit_s``."""

    idle_exit_s: float | None = None
    install_signals: bool = True


@contextmanager
def kafka_stage(
    settings: Settings, topic: str, group: str, options: WorkerOptions
) -> Iterator[tuple[KafkaTopicConsumer, KafkaTopicProducer, threading.Event]]:
    """Topics ensured, a group consumer, a producer and a stop flag set by SIGTERM/SIGINT."""
    kafka = settings.kafka
    ensure_topics(kafka)
    stop = threading.Event()
    if options.install_signals:
        install_shutdown(stop)
    consumer = KafkaTopicConsumer(kafka, topic, group, client_id=group)
    producer = KafkaTopicProducer(kafka, client_id=group)
    try:
        yield consumer, producer, stop
    finally:
        consumer.close()
        producer.close()


def _loop(
    runner: StageRunner[Any, Any],
    stop: threading.Event,
    options: WorkerOptions,
    on_batch: Callable[[StageStats], None] | None = None,
) -> StageStats:
    idle_since = time.monotonic()
    while not stop.is_set():
        if runner.run_once():
            idle_since = time.monotonic()
            if on_batch is not None:
                on_batch(runner.stats)
        elif options.idle_exit_s is not None:
            if time.monotonic() - idle_since > options.idle_exit_s:
                break
    return runner.stats


def run_nlp_worker(
    settings: Settings,
    options: WorkerOptions = WorkerOptions(),
    on_batch: Callable[[StageStats], None] | None = None,
) -> StageStats:
    """Consume RawPosts, enrich them in batches, publish EnrichedPosts; return the stats."""
    from nlp import Extractor

    kafka = settings.kafka
    extractor = Extractor.load(settings.nlp)
    topic, group = kafka.raw_topic, kafka.nlp_group
    with kafka_stage(settings, topic, group, options) as (consumer, producer, stop):
        runner = StageRunner(
            nlp_stage(extractor),
            consumer,
            TopicSink(producer, kafka.enriched_topic),
            TopicSink(producer, kafka.dlq_topic),
            batch_size=settings.nlp.batch_size,
            flush_retries=None,
            stop=stop,
        )
        return _loop(runner, stop, options, on_batch)


def run_index_worker(
    settings: Settings,
    options: WorkerOptions = WorkerOptions(),
    on_batch: Callable[[StageStats], None] | None = None,
) -> StageStats:
    """Consume EnrichedPosts and bulk-index them into the alias; return the stats."""
    from indexer.elastic.admin import create
    from indexer.elastic.client import client_from_settings
    from indexer.elastic.sink import ElasticsearchSink
    from indexer.privacy import ContactPrivacy

    kafka, es = settings.kafka, settings.elasticsearch
    privacy = ContactPrivacy.from_settings(settings.privacy)
    client = client_from_settings(es)
    create(client, es.index_prefix)
    topic, group = kafka.enriched_topic, kafka.indexer_group
    with kafka_stage(settings, topic, group, options) as (consumer, producer, stop):
        dead_letters = TopicSink(producer, kafka.dlq_topic)
        runner: StageRunner[Any, Any] = StageRunner(
            passthrough_stage("index"),
            consumer,
            ElasticsearchSink(client, dead_letters, es, privacy=privacy),
            dead_letters,
            batch_size=es.bulk_max_docs,
            flush_retries=None,
            stop=stop,
        )
        return _loop(runner, stop, options, on_batch)


def publish_crawl(
    settings: Settings,
    *,
    watchlist: Path,
    base_url: str,
    on_post: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Crawl the watchlist and publish every RawPost; return (posts, dead letters)."""
    from crawlers import crawl, load_watchlist

    kafka = settings.kafka
    ensure_topics(kafka)
    producer = KafkaTopicProducer(kafka, client_id="crawl")
    counts = [0, 0]

    def publish(post: RawPost) -> None:
        producer.send(kafka.raw_topic, post.doc_id.encode("ascii"), encode(post))
        counts[0] += 1
        if on_post is not None:
            on_post(counts[0])

    def dead_letter(letter: DeadLetter) -> None:
        producer.send(kafka.dlq_topic, None, encode(letter))
        counts[1] += 1

    try:
        crawl(
            load_watchlist(watchlist, base_url),
            on_post=publish,
            on_dead_letter=dead_letter,
            settings=settings.crawl,
            log_level="WARNING",
        )
    finally:
        producer.close()
    return counts[0], counts[1]

