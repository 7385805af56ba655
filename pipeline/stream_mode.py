"""``centinela run --stream``: local services, the workers as processes, one crawl, a summary.

The workers are the same commands a deployment runs (``centinela nlp``, ``centinela index``),
started as child processes with this process's environment, so the settings are the same.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.kafka_io import ensure_topics, group_lag
from pipeline.settings import Settings


@dataclass
class StreamSummary:
    posts_published: int = 0
    crawl_dead_letters: int = 0
    documents_indexed: int = 0
    seconds: float = 0.0


def spawn_worker(command: str, *extra: str) -> subprocess.Popen[bytes]:
    """Start ``centinela <command>`` as a child process."""
    return subprocess.Popen(  # noqa: S603 - our own console entry point
        [sys.executable, "-m", "pipeline.cli", command, *extra]
    )


def stop_workers(workers: list[subprocess.Popen[bytes]], timeout_s: float = 60.0) -> None:
    """SIGTERM every worker (finish the batch, flush, commit), then wait; kill stragglers."""
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for worker in workers:
        try:
            worker.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_drained(
    settings: Settings,
    workers: list[subprocess.Popen[bytes]],
    timeout_s: float,
    on_wait: Callable[[int, int], None] | None = None,
) -> None:
    """Block until the nlp and indexer groups have committed everything, or raise."""
    kafka = settings.kafka
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        raw = group_lag(kafka, kafka.raw_topic, kafka.nlp_group)
        enriched = group_lag(kafka, kafka.enriched_topic, kafka.indexer_group)
        if on_wait is not None:
            on_wait(raw, enriched)
        if raw == 0 and enriched == 0:
            return
        dead = [w.args for w in workers if w.poll() is not None]
        if dead:
            raise RuntimeError(f"worker(s) exited early: {dead}")
        time.sleep(1.0)
    raise TimeoutError(f"the stream did not drain within {timeout_s:.0f} s")


def run_streaming(
    settings: Settings,
    *,
    sites: Path,
    watchlist: Path,
    nlp_workers: int = 2,
    timeout_s: float = 900.0,
    on_wait: Callable[[int, int], None] | None = None,
) -> StreamSummary:
    """Start services and workers, crawl once into Kafka, wait until indexed; then stop."""
    from crawlers.fixture_server import FixtureServer
    from indexer.elastic.admin import alias_name
    from indexer.elastic.client import client_from_settings
    from pipeline.services import ensure_running
    from pipeline.workers import publish_crawl

    started = time.monotonic()
    ensure_running(settings=settings)
    ensure_topics(settings.kafka)
    workers = [spawn_worker("nlp") for _ in range(nlp_workers)] + [spawn_worker("index")]
    summary = StreamSummary()
    try:
        with FixtureServer(sites) as server:
            summary.posts_published, summary.crawl_dead_letters = publish_crawl(
                settings, watchlist=watchlist, base_url=server.base_url
            )
        wait_drained(settings, workers, timeout_s, on_wait)
    finally:
        stop_workers(workers)
    client = client_from_settings(settings.elasticsearch)
    alias = alias_name(settings.elasticsearch.index_prefix)
    client.indices.refresh(index=alias)
    summary.documents_indexed = int(client.count(index=alias)["count"])
    summary.seconds = time.monotonic() - started
    return summary
