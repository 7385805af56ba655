"""Replay the raw topic for ``centinela reprocess``: from a time, an offset, or the beginning.

The replay joins no consumer group and commits nothing: one consumer, partitions assigned by
hand, read one after the other from a start offset up to the end offset captured when the
run started, so it ends even while crawlers keep publishing. The start is the beginning of
each partition, or ``--kafka-offset`` (one offset for every partition, or ``P:N`` for one),
clamped to what the partition still holds, or the first message whose Kafka timestamp is at
or after ``--kafka-since`` (``offsets_for_times``). Those ranges are saved in the
checkpoint, so a resumed run reads exactly the same messages, continuing after the last
flushed offset of each partition. A message that is not a RawPost (poison, tombstone)
becomes a DeadLetter with its topic, partition and offset.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from pipeline.kafka_io import topic_name
from pipeline.reprocess_sources import Done, Entry, Position, SourceError
from pipeline.settings import KafkaSettings

Ranges = dict[int, tuple[int, int]]
"""Per partition, ``(first offset, end offset)``: the messages ``first <= offset < end``."""
POLL_TIMEOUT_S = 1.0
STALL_S = 60.0
REQUEST_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class KafkaReplay:
    """Which raw-topic messages to replay; with neither ``since`` nor ``offsets``: all."""

    settings: KafkaSettings
    since: datetime | None = None
    offsets: tuple[tuple[int | None, int], ...] = ()
    """``(partition or None for every partition, start offset)``."""

    def __post_init__(self) -> None:
        if self.since is not None and self.offsets:
            raise ValueError("give --kafka-since or --kafka-offset, not both")
        if self.since is not None and self.since.utcoffset() is None:
            raise ValueError(f"{self.since.isoformat()} has no timezone; give e.g. +00:00")
        if any(offset < 0 for _p, offset in self.offsets):
            raise ValueError("--kafka-offset must be >= 0")

    @property
    def topic(self) -> str:
        """The raw topic, with the deployment's prefix."""
        return topic_name(self.settings, self.settings.raw_topic)

    def describe(self) -> str:
        """How the start is chosen, for the report and the checkpoint."""
        if self.since is not None:
            return f"messages since {self.since.isoformat()}"
        if self.offsets:
            return "from offset " + ", ".join(
                str(o) if p is None else f"{p}:{o}" for p, o in self.offsets)
        return "from the beginning"


def parse_offsets(values: list[str]) -> tuple[tuple[int | None, int], ...]:
    """Parse ``--kafka-offset`` values: ``N`` (every partition) or ``P:N`` (partition P)."""
    parsed: list[tuple[int | None, int]] = []
    for value in values:
        partition, _, offset = value.rpartition(":")
        try:
            parsed.append((int(partition) if partition else None, int(offset)))
        except ValueError as error:
            raise ValueError(f"--kafka-offset {value!r}: give N or PARTITION:N") from error
    return tuple(parsed)


