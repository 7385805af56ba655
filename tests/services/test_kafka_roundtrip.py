"""Produce and consume on the real broker, committing offsets by hand in a consumer group."""

from __future__ import annotations

import time

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from tests.real_services import KafkaService

pytestmark = pytest.mark.integration


def _poll_until(consumer: KafkaConsumer, count: int, timeout_s: float = 20.0) -> list[bytes]:
    values: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    while len(values) < count and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            values.extend(record.value for record in records)
    return values


def _consumer(service: KafkaService, topic: str, group: str) -> KafkaConsumer:
    return KafkaConsumer(
        topic,
        bootstrap_servers=service.bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )


def test_round_trip_with_manual_commit(kafka_service: KafkaService) -> None:
    topic = kafka_service.topic("roundtrip")
    group = kafka_service.topic("group")
    admin = KafkaAdminClient(bootstrap_servers=kafka_service.bootstrap)
    admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    admin.close()

    producer = KafkaProducer(bootstrap_servers=kafka_service.bootstrap, acks="all")
    sent = [f"post-{number}".encode() for number in range(10)]
    for number, value in enumerate(sent):
        producer.send(topic, key=f"doc-{number}".encode(), value=value)
    producer.flush()

    first = _consumer(kafka_service, topic, group)
    received = _poll_until(first, len(sent))
    assert sorted(received) == sorted(sent)
    first.commit()
    partitions = [TopicPartition(topic, partition) for partition in (0, 1)]
    assert sum(first.committed(tp) or 0 for tp in partitions) == len(sent)
    first.close()

    # A restarted member of the group resumes after the commit: only the new post arrives.
    producer.send(topic, key=b"doc-late", value=b"post-late")
    producer.flush()
    producer.close()
    second = _consumer(kafka_service, topic, group)
    late = _poll_until(second, 1)
    late += _poll_until(second, 1, timeout_s=1.5)  # anything replayed would show up here
    assert late == [b"post-late"]
    second.close()


def test_uncommitted_records_are_delivered_again(kafka_service: KafkaService) -> None:
    topic = kafka_service.topic("redelivery")
    group = kafka_service.topic("redelivery-group")
    producer = KafkaProducer(bootstrap_servers=kafka_service.bootstrap, acks="all")
    producer.send(topic, key=b"doc-1", value=b"unflushed")
    producer.flush()
    producer.close()

    crashed = _consumer(kafka_service, topic, group)
    assert _poll_until(crashed, 1) == [b"unflushed"]
    crashed.close(autocommit=False)

    again = _consumer(kafka_service, topic, group)
    assert _poll_until(again, 1) == [b"unflushed"]
    again.close()
