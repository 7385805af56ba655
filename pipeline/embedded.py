"""Embedded mode: every stage in one process, the in-memory bus for Kafka, SQLite for Elasticsearch.

The crawl runs in the main thread (Scrapy's reactor wants it); the NLP, index and alert stages
run in one worker thread through the same ``StageRunner`` the streaming workers use, so only
the transport and the store differ from a deployment.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.bus import MemoryBus
from pipeline.codec import encode
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import DeadLetter, EnrichedPost, RawPost
from pipeline.runner import StageRunner, TopicSink
from pipeline.settings import Settings
from pipeline.stages import nlp_stage, passthrough_stage

if TYPE_CHECKING:
    from crawlers.stats import CrawlStats

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    """What one embedded run did, for the closing table of ``centinela run``."""

    posts_crawled: int = 0
    pages_fetched: int = 0
    crawl_failures: dict[str, int] = field(default_factory=dict)
    posts_enriched: int = 0
    ads: int = 0
    prices: int = 0
    places: int = 0
    contacts: int = 0
    aliases: int = 0
    alerts: int = 0
    rule_errors: list[str] = field(default_factory=list)
    dead_letters: dict[str, int] = field(default_factory=dict)
    store_posts: int = 0
    seconds: float = 0.0
    store_path: Path | None = None
    outbox: Path | None = None
    dead_letter_path: Path | None = None


@dataclass
class Progress:
    """Callbacks the CLI uses to draw progress; all optional, called from two threads."""

    crawled: Callable[[int], None] = lambda _n: None
    enriched: Callable[[int], None] = lambda _n: None
    status: Callable[[str], None] = lambda _s: None


class _Counts:
    """Tallies what the NLP stage found, as a sink downstream of the store."""

    def __init__(self, summary: RunSummary, progress: Progress) -> None:
        self._summary = summary
        self._progress = progress

    def add(self, posts: Any) -> None:
        for post in posts:
            assert isinstance(post, EnrichedPost)  # noqa: S101 - stage contract
            nlp = post.nlp
            self._summary.posts_enriched += 1
            self._summary.ads += int(nlp.is_smuggling_ad)
            self._summary.prices += len(nlp.prices)
            self._summary.places += len(nlp.places)
            self._summary.contacts += len(nlp.contacts)
            self._summary.aliases += len(nlp.aliases)
        self._progress.enriched(self._summary.posts_enriched)

    def flush(self) -> None:
        """Counts live in memory; nothing to persist."""


def run_embedded(
    settings: Settings,
    *,
    sites: Path,
    watchlist: Path,
    progress: Progress | None = None,
) -> RunSummary:
    """Serve the fixture sites, crawl them, enrich, store, alert; return the summary."""
    from crawlers import crawl, load_watchlist
    from crawlers.fixture_server import FixtureServer

    progress = progress or Progress()
    paths = settings.paths
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    summary = RunSummary(
        store_path=paths.store, outbox=paths.outbox, dead_letter_path=paths.dead_letters
    )
    started = time.monotonic()
    bus = MemoryBus()
    dead_letters = DeadLetterFile(paths.dead_letters)
    crawl_done = threading.Event()
    stop = threading.Event()
    failure: list[BaseException] = []
    worker = threading.Thread(
        target=_downstream,
        args=(settings, bus, dead_letters, crawl_done, stop, summary, progress, failure),
        name="centinela-stages",
        daemon=True,
    )
    worker.start()
    kafka = settings.kafka

    def on_post(post: RawPost) -> None:
        bus.append(kafka.raw_topic, post.doc_id.encode("ascii"), encode(post))
        summary.posts_crawled += 1
        progress.crawled(summary.posts_crawled)

    def on_dead_letter(letter: DeadLetter) -> None:
        dead_letters.add([letter])

    try:
        with FixtureServer(sites) as server:
            progress.status(f"serving fixture sites at {server.base_url}")
            sources = load_watchlist(watchlist, server.base_url)
            stats: CrawlStats = crawl(
                sources,
                on_post=on_post,
                on_dead_letter=on_dead_letter,
                settings=settings.crawl,
                log_level="WARNING",
            )
        summary.pages_fetched = stats.pages_fetched
        summary.crawl_failures = dict(stats.failures_by_reason)
    finally:
        crawl_done.set()
        worker.join()
        dead_letters.flush()
        dead_letters.close()
    if failure:
        raise failure[0]
    summary.dead_letters = dict(dead_letters.by_stage)
    summary.seconds = time.monotonic() - started
    return summary


def _downstream(
    settings: Settings,
    bus: MemoryBus,
    dead_letters: DeadLetterFile,
    crawl_done: threading.Event,
    stop: threading.Event,
    summary: RunSummary,
    progress: Progress,
    failure: list[BaseException],
) -> None:
    """Run the NLP, index and alert stages until the crawl ended and every topic is drained."""
    try:
        _drain(settings, bus, dead_letters, crawl_done, stop, summary, progress)
    except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
        log.exception("embedded stages failed")
        failure.append(error)


def _drain(
    settings: Settings,
    bus: MemoryBus,
    dead_letters: DeadLetterFile,
    crawl_done: threading.Event,
    stop: threading.Event,
    summary: RunSummary,
    progress: Progress,
) -> None:
    from indexer.alerts import AlertEngine, load_rules
    from indexer.alerts.mailer import mailer_from_settings
    from indexer.embedded import EmbeddedStore
    from indexer.privacy import ContactPrivacy
    from nlp import Extractor

    kafka, paths = settings.kafka, settings.paths
    progress.status("loading the NLP pipeline")
    extractor = Extractor.load(settings.nlp)
    rules = load_rules(paths.rules_dir)
    summary.rule_errors = [str(error) for error in rules.errors]
    engine = AlertEngine(
        rules.rules, paths.alert_state, mailer_from_settings(settings), settings=settings
    )
    summary.rule_errors += list(engine.skipped)
    store = EmbeddedStore(paths.store, ContactPrivacy.from_settings(settings.privacy))
    counts = _Counts(summary, progress)
    try:
        nlp = StageRunner(
            nlp_stage(extractor),
            bus.consumer(kafka.raw_topic, kafka.nlp_group),
            TopicSink(bus.producer(), kafka.enriched_topic),
            dead_letters,
            batch_size=settings.nlp.batch_size,
            poll_timeout_s=0.05,
        )
        # Each consumer of the enriched topic is its own group, as in a deployment.
        fanout: list[tuple[str, str, Any]] = [
            ("index", kafka.indexer_group, store),
            ("alert", kafka.alert_group, _AlertSink(engine, summary)),
            ("summary", "summary", counts),
        ]
        runners: list[StageRunner[Any, Any]] = [nlp] + [
            StageRunner(
                passthrough_stage(name),
                bus.consumer(kafka.enriched_topic, group),
                sink,
                dead_letters,
                batch_size=500,
                poll_timeout_s=0.0,
            )
            for name, group, sink in fanout
        ]
        while not stop.is_set():
            handled = sum(runner.run_once() for runner in runners)
            if handled == 0 and crawl_done.is_set() and _drained(bus, settings):
                break
        summary.alerts += engine.flush_all_digests()
        summary.store_posts = store.count()
    finally:
        store.close()
        engine.close()


def _drained(bus: MemoryBus, settings: Settings) -> bool:
    kafka = settings.kafka
    if bus.lag(kafka.raw_topic, kafka.nlp_group):
        return False
    groups = (kafka.indexer_group, kafka.alert_group, "summary")
    return all(bus.lag(kafka.enriched_topic, group) == 0 for group in groups)


class _AlertSink:
    def __init__(self, engine: Any, summary: RunSummary) -> None:
        self._engine = engine
        self._summary = summary

    def add(self, posts: Any) -> None:
        self._summary.alerts += len(self._engine.process(list(posts)))

    def flush(self) -> None:
        """The engine persists its state as it sends."""
