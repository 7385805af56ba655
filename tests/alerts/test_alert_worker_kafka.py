"""The alert worker end to end: Kafka enriched topic → real percolator → aiosmtpd inbox."""

from __future__ import annotations

import uuid
from pathlib import Path

from pipeline.alert_worker import run_alert_worker
from pipeline.codec import encode
from pipeline.kafka_io import KafkaTopicProducer, ensure_topics
from pipeline.settings import KafkaSettings, Settings
from pipeline.workers import WorkerOptions
from tests.alerts.conftest import SmtpServer
from tests.alerts.streaming_support import BATCH, EXPECTED, sent, streaming_settings
from tests.real_services import ElasticsearchService, KafkaService

OPTIONS = WorkerOptions(idle_exit_s=8.0, install_signals=False)


def _publish(settings: Settings) -> None:
    kafka = settings.kafka
    ensure_topics(kafka)
    producer = KafkaTopicProducer(kafka, client_id="alert-test")
    try:
        for post in BATCH:
            producer.send(kafka.enriched_topic, post.doc_id.encode("ascii"), encode(post))
        producer.send(kafka.enriched_topic, b"broken", b'{"not": "an EnrichedPost"}')
        producer.flush()
    finally:
        producer.close()


def test_worker_emails_matches_once_across_restarts(
    smtp_server: SmtpServer, tmp_path: Path, kafka_service: KafkaService,
    elasticsearch_service: ElasticsearchService,
) -> None:
    run = uuid.uuid4().hex[:6]
    kafka = KafkaSettings(
        bootstrap=kafka_service.bootstrap, topic_prefix=f"{kafka_service.topic_prefix}{run}."
    )
    settings = streaming_settings(
        smtp_server, tmp_path, es_url=elasticsearch_service.url,
        prefix=elasticsearch_service.index(f"worker-{run}-"), kafka=kafka,
    )
    _publish(settings)
    stats = run_alert_worker(settings, OPTIONS)
    assert stats.consumed == len(BATCH) + 1
    assert stats.dead_letters == 1  # the bad message went to the DLQ, not silently dropped
    assert sent([r.message for r in smtp_server.inbox.messages]) == EXPECTED
    assert len(smtp_server.inbox.messages) == len(EXPECTED)
    # A restart in a new consumer group re-reads the whole topic: the state dedupes it.
    replay = settings.model_copy(update={"kafka": kafka.model_copy(update={"alert_group": "b"})})
    again = run_alert_worker(replay, OPTIONS)
    assert again.consumed == len(BATCH) + 1
    assert len(smtp_server.inbox.messages) == len(EXPECTED)
