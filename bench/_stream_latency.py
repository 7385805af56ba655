"""The streaming benchmark's latency phase: publish at a fixed rate, poll until searchable."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from _stream_phases import Target
from elasticsearch import Elasticsearch

from pipeline.codec import encode
from pipeline.kafka_io import KafkaTopicProducer
from pipeline.records import RawPost


def latency(
    target: Target, client: Elasticsearch, posts: Sequence[RawPost], rate: float
) -> list[float]:
    """Publish ``posts`` at ``rate``/s and return each one's seconds from send to searchable."""
    sent: dict[str, float] = {}
    lock = threading.Lock()
    failure: list[BaseException] = []

    def publish() -> None:
        try:
            producer = KafkaTopicProducer(target.settings.kafka, client_id="bench-latency")
            start = time.monotonic()
            for n, post in enumerate(posts):
                time.sleep(max(0.0, start + n / rate - time.monotonic()))
                payload = encode(post)
                with lock:
                    sent[post.doc_id] = time.monotonic()
                producer.send(target.settings.kafka.raw_topic, post.doc_id.encode(), payload)
            producer.close()
        except BaseException as error:  # noqa: BLE001 - reported by the polling thread
            failure.append(error)

    thread = threading.Thread(target=publish, name="bench-publisher")
    thread.start()
    seen: dict[str, float] = {}
    deadline = time.monotonic() + len(posts) / rate + 120
    while len(seen) < len(posts) and time.monotonic() < deadline and not failure:
        with lock:
            pending = [doc_id for doc_id in sent if doc_id not in seen]
        for start in range(0, len(pending), 1000):
            chunk = pending[start : start + 1000]
            hits = client.search(index=target.alias, query={"ids": {"values": chunk}},
                                 size=len(chunk), _source=False)["hits"]["hits"]
            now = time.monotonic()
            for hit in hits:
                seen[hit["_id"]] = now
        time.sleep(0.1)
    thread.join()
    if failure:
        raise RuntimeError("latency publisher failed") from failure[0]
    if len(seen) < len(posts):
        raise TimeoutError(f"only {len(seen)} of {len(posts)} latency posts became searchable")
    return sorted(seen[doc_id] - sent[doc_id] for doc_id in seen)
