"""The streaming alert worker: ``centinela.enriched.v1`` → percolator → dedupe/throttle → SMTP.

Consumer group ``settings.kafka.alert_group``; each polled batch is percolated in one request
against ``<prefix>centinela-rules`` (synced from the rule files at start), matches go through
the ``AlertEngine`` (at most one email per (rule, doc_id) across restarts, throttles,
digests, retries) and the offsets are committed only after that. Digests and throttled
batches whose time came are also sent while the topic is idle. Stops on SIGTERM/SIGINT after
finishing its batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipeline.runner import StageRunner, StageStats, TopicSink
from pipeline.settings import Settings
from pipeline.stages import passthrough_stage
from pipeline.workers import WorkerOptions, kafka_stage

if TYPE_CHECKING:
    from indexer.alerts.streaming import AlertSink

log = logging.getLogger(__name__)

IDLE_FLUSH_EVERY_S = 5.0
"""While no post arrives, how often due digests and retries are sent."""


def run_alert_worker(
    settings: Settings,
    options: WorkerOptions | None = None,
    on_batch: Callable[[StageStats], None] | None = None,
) -> StageStats:
    """Consume EnrichedPosts, percolate them against the rules and email; return the stats."""
    from indexer.alerts.streaming import AlertSink, open_streaming_engine
    from indexer.elastic.client import client_from_settings

    options = options or WorkerOptions()
    kafka, es = settings.kafka, settings.elasticsearch
    client = client_from_settings(es)
    engine = open_streaming_engine(settings, client).engine
    sink = AlertSink(engine)
    topic, group = kafka.enriched_topic, kafka.alert_group
    try:
        with kafka_stage(settings, topic, group, options) as (consumer, producer, stop):
            runner: StageRunner[Any, Any] = StageRunner(
                passthrough_stage("alert"),
                consumer,
                sink,
                TopicSink(producer, kafka.dlq_topic),
                batch_size=min(kafka.max_poll_records, es.bulk_max_docs),
                flush_retries=es.max_retries,
                stop=stop,
            )
            return _loop(runner, sink, stop, options, on_batch)
    finally:
        engine.close()
        client.close()


def _loop(
    runner: StageRunner[Any, Any],
    sink: AlertSink,
    stop: threading.Event,
    options: WorkerOptions,
    on_batch: Callable[[StageStats], None] | None,
) -> StageStats:
    idle_since = last_flush = time.monotonic()
    while not stop.is_set():
        if runner.run_once():
            idle_since = last_flush = time.monotonic()
            if on_batch is not None:
                on_batch(runner.stats)
            continue
        now = time.monotonic()
        if now - last_flush >= IDLE_FLUSH_EVERY_S:
            sink.flush()
            last_flush = now
        if options.idle_exit_s is not None and now - idle_since > options.idle_exit_s:
            break
    return runner.stats