class KafkaSource:
    """The raw topic between start offsets and the end offsets captured at start."""

    kind = "kafka"
    unit = "messages"

    def __init__(self, replay: KafkaReplay, ranges: Mapping[int, tuple[int, int]] | None = None,
                 *, stall_s: float = STALL_S) -> None:
        """Connect and resolve the ranges (or reuse ``ranges`` from a checkpoint)."""
        self.replay = replay
        self.topic = replay.topic
        self._stall_s = stall_s
        self._done = 0
        settings = replay.settings
        try:
            self._consumer: Any = KafkaConsumer(
                bootstrap_servers=settings.bootstrap, group_id=None, enable_auto_commit=False,
                client_id="centinela-reprocess", auto_offset_reset="none",
                max_poll_records=settings.max_poll_records,
                request_timeout_ms=REQUEST_TIMEOUT_MS)
        except KafkaError as error:
            raise SourceError(f"cannot reach Kafka at {settings.bootstrap}: {error}") from error
        try:
            partitions = self._consumer.partitions_for_topic(self.topic)
            if not partitions:
                raise SourceError(f"topic {self.topic} does not exist on {settings.bootstrap}")
            self.ranges: Ranges = (
                {int(p): (int(a), int(b)) for p, (a, b) in ranges.items()}
                if ranges is not None else self._resolve(sorted(partitions)))
        except KafkaError as error:
            self.close()
            raise SourceError(f"cannot read the offsets of {self.topic}: "
                              f"{type(error).__name__}: {error}") from error
        except BaseException:
            self.close()
            raise
        self.total = sum(end - start for start, end in self.ranges.values())
        self.label = (f"Kafka topic {self.topic} {replay.describe()}: {self.total:,} messages in "
                      f"{len(self.ranges)} partition(s)")

    def identity(self) -> dict[str, Any]:
        return {"kind": self.kind, "topic": self.topic, "start": self.replay.describe(),
                "ranges": {str(p): list(r) for p, r in sorted(self.ranges.items())}}

    def scan(self, done: Done | None = None) -> Iterator[Entry]:
        self._done = 0
        for partition, (start, end) in sorted(self.ranges.items()):
            first = max(start, (done or {}).get(partition, -1) + 1)
            self._done += first - start
            yield from self._read(partition, first, end)

    def fetch(self, positions: set[Position]) -> Iterator[Entry]:
        for partition, offset in sorted(positions):
            yield from self._read(partition, offset, offset + 1)

    def progress(self) -> tuple[int, int | None]:
        return self._done, self.total

    def where(self, position: Position) -> dict[str, Any]:
        return {"topic": self.topic, "partition": position[0], "offset": position[1]}

    def close(self) -> None:
        self._consumer.close(autocommit=False)

    def _resolve(self, partitions: list[int]) -> Ranges:
        """Start and end offsets per partition, as the replay asks for them."""
        tps = [TopicPartition(self.topic, p) for p in partitions]
        first = self._consumer.beginning_offsets(tps)
        end = self._consumer.end_offsets(tps)
        ranges: Ranges = {}
        if self.replay.since is not None:
            moment = int(self.replay.since.timestamp() * 1000)
            found = self._consumer.offsets_for_times({tp: moment for tp in tps})
            for tp in tps:
                hit = found.get(tp)
                ranges[tp.partition] = (end[tp] if hit is None else hit.offset, end[tp])
            return ranges
        wanted = dict(self.replay.offsets)
        unknown = sorted(p for p in wanted if p is not None and p not in partitions)
        if unknown:
            raise SourceError(f"topic {self.topic} has no partition {unknown}; it has "
                              f"{partitions}")
        for tp in tps:
            asked = wanted.get(tp.partition, wanted.get(None, first[tp]))
            ranges[tp.partition] = (min(max(asked, first[tp]), end[tp]), end[tp])
        return ranges

    def _read(self, partition: int, first: int, end: int) -> Iterator[Entry]:
        """Yield ``((partition, offset), value)`` for ``first <= offset < end``."""
        if first >= end:
            return
        tp = TopicPartition(self.topic, partition)
        self._consumer.assign([tp])
        self._consumer.seek(tp, first)
        last_progress = time.monotonic()
        while self._position(tp) < end:
            try:
                records = self._consumer.poll(timeout_ms=int(POLL_TIMEOUT_S * 1000)).get(tp, [])
            except KafkaError as error:
                raise SourceError(f"reading {self.topic} partition {partition}: "
                                  f"{type(error).__name__}: {error}") from error
            if not records:
                if time.monotonic() - last_progress > self._stall_s:
                    raise SourceError(f"{self.topic} partition {partition}: no message for "
                                      f"{self._stall_s:.0f} s before offset {end}")
                continue
            last_progress = time.monotonic()
            for record in records:
                if record.offset >= end:
                    return
                self._done += 1
                value = record.value if record.value is not None else b""
                yield (partition, record.offset), value

    def _position(self, tp: TopicPartition) -> int:
        try:
            return int(self._consumer.position(tp))
        except KafkaError as error:
            raise SourceError(f"reading {self.topic} partition {tp.partition}: "
                              f"{type(error).__name__}: {error}") from error
