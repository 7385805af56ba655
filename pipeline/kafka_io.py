"""Kafka transport for the stage runner: the ``Consumer`` and ``Producer`` seams over kafka-python.

Delivery rules (DESIGN.md): auto-commit off, offsets committed by the runner only after its
sink flushed; producers wait for all in-sync replicas and are idempotent, so a retried send
does not duplicate; keys are doc_ids, so Elasticsearch writes stay idempotent downstream.
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pipeline.bus import Message
from pipeline.settings import KafkaSettings


def topic_name(settings: KafkaSettings, topic: str) -> str:
    """Return ``topic`` with the deployment's prefix (tests use a unique one per session)."""
    return f"{settings.topic_prefix}{topic}"


class KafkaTopicConsumer:
    """One consumer-group member reading one topic, committing only on request."""

    def __init__(
        self, settings: KafkaSettings, topic: str, group: str, *, client_id: str = "centinela"
    ) -> None:
        self._consumer: Any = KafkaConsumer(
            topic_name(settings, topic),
            bootstrap_servers=settings.bootstrap,
            group_id=f"{settings.topic_prefix}{group}",
            client_id=client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=settings.max_poll_records,
            max_poll_interval_ms=settings.max_poll_interval_ms,
        )

    def poll(self, max_records: int, timeout_s: float) -> list[Message]:
        polled = self._consumer.poll(timeout_ms=int(timeout_s * 1000), max_records=max_records)
        messages: list[Message] = []
        for partition in sorted(polled, key=lambda tp: tp.partition):
            for record in polled[partition]:
                messages.append(
                    Message(
                        record.topic, record.key, record.value, record.partition, record.offset
                    )
                )
        return messages

    def commit(self) -> None:
        self._consumer.commit()

    def close(self) -> None:
        self._consumer.close(autocommit=False)


class KafkaTopicProducer:
    """Sends keyed records; ``flush`` returns once the broker acknowledged every send."""

    def __init__(self, settings: KafkaSettings, *, client_id: str = "centinela") -> None:
        self._settings = settings
        self._producer: Any = KafkaProducer(
            bootstrap_servers=settings.bootstrap,
            client_id=client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            batch_size=512 * 1024,  # a runner batch (64 enriched posts, ~150 KB) in one request
            max_request_size=8 * 1024 * 1024,
        )
        self._pending: list[Any] = []

    def send(self, topic: str, key: bytes | None, value: bytes) -> None:
        self._pending.append(
            self._producer.send(topic_name(self._settings, topic), key=key, value=value)
        )

    def flush(self) -> None:
        self._producer.flush()
        pending, self._pending = self._pending, []
        for future in pending:
            future.get(timeout=30)  # raises the broker's error instead of losing the record

    def close(self) -> None:
        self.flush()
        self._producer.close()


def ensure_topics(settings: KafkaSettings, *, partitions: int = 4) -> list[str]:
    """Create the raw, enriched and dead-letter topics if missing; return their names."""
    names = [
        topic_name(settings, t)
        for t in (settings.raw_topic, settings.enriched_topic, settings.dlq_topic)
    ]
    admin: Any = KafkaAdminClient(bootstrap_servers=settings.bootstrap, client_id="centinela")
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=partitions, replication_factor=1)
            for name in names
            if name not in existing
        ]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass  # another worker created them first: the outcome is the same
    finally:
        admin.close()
    return names


def group_lag(settings: KafkaSettings, topic: str, group: str) -> int:
    """Return how many messages of ``topic`` the consumer group has not committed yet."""
    name = topic_name(settings, topic)
    probe: Any = KafkaConsumer(
        bootstrap_servers=settings.bootstrap,
        group_id=f"{settings.topic_prefix}{group}",
        enable_auto_commit=False,
        client_id="centinela-lag",
    )
    try:
        partitions = probe.partitions_for_topic(name) or set()
        tps = [TopicPartition(name, p) for p in sorted(partitions)]
        if not tps:
            return 0
        ends = probe.end_offsets(tps)
        return sum(ends[tp] - (probe.committed(tp) or 0) for tp in tps)
    finally:
        probe.close(autocommit=False)
