"""The message transport seam: an in-memory bus for embedded mode, shaped like Kafka.

Stages see only ``Consumer`` and ``Producer``; embedded mode passes a ``MemoryBus``, the
streaming mode passes the Kafka implementations in ``pipeline.kafka_io``. Offsets and
consumer groups behave like Kafka's: a group resumes after its last commit.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    """One record on a topic, with the coordinates a dead letter needs."""

    topic: str
    key: bytes | None
    value: bytes
    partition: int = 0
    offset: int = 0


class Consumer(Protocol):
    def poll(self, max_records: int, timeout_s: float) -> list[Message]: ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


class Producer(Protocol):
    def send(self, topic: str, key: bytes | None, value: bytes) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class MemoryBus:
    """Topics held in memory, thread-safe, with per-group committed offsets."""

    def __init__(self) -> None:
        self._topics: dict[str, list[Message]] = defaultdict(list)
        self._committed: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)

    def append(self, topic: str, key: bytes | None, value: bytes) -> Message:
        """Append a message to ``topic`` and return it with its offset."""
        with self._arrived:
            log = self._topics[topic]
            message = Message(topic, key, value, 0, len(log))
            log.append(message)
            self._arrived.notify_all()
            return message

    def messages(self, topic: str) -> list[Message]:
        """Return a copy of every message ever appended to ``topic``."""
        with self._lock:
            return list(self._topics[topic])

    def lag(self, topic: str, group: str) -> int:
        """Return how many messages of ``topic`` the group has not committed."""
        with self._lock:
            return len(self._topics[topic]) - self._committed.get((group, topic), 0)

    def producer(self) -> MemoryProducer:
        return MemoryProducer(self)

    def consumer(self, topic: str, group: str) -> MemoryConsumer:
        return MemoryConsumer(self, topic, group)

    def _read(self, topic: str, start: int, limit: int, timeout_s: float) -> list[Message]:
        with self._arrived:
            if len(self._topics[topic]) <= start and timeout_s > 0:
                self._arrived.wait(timeout_s)
            return list(self._topics[topic][start : start + limit])

    def _commit(self, group: str, topic: str, offset: int) -> None:
        with self._lock:
            self._committed[(group, topic)] = offset

    def _position(self, group: str, topic: str) -> int:
        with self._lock:
            return self._committed.get((group, topic), 0)


class MemoryProducer:
    def __init__(self, bus: MemoryBus) -> None:
        self._bus = bus

    def send(self, topic: str, key: bytes | None, value: bytes) -> None:
        self._bus.append(topic, key, value)

    def flush(self) -> None:
        """Nothing is buffered: appends are immediate."""

    def close(self) -> None:
        """Nothing to release."""


class MemoryConsumer:
    """Reads one topic for one group; ``commit`` records what was polled."""

    def __init__(self, bus: MemoryBus, topic: str, group: str) -> None:
        self._bus = bus
        self._topic = topic
        self._group = group
        self._position = bus._position(group, topic)

    def poll(self, max_records: int, timeout_s: float) -> list[Message]:
        batch = self._bus._read(self._topic, self._position, max_records, timeout_s)
        self._position += len(batch)
        return batch

    def commit(self) -> None:
        self._bus._commit(self._group, self._topic, self._position)

    def close(self) -> None:
        """Uncommitted messages are delivered again to the group's next consumer."""
