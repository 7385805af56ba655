"""Streaming alerts against the real percolator and a real SMTP server on loopback.

The sink is driven directly here (the Kafka path is in ``test_alert_worker_kafka.py``).
"""

from __future__ import annotations

import socket
from email.message import EmailMessage
from pathlib import Path

import pytest
from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import Elasticsearch

from indexer.alerts.matchers import PercolatorMatcher
from indexer.alerts.rules_index import rules_index_name
from indexer.alerts.streaming import AlertSink, open_streaming_engine
from pipeline.settings import Settings
from tests.alerts.conftest import SmtpServer
from tests.alerts.streaming_support import BATCH, EXPECTED, POSTS, sent, streaming_settings
from tests.indexer.posts import alias, contact, enriched, place, price
from tests.real_services import ElasticsearchService


def _settings(
    smtp: SmtpServer, tmp_path: Path, es: ElasticsearchService, name: str
) -> Settings:
    return streaming_settings(smtp, tmp_path, es_url=es.url, prefix=es.index(f"{name}-"))


def _messages(smtp: SmtpServer) -> list[EmailMessage]:
    return [received.message for received in smtp.inbox.messages]


def test_expected_emails_arrive_and_broken_rules_are_skipped(
    smtp_server: SmtpServer, tmp_path: Path, elasticsearch_service: ElasticsearchService,
    es_client: Elasticsearch,
) -> None:
    settings = _settings(smtp_server, tmp_path, elasticsearch_service, "stream")
    started = open_streaming_engine(settings, es_client)
    problems = "\n".join(started.problems)
    assert "broken.yaml:4: invalid YAML" in problems
    assert "'Refused raw query': Elasticsearch refused its query" in problems
    assert len(started.problems) == 2
    indexed = es_client.count(index=rules_index_name(settings.elasticsearch.index_prefix))
    assert indexed["count"] == 6  # the six valid example rules, not the refused one
    sink = AlertSink(started.engine)
    with started.engine:
        sink.add(BATCH)
        sink.flush()
    assert sent(_messages(smtp_server)) == EXPECTED
    assert len(smtp_server.inbox.messages) == len(EXPECTED)
    reynosa = next(m for m in _messages(smtp_server) if "Reynosa" in str(m["Subject"]))
    assert str(reynosa["To"]) == "analista.norte@example.org"
    body = reynosa.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "place Reynosa = Reynosa, Tamaulipas, MX (crossing)" in text
    assert "price 5,999 USD" in text
    assert POSTS["c01"].url in text


def test_a_restart_sends_no_duplicates(
    smtp_server: SmtpServer, tmp_path: Path, elasticsearch_service: ElasticsearchService,
    es_client: Elasticsearch,
) -> None:
    settings = _settings(smtp_server, tmp_path, elasticsearch_service, "restart")
    for _ in range(2):  # the second engine is the restarted worker, same state file
        started = open_streaming_engine(settings, es_client)
        with started.engine:
            sink = AlertSink(started.engine)
            sink.add(BATCH)
            sink.flush()
    assert len(smtp_server.inbox.messages) == len(EXPECTED)
    assert sent(_messages(smtp_server)) == EXPECTED


def test_markup_in_a_post_cannot_inject(
    smtp_server: SmtpServer, tmp_path: Path, elasticsearch_service: ElasticsearchService,
    es_client: Elasticsearch,
) -> None:
    settings = _settings(smtp_server, tmp_path, elasticsearch_service, "markup")
    evil = enriched(
        "x1", 'Cruce por Reynosa <script>alert("x")</script> <a href="javascript:steal()">'
        "pagar</a>\r\nBcc: victim@example.org", score=0.95,
        url="javascript:alert(1)", places=(place("Reynosa", "crossing"),),
        prices=(price(5000),), aliases=(alias("El Güero <img src=x onerror=alert(1)>"),),
        contacts=(contact("@elguero.rutas</td><script>", "telegram"),),
    )
    started = open_streaming_engine(settings, es_client)
    with started.engine:
        sink = AlertSink(started.engine)
        sink.add([evil])
        sink.flush()
    received = smtp_server.inbox.messages
    assert [r.message["X-Centinela-Rule"] for r in received] == [
        "Reynosa crossings under $6,000"
    ]
    assert received[0].rcpt_tos == ["analista.norte@example.org"]
    message = received[0].message
    assert message["Bcc"] is None
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    content = html.get_content()
    assert "<script" not in content and "<img" not in content
    assert 'href="javascript' not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_an_unavailable_elasticsearch_keeps_the_batch_for_the_retry(
    smtp_server: SmtpServer, tmp_path: Path, elasticsearch_service: ElasticsearchService,
    es_client: Elasticsearch,
) -> None:
    settings = _settings(smtp_server, tmp_path, elasticsearch_service, "retry")
    started = open_streaming_engine(settings, es_client)
    matcher = started.engine.matcher
    assert isinstance(matcher, PercolatorMatcher)
    with started.engine, socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # a port nobody listens on
        matcher.client = Elasticsearch([f"http://127.0.0.1:{closed.getsockname()[1]}"])
        sink = AlertSink(started.engine)
        sink.add(BATCH)
        with pytest.raises(EsConnectionError):
            sink.flush()  # the stage runner retries this flush; nothing is committed before
        assert smtp_server.inbox.messages == []
        matcher.client = es_client
        sink.flush()
    assert sent(_messages(smtp_server)) == EXPECTED
