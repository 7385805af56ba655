"""Crawl → Kafka → NLP workers → indexer → Elasticsearch, against the real services.

Workers run as the real console commands in child processes, so signals, crashes
(``kill -9``) and restarts are the real thing. Every test has its own topic and index prefix.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaConsumer

from pipeline.codec import encode
from pipeline.kafka_io import KafkaTopicProducer, ensure_topics, group_lag, topic_name
from pipeline.records import DeadLetter, PlaceMention
from pipeline.settings import ElasticsearchSettings, KafkaSettings, PathsSettings, Settings
from tests.indexer.posts import enriched
from tests.real_services import ElasticsearchService, KafkaService

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    json.loads(line)["doc_id"]
    for line in (ROOT / "fixtures/sites/expected_posts.jsonl").read_text().splitlines()
}
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]


@dataclass
class Stream:
    settings: Settings
    env: dict[str, str]
    alias: str
    es: Elasticsearch
    workers: list[subprocess.Popen[str]]
    logs: Path

    def spawn(self, command: str, *args: str) -> subprocess.Popen[str]:
        log = self.logs / f"{command}-{len(self.workers)}.log"
        with log.open("w") as stderr:  # the child keeps its own descriptor
            worker = subprocess.Popen(
                [sys.executable, "-m", "pipeline.cli", command, "--verbose", *args],
                env=self.env, cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=stderr,
            )
        self.workers.append(worker)
        return worker

    def tail_logs(self) -> str:
        """The end of every worker's log, for a failing assertion's message."""
        return "\n".join(
            f"== {path.name}\n" + "\n".join(path.read_text().splitlines()[-15:])
            for path in sorted(self.logs.glob("*.log"))
        )

    def crawl(self) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "crawl"],
            env=self.env, cwd=ROOT, text=True, capture_output=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def lag(self) -> tuple[int, int]:
        kafka = self.settings.kafka
        return (
            group_lag(kafka, kafka.raw_topic, kafka.nlp_group),
            group_lag(kafka, kafka.enriched_topic, kafka.indexer_group),
        )

    def wait_drained(self, timeout_s: float = 300) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.lag() == (0, 0):
                return
            time.sleep(1)
        raise AssertionError(
            f"not drained after {timeout_s} s: lag {self.lag()}\n{self.tail_logs()}"
        )

    def ids(self) -> tuple[list[str], list[str]]:
        """Return (every _id, every _source.doc_id) in the alias."""
        self.es.indices.refresh(index=self.alias)
        hits = self.es.search(
            index=self.alias, query={"match_all": {}}, size=10_000, _source=["doc_id"]
        )["hits"]["hits"]
        return [h["_id"] for h in hits], [h["_source"]["doc_id"] for h in hits]

    def dead_letters(self) -> list[DeadLetter]:
        consumer = KafkaConsumer(
            topic_name(self.settings.kafka, self.settings.kafka.dlq_topic),
            bootstrap_servers=self.settings.kafka.bootstrap,
            auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=3000,
        )
        try:
            return [DeadLetter.model_validate_json(record.value) for record in consumer]
        finally:
            consumer.close()

    def stop(self, worker: subprocess.Popen[str]) -> str:
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, f"unclean shutdown:\n{self.tail_logs()}"
        return out


@pytest.fixture
def stream(
    kafka_service: KafkaService,
    elasticsearch_service: ElasticsearchService,
    es_client: Elasticsearch,
    tmp_path: Path,
) -> Iterator[Stream]:
    run = uuid.uuid4().hex[:6]
    kafka = KafkaSettings(
        bootstrap=kafka_service.bootstrap, topic_prefix=f"{kafka_service.topic_prefix}{run}."
    )
    es = ElasticsearchSettings(
        url=elasticsearch_service.url, index_prefix=f"{elasticsearch_service.index_prefix}{run}-"
    )
    settings = Settings(kafka=kafka, elasticsearch=es, paths=PathsSettings(data_dir=tmp_path))
    env = {
        **os.environ,
        "CENTINELA_KAFKA__BOOTSTRAP": kafka.bootstrap,
        "CENTINELA_KAFKA__TOPIC_PREFIX": kafka.topic_prefix,
        "CENTINELA_ELASTICSEARCH__URL": es.url,
        "CENTINELA_ELASTICSEARCH__INDEX_PREFIX": es.index_prefix,
        "CENTINELA_PATHS__DATA_DIR": str(tmp_path),
    }
    ensure_topics(kafka)
    logs = tmp_path / "logs"
    logs.mkdir()
    handle = Stream(settings, env, f"{es.index_prefix}{es.alias}", es_client, [], logs)
    yield handle
    for worker in handle.workers:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()


def test_every_post_is_searchable_exactly_once_with_two_nlp_workers(stream: Stream) -> None:
    nlp_a, nlp_b = stream.spawn("nlp"), stream.spawn("nlp")
    index = stream.spawn("index")
    assert f"published {len(EXPECTED)} posts" in stream.crawl()
    stream.wait_drained()
    ids, doc_ids = stream.ids()
    assert len(ids) == len(set(ids)) == len(EXPECTED)
    assert set(ids) == set(doc_ids) == EXPECTED
    outputs = [stream.stop(w) for w in (nlp_a, nlp_b, index)]
    consumed = [int(o.split("consumed ")[1].split(",")[0]) for o in outputs[:2]]
    assert sum(consumed) >= len(EXPECTED) and all(c > 0 for c in consumed), consumed


def test_kill_9_of_workers_loses_and_duplicates_nothing(stream: Stream) -> None:
    rng = random.Random(7)
    # Small batches: many commits, so a kill lands between a sink write and its commit.
    stream.env["CENTINELA_NLP__BATCH_SIZE"] = "8"
    stream.env["CENTINELA_ELASTICSEARCH__BULK_MAX_DOCS"] = "25"
    roles = {"nlp": stream.spawn("nlp"), "index": stream.spawn("index")}
    crawler = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "crawl"], env=stream.env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    kills = 0
    for role in ("nlp", "index", "nlp", "index"):
        # Kill at a random moment once the victim is making progress again.
        before = stream.lag()
        deadline = time.monotonic() + 60
        while stream.lag() == before and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(rng.uniform(0.0, 1.5))
        if stream.lag() == (0, 0) and crawler.poll() is not None:
            break
        roles[role].send_signal(signal.SIGKILL)
        roles[role].communicate()
        kills += 1
        roles[role] = stream.spawn(role)
    assert crawler.wait(120) == 0
    assert kills >= 2, f"only {kills} kill(s) before the stream drained"
    stream.wait_drained()
    ids, doc_ids = stream.ids()
    assert len(ids) == len(set(ids)) == len(EXPECTED), "lost or duplicated posts"
    assert set(ids) == set(doc_ids) == EXPECTED
    assert [d for d in stream.dead_letters() if d.stage != "crawl"] == []


def test_poison_messages_and_rejected_documents_go_to_the_dlq(stream: Stream) -> None:
    stream.spawn("nlp")
    stream.spawn("index")
    kafka = stream.settings.kafka
    producer = KafkaTopicProducer(kafka)
    good = enriched("good-1", "Cruce por Reynosa 8 mil dlls")
    off_the_map = PlaceMention(
        raw="Reynosa", start=10, end=17, name="Reynosa", canonical="Reynosa, Tamaulipas, MX",
        country="MX", lat=126.0, lon=-98.29, role="crossing",
    )
    rejected = enriched("bad-geo", "Cruce por Reynosa", places=(off_the_map,))
    producer.send(kafka.raw_topic, b"poison", b"\x00\xffnot a RawPost{")
    producer.send(kafka.enriched_topic, rejected.doc_id.encode(), encode(rejected))
    producer.send(kafka.enriched_topic, good.doc_id.encode(), encode(good))
    producer.close()
    stream.wait_drained()
    ids, _ = stream.ids()
    assert ids == [good.doc_id]
    letters = {letter.stage: letter for letter in stream.dead_letters()}
    assert letters["nlp"].payload() == b"\x00\xffnot a RawPost{"
    assert letters["nlp"].error_type == "DecodeError" and letters["nlp"].offset is not None
    assert letters["index"].doc_id == rejected.doc_id
    assert "lat" in letters["index"].error_message.lower() or "geo" in (
        letters["index"].error_message.lower()
    )


def test_elasticsearch_down_for_30_s_mid_stream_then_the_backlog_drains(
    stream: Stream, services_settings: Settings
) -> None:
    from pipeline.services import ELASTICSEARCH, down, up

    stream.spawn("nlp")
    index = stream.spawn("index")
    stream.crawl()
    time.sleep(2)
    down([ELASTICSEARCH], settings=services_settings)
    try:
        assert not stream.es.ping(), "Elasticsearch must really be down for this test"
        time.sleep(30)
        assert index.poll() is None, "the indexer must wait for Elasticsearch, not die"
    finally:
        up([ELASTICSEARCH], settings=services_settings)
    stream.wait_drained(timeout_s=300)
    ids, doc_ids = stream.ids()
    assert len(ids) == len(set(ids)) == len(EXPECTED)
    assert set(doc_ids) == EXPECTED
