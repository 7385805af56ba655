"""A raw topic with known messages for the Kafka replay tests (fixture ``topic``).

Post i of ``POSTS`` archived posts goes to partition ``i % 3`` at Kafka timestamp
``BASE + i minutes``, so its offset is ``i // 3``; then a poison message (partition 1) and a
tombstone (partition 0) at ``BASE + 100 minutes``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kafka import KafkaProducer

from pipeline.codec import encode
from pipeline.kafka_io import ensure_topics, topic_name
from pipeline.records import RawPost
from pipeline.settings import KafkaSettings

PARTITIONS = 3
POSTS = 30
BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


@dataclass
class Topic:
    """The raw topic of one test: its settings and what was published where."""

    settings: KafkaSettings
    posts: list[RawPost]
    where: dict[str, tuple[int, int]]  # doc_id -> (partition, offset)
    poison: list[tuple[int, int]]

    def publish(self, posts: list[RawPost], partition: int = 0) -> None:
        """Publish more posts, now (after a run started)."""
        _send(self.settings, [(partition, post.doc_id.encode(), encode(post), None)
                              for post in posts])


def _send(settings: KafkaSettings, messages: list[tuple[int, bytes, bytes | None, int | None]]
          ) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.bootstrap, acks="all")
    try:
        for partition, key, value, stamp in messages:
            producer.send(topic_name(settings, settings.raw_topic), key=key, value=value,
                          partition=partition, timestamp_ms=stamp)
        producer.flush()
    finally:
        producer.close()


def _stamp(minutes: int) -> int:
    return int((BASE + timedelta(minutes=minutes)).timestamp() * 1000)


def make_topic(bootstrap: str, prefix: str, archived_posts: dict[str, RawPost]) -> Topic:
    """Create a fresh raw topic under ``prefix`` and publish the known messages."""
    settings = KafkaSettings(bootstrap=bootstrap, topic_prefix=f"{prefix}{uuid.uuid4().hex[:8]}.")
    ensure_topics(settings, partitions=PARTITIONS)
    posts = [archived_posts[d] for d in sorted(archived_posts)[:POSTS]]
    messages: list[tuple[int, bytes, bytes | None, int | None]] = [
        (i % PARTITIONS, post.doc_id.encode(), encode(post), _stamp(i))
        for i, post in enumerate(posts)]
    messages += [(1, b"poison", b'{"not": "a RawPost"}', _stamp(100)),
                 (0, b"gone", None, _stamp(100))]
    _send(settings, messages)
    where = {post.doc_id: (i % PARTITIONS, i // PARTITIONS) for i, post in enumerate(posts)}
    per = POSTS // PARTITIONS
    return Topic(settings, posts, where, poison=[(1, per), (0, per)])
