"""ElasticsearchSink on a real node: idempotence, rejections to the DLQ, retries, bounds."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import ConnectionTimeout, Elasticsearch, TransportError

from indexer.elastic import ElasticsearchSink, IndexUnavailableError, from_document, to_document
from indexer.elastic.errors import ElasticError
from indexer.sink import Sink
from pipeline.dead_letters import DeadLetterFile, read_dead_letters
from pipeline.records import EnrichedPost, NlpAnnotations
from pipeline.settings import ElasticsearchSettings
from tests.elastic.factories import full_post, place, post

pytestmark = pytest.mark.integration


class FailingBulk(Elasticsearch):
    """A real client whose first ``failures`` bulk calls raise ``error`` before sending."""

    def __init__(self, url: str, failures: int, error: Exception) -> None:
        super().__init__([url], max_retries=0)
        self.failures = failures
        self.error = error
        self.bulk_calls = 0

    def bulk(self, *args: Any, **kwargs: Any) -> Any:
        self.bulk_calls += 1
        if self.bulk_calls <= self.failures:
            raise self.error
        return super().bulk(*args, **kwargs)


class RejectingItems(FailingBulk):
    """A real client whose first ``failures`` bulk calls answer ``status`` for each item, unsent."""

    status = 429

    def bulk(self, *args: Any, **kwargs: Any) -> Any:
        self.bulk_calls += 1
        if self.bulk_calls > self.failures:
            return Elasticsearch.bulk(self, *args, **kwargs)
        body = kwargs["body"] if "body" in kwargs else args[0]
        text = "\n".join(body) if isinstance(body, list) else str(body)
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        items = [
            {
                "index": {
                    "_id": line["index"]["_id"],
                    "status": self.status,
                    "error": {"type": "es_rejected_execution_exception", "reason": "busy"},
                }
            }
            for line in lines[::2]
        ]
        return {"took": 1, "errors": True, "items": items}


def _posts(count: int, tag: str = "p") -> list[EnrichedPost]:
    return [
        post(f"{tag}-{number}", f"Cruce número {number} por Reynosa") for number in range(count)
    ]


def _count(es: Elasticsearch, alias: str) -> int:
    es.indices.refresh(index=alias)
    return int(es.count(index=alias)["count"])


def test_indexing_the_same_posts_twice_leaves_the_count_unchanged(
    es: Elasticsearch,
    es_settings: ElasticsearchSettings,
    live_alias: str,
    dead_letters: DeadLetterFile,
) -> None:
    sink = ElasticsearchSink(es, dead_letters, es_settings)
    assert isinstance(sink, Sink)  # the indexer's Sink protocol
    posts = [*_posts(5), full_post()]
    sink.add(posts)
    sink.flush()
    assert _count(es, live_alias) == 6
    edited = posts[0].model_copy(update={"text": "Cruce editado por Reynosa"})
    sink.add([*posts, edited])  # re-delivery, and an edit of a post already indexed
    sink.flush()
    assert _count(es, live_alias) == 6
    assert es.get(index=live_alias, id=edited.doc_id)["_source"]["text"] == edited.text
    assert sink.stats.indexed == 12 and dead_letters.count == 0


def test_rejected_documents_go_to_the_dead_letter_sink_and_the_rest_are_indexed(
    es: Elasticsearch,
    es_settings: ElasticsearchSettings,
    live_alias: str,
    dead_letters: DeadLetterFile,
) -> None:
    bad_place = place("Reynosa", "crossing").model_copy(update={"lat": 123.0})  # not on Earth
    off_the_map = post(
        "bad-lat",
        nlp=NlpAnnotations(lang="es", is_smuggling_ad=True, score=0.9, places=(bad_place,)),
    )
    unknown_field = post("bad-field")

    def document(item: EnrichedPost) -> dict[str, Any]:
        doc = to_document(item)
        if item.doc_id == unknown_field.doc_id:
            doc["nlp"]["sentiment"] = "hostile"  # a field the strict mapping does not know
        return doc

    sink = ElasticsearchSink(es, dead_letters, es_settings, document=document)
    sink.add([*_posts(3), off_the_map, unknown_field])
    sink.flush()

    assert _count(es, live_alias) == 3
    assert sink.stats.indexed == 3 and sink.stats.dead_lettered == 2
    letters = {letter.doc_id: letter for letter in read_dead_letters(dead_letters.path)}
    assert set(letters) == {off_the_map.doc_id, unknown_field.doc_id}
    strict = letters[unknown_field.doc_id]
    assert strict.stage == "index"
    assert strict.error_type == "strict_dynamic_mapping_exception"
    assert "sentiment" in strict.error_message and "HTTP 400" in strict.error_message
    assert json.loads(strict.payload())["nlp"]["sentiment"] == "hostile"  # the bytes sent
    geo = letters[off_the_map.doc_id]
    assert geo.error_type == "mapper_parsing_exception"
    assert "location" in geo.error_message
    assert from_document(json.loads(geo.payload())) == off_the_map  # replayable once fixed


@pytest.mark.parametrize(
    "error",
    [
        TransportError(429, "es_rejected_execution_exception", {"status": 429}),
        TransportError(503, "unavailable_shards_exception", {"status": 503}),
        EsConnectionError("N/A", "connection reset by peer", OSError("reset")),
        ConnectionTimeout("TIMEOUT", "read timed out", TimeoutError("30 s")),
    ],
    ids=["429", "503", "connection", "timeout"],
)
def test_busy_cluster_is_retried_with_jittered_backoff_until_the_posts_arrive(
    elasticsearch_service_url: str,
    es: Elasticsearch,
    es_settings: ElasticsearchSettings,
    live_alias: str,
    dead_letters: DeadLetterFile,
    error: Exception,
) -> None:
    client = FailingBulk(elasticsearch_service_url, failures=2, error=error)
    waits: list[float] = []
    sink = ElasticsearchSink(client, dead_letters, es_settings, sleep=waits.append)
    sink.add(_posts(4))
    sink.flush()
    assert client.bulk_calls == 3
    assert sink.stats.retries == 2 and len(waits) == 2
    assert 0 <= waits[0] <= 0.01 and 0 <= waits[1] <= 0.02  # full jitter under the cap
    assert _count(es, live_alias) == 4 and dead_letters.count == 0


@pytest.mark.parametrize("status", [429, 500])
def test_items_refused_by_a_busy_or_failing_node_are_retried_not_dead_lettered(
    elasticsearch_service_url: str,
    es: Elasticsearch,
    es_settings: ElasticsearchSettings,
    live_alias: str,
    dead_letters: DeadLetterFile,
    status: int,
) -> None:
    client = RejectingItems(elasticsearch_service_url, failures=1, error=RuntimeError())
    client.status = status
    sink = ElasticsearchSink(client, dead_letters, es_settings, sleep=lambda _s: None)
    sink.add(_posts(3))
    sink.flush()
    assert client.bulk_calls == 2 and sink.stats.indexed == 3
    assert _count(es, live_alias) == 3 and dead_letters.count == 0


def test_cluster_down_past_the_retries_raises_and_keeps_the_posts(
    es_settings: ElasticsearchSettings,
    dead_letters: DeadLetterFile,
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = Elasticsearch([f"http://127.0.0.1:{port}"], max_retries=0)
    waits: list[float] = []
    sink = ElasticsearchSink(down, dead_letters, es_settings, sleep=waits.append)
    posts = _posts(2)
    sink.add(posts)
    with pytest.raises(IndexUnavailableError, match=f"2 post.*{posts[0].doc_id}"):
        sink.flush()
    assert len(waits) == es_settings.max_retries and dead_letters.count == 0
    with pytest.raises(IndexUnavailableError):  # still buffered: nothing was dropped
        sink.flush()


def test_missing_alias_is_a_configuration_error_not_a_dead_letter(
    es: Elasticsearch,
    es_settings: ElasticsearchSettings,
    dead_letters: DeadLetterFile,
) -> None:
    sink = ElasticsearchSink(es, dead_letters, es_settings, index=f"{es_settings.index_prefix}x")
    sink.add(_posts(1))
    with pytest.raises(ElasticError, match="not an alias"):
        sink.flush()
    assert dead_letters.count == 0
    assert not es.indices.exists(index=sink.index)  # no index guessed into existence


def test_bulk_requests_respect_the_count_and_byte_bounds(
    elasticsearch_service_url: str,
    es: Elasticsearch,
    es_settings: ElasticsearchSettings,
    live_alias: str,
    dead_letters: DeadLetterFile,
) -> None:
    client = FailingBulk(elasticsearch_service_url, failures=0, error=RuntimeError())
    settings = es_settings.model_copy(update={"bulk_max_docs": 3, "bulk_max_bytes": 10_000})
    sink = ElasticsearchSink(client, dead_letters, settings)
    sink.add(_posts(7))  # small posts: 3 + 3 + 1 by count
    sink.flush()
    assert client.bulk_calls == 3
    client.bulk_calls = 0
    big = [post(f"big-{n}", "viaje seguro " * 600) for n in range(4)]  # ~8 KB each
    sink.add(big)
    sink.flush()
    assert client.bulk_calls == 4  # one per request: two would pass 10 000 bytes
    assert _count(es, live_alias) == 11
