"""The streaming benchmark's phases against the real Kafka and Elasticsearch.

Every phase has its own topic and index prefix, so nothing one phase left behind is seen by
the next. A phase's time runs until its posts are *searchable* (``_count`` of the alias
reaches N, with the index's own refresh interval, no forced refresh), so each figure
includes the refresh delay a reader would see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _stream_corpus import ROOT
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk
from kafka import KafkaAdminClient

from indexer.mappings import load_index_body
from pipeline.codec import encode
from pipeline.kafka_io import KafkaTopicProducer, ensure_topics
from pipeline.records import RawPost
from pipeline.services import SERVICE_NAMES, ServiceLayout
from pipeline.settings import Settings


@dataclass(frozen=True)
class Target:
    """One phase's private topics and alias, and the environment its workers run with."""

    settings: Settings
    env: dict[str, str]
    logs: Path

    @property
    def alias(self) -> str:
        es = self.settings.elasticsearch
        return f"{es.index_prefix}{es.alias}"

    def spawn(self, command: str) -> subprocess.Popen[bytes]:
        """Start ``centinela <command>`` with this phase's settings; output to a log file."""
        log = self.logs / f"{self.settings.kafka.topic_prefix}{command}-{time.monotonic_ns()}.log"
        with log.open("wb") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "pipeline.cli", command],
                env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            )


def target(base: Settings, env: dict[str, str], prefix: str, logs: Path) -> Target:
    """Return a Target whose topics are ``<prefix>.*`` and whose alias is ``<prefix>-*``."""
    kafka = base.kafka.model_copy(update={"topic_prefix": f"{prefix}."})
    es = base.elasticsearch.model_copy(update={"index_prefix": f"{prefix}-"})
    settings = base.model_copy(update={"kafka": kafka, "elasticsearch": es})
    child_env = {
        **env,
        "CENTINELA_KAFKA__BOOTSTRAP": kafka.bootstrap,
        "CENTINELA_KAFKA__TOPIC_PREFIX": kafka.topic_prefix,
        "CENTINELA_ELASTICSEARCH__URL": es.url,
        "CENTINELA_ELASTICSEARCH__INDEX_PREFIX": es.index_prefix,
    }
    ensure_topics(kafka)
    return Target(settings, child_env, logs)


@dataclass(frozen=True)
class Timing:
    """When a phase's posts became searchable: the first batch, and all of them."""

    total: int
    started: float
    first_seen: float
    first_count: int
    done: float

    @property
    def wall_rate(self) -> float:
        """Posts/s from the start (workers spawned, or bulk sent) to all searchable."""
        return self.total / (self.done - self.started)

    @property
    def steady_rate(self) -> float:
        """Posts/s after the first batch was searchable: start-up (imports, group join) excluded."""
        return (self.total - self.first_count) / max(self.done - self.first_seen, 1e-9)


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds process ``pid`` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def service_pids(settings: Settings) -> dict[str, int]:
    """Return the pids of the local services this checkout's state files name (if alive)."""
    layout = ServiceLayout.from_settings(settings)
    pids: dict[str, int] = {}
    for name in SERVICE_NAMES:
        try:
            pid = int(json.loads(layout.state_file(name).read_text())["pid"])
        except (OSError, ValueError, KeyError):
            continue
        if Path(f"/proc/{pid}").exists():
            pids[name] = pid
    return pids


def count(client: Elasticsearch, index: str) -> int:
    """Return the searchable documents of ``index``, 0 while it does not exist."""
    try:
        return int(client.count(index=index)["count"])
    except NotFoundError:
        return 0


