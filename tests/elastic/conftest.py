"""Fixtures for the Elasticsearch tests: the session's real node, a client, per-test prefixes.

The node comes from ``tests.real_services`` (started when not already running; indices under
the session prefix are deleted at the end). Each test gets its own index prefix below the
session's, so tests never see each other's posts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from indexer.elastic import alias_name, client_from_settings, create
from pipeline.dead_letters import DeadLetterFile
from pipeline.settings import ElasticsearchSettings
from tests.real_services import ElasticsearchService


@pytest.fixture(scope="session")
def es(elasticsearch_service: ElasticsearchService) -> Iterator[Elasticsearch]:
    """A client on the session's node, built the way the indexer builds it."""
    client = client_from_settings(ElasticsearchSettings(url=elasticsearch_service.url))
    yield client
    client.close()


@pytest.fixture(scope="session")
def elasticsearch_service_url(elasticsearch_service: ElasticsearchService) -> str:
    """The URL of the session's node (for tests that build their own client wrapper)."""
    return elasticsearch_service.url


@pytest.fixture
def prefix(elasticsearch_service: ElasticsearchService) -> str:
    """An index prefix private to one test (inside the session's prefix)."""
    return f"{elasticsearch_service.index_prefix}{uuid.uuid4().hex[:8]}-"


@pytest.fixture
def es_settings(
    elasticsearch_service: ElasticsearchService,
    prefix: str,
) -> ElasticsearchSettings:
    """Settings pointing the sink at this test's alias, with fast retries."""
    return ElasticsearchSettings(
        url=elasticsearch_service.url,
        index_prefix=prefix,
        max_retries=3,
        backoff_initial_s=0.01,
        backoff_max_s=0.05,
    )


@pytest.fixture
def live_alias(es: Elasticsearch, prefix: str) -> str:
    """Create this test's index and alias; return the alias."""
    create(es, prefix)
    return alias_name(prefix)


@pytest.fixture
def dead_letters(tmp_path: Path) -> Iterator[DeadLetterFile]:
    """A real dead-letter file sink."""
    sink = DeadLetterFile(tmp_path / "dead_letters.jsonl")
    yield sink
    sink.close()
