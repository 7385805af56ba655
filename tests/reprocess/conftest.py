"""Fixtures for the re-processing tests: a crawled archive, the real node, a v1 index.

The archive is made once per session the way an operator makes one: the fixture sites served
over loopback HTTP and crawled by ``python -m crawlers.run --archive-dir`` in a subprocess.
Each test gets its own index prefix and a v1 index built through the streaming path (NLP
stage → ElasticsearchSink on the alias), labelled ``nlp_version = V1``. The Kafka replay
tests get a fresh raw topic holding known messages (``topic``, see ``kafka_support``).
"""

from __future__ import annotations

import functools
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from crawlers.fixture_server import FixtureServer
from indexer.elastic import alias_name, client_from_settings, create
from indexer.elastic.sink import ElasticsearchSink
from pipeline.annotator_pool import load_annotator
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import RawPost
from pipeline.settings import ElasticsearchSettings
from pipeline.stages import Annotator, nlp_stage
from tests.real_services import ElasticsearchService, KafkaService
from tests.reprocess.kafka_support import Topic, make_topic

PROJECT = Path(__file__).resolve().parents[2]
V1, V2 = "test-rules-v1", "test-rules-v2"


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive directory (WARC + posts.jsonl) from one crawl of the fixture sites."""
    folder = tmp_path_factory.mktemp("archive")
    with FixtureServer() as server:
        proc = subprocess.run(
            [sys.executable, "-m", "crawlers.run", "--watchlist",
             str(PROJECT / "fixtures" / "watchlist.toml"), "--base-url", server.base_url,
             "--archive-dir", str(folder / "archive"), "--out", str(folder / "posts.jsonl"),
             "--log-level", "WARNING", "--no-autothrottle"],
            cwd=folder, capture_output=True, text=True, timeout=120, check=False,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return folder / "archive"


@pytest.fixture(scope="session")
def archived_posts(archive: Path) -> dict[str, RawPost]:
    """The archived posts by doc_id (last copy wins)."""
    lines = (archive / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    posts = [RawPost.model_validate_json(line) for line in lines if line.strip()]
    return {post.doc_id: post for post in posts}


@pytest.fixture(scope="session")
def es(elasticsearch_service: ElasticsearchService) -> Iterator[Elasticsearch]:
    """A client on the session's node, built the way the CLI builds it."""
    client = client_from_settings(ElasticsearchSettings(url=elasticsearch_service.url))
    yield client
    client.close()


@pytest.fixture
def es_settings(elasticsearch_service: ElasticsearchService) -> ElasticsearchSettings:
    """Settings with an index prefix private to one test."""
    prefix = f"{elasticsearch_service.index_prefix}{uuid.uuid4().hex[:8]}-"
    return ElasticsearchSettings(url=elasticsearch_service.url, index_prefix=prefix,
                                 max_retries=3, backoff_initial_s=0.01, backoff_max_s=0.05)


@pytest.fixture
def dead_letters(tmp_path: Path) -> Iterator[DeadLetterFile]:
    """A real dead-letter file."""
    sink = DeadLetterFile(tmp_path / "dead_letters.jsonl")
    yield sink
    sink.close()


@pytest.fixture
def v1_index(
    es: Elasticsearch, es_settings: ElasticsearchSettings,
    archived_posts: dict[str, RawPost], dead_letters: DeadLetterFile,
) -> str:
    """Index every archived post at nlp_version V1 behind this test's alias; return the index."""
    index = create(es, es_settings.index_prefix)
    sink = ElasticsearchSink(es, dead_letters, es_settings)
    stage = nlp_stage(load_annotator(V1))
    posts = list(archived_posts.values())
    for start in range(0, len(posts), 256):
        sink.add(stage.handle(posts[start : start + 256]))
    sink.flush()
    es.indices.refresh(index=alias_name(es_settings.index_prefix))
    return index


def v2_factory() -> functools.partial[Annotator]:
    """A picklable annotator factory labelling posts V2."""
    return functools.partial(load_annotator, V2)


@pytest.fixture
def topic(kafka_service: KafkaService, archived_posts: dict[str, RawPost]) -> Topic:
    """A fresh raw topic holding known messages (see ``kafka_support``)."""
    return make_topic(kafka_service.bootstrap, kafka_service.topic_prefix, archived_posts)