def wait_searchable(
    client: Elasticsearch, index: str, total: int, started: float,
    workers: Sequence[subprocess.Popen[bytes]] = (), timeout_s: float = 1800.0,
    on_first: Callable[[], None] | None = None,
) -> Timing:
    """Poll ``_count`` every 0.2 s until ``total`` documents are searchable.

    ``on_first`` is called when the first documents become searchable.
    """
    first_seen, first_count = 0.0, 0
    while time.monotonic() - started < timeout_s:
        seen = count(client, index)
        now = time.monotonic()
        if seen and not first_seen:
            first_seen, first_count = now, seen
            if on_first is not None:
                on_first()
        if seen >= total:
            return Timing(total, started, first_seen, first_count, now)
        dead = [w.args for w in workers if w.poll() is not None]
        if dead:
            raise RuntimeError(f"worker(s) exited early: {dead}")
        time.sleep(0.2)
    raise TimeoutError(f"{index}: {count(client, index)} of {total} searchable after {timeout_s} s")


def prefill(settings: Settings, topic: str, records: Sequence[RawPost]) -> float:
    """Publish ``records`` keyed by doc_id to ``topic``; return the seconds it took."""
    started = time.monotonic()
    producer = KafkaTopicProducer(settings.kafka, client_id="bench")
    for record in records:
        producer.send(topic, record.doc_id.encode("ascii"), encode(record))
    producer.close()
    return time.monotonic() - started


def raw_bulk(
    client: Elasticsearch, index: str, bodies: Sequence[tuple[str, str]], settings: Settings
) -> Timing:
    """``helpers.bulk`` pre-serialised documents into a fresh index of the posts mapping."""
    body = load_index_body()
    client.indices.create(index=index, settings=body["settings"], mappings=body["mappings"])
    es = settings.elasticsearch
    started = time.monotonic()
    ok, errors = bulk(
        client, ({"_index": index, "_id": doc_id, "_source": source} for doc_id, source in bodies),
        chunk_size=es.bulk_max_docs, max_chunk_bytes=es.bulk_max_bytes, request_timeout=120,
    )
    if ok != len(bodies) or errors:
        raise RuntimeError(f"raw bulk indexed {ok} of {len(bodies)}: {errors!r:.500}")
    return wait_searchable(client, index, len(bodies), started)


def cleanup(settings: Settings, client: Elasticsearch, prefixes: Sequence[str]) -> None:
    """Delete every topic and index the benchmark created under ``prefixes``."""
    admin: Any = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap, client_id="bench")
    try:
        doomed = [t for t in admin.list_topics() if t.startswith(tuple(prefixes))]
        if doomed:
            admin.delete_topics(doomed)
    finally:
        admin.close()
    for name in client.indices.get(index=",".join(f"{p}*" for p in prefixes)):
        client.indices.delete(index=name)


def cpu_snapshot(groups: dict[str, list[int]]) -> dict[str, float]:
    """Return the CPU seconds used so far by each named group of processes."""
    return {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in groups.items()}


def run_workers(
    tgt: Target, client: Elasticsearch, commands: Sequence[str], total: int,
    services: dict[str, int],
) -> tuple[Timing, dict[str, float], list[subprocess.Popen[bytes]]]:
    """Spawn ``commands`` on ``tgt`` and wait until ``total`` posts are searchable.

    Returns the timing, the CPU ms per post of the workers (by command) and of each service
    in the steady state (from the first searchable batch on, like ``Timing.steady_rate``),
    and the still-running workers (the caller stops them).
    """
    started = time.monotonic()
    workers = [tgt.spawn(command) for command in commands]
    groups = {name: [pid] for name, pid in services.items()}
    for command, worker in zip(commands, workers, strict=True):
        groups.setdefault(f"{command} workers", []).append(worker.pid)
    at_first: dict[str, float] = {}
    try:
        timing = wait_searchable(client, tgt.alias, total, started, workers,
                                 on_first=lambda: at_first.update(cpu_snapshot(groups)))
        after = cpu_snapshot(groups)
    except BaseException:
        from pipeline.stream_mode import stop_workers

        stop_workers(workers)
        raise
    steady = max(total - timing.first_count, 1)
    cpu = {name: 1000 * (used - at_first[name]) / steady for name, used in after.items()}
    return timing, cpu, workers
