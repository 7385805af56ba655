"""Real Kafka and Elasticsearch for integration tests, as a reusable pytest plugin.

Use it with ``pytest_plugins = ["tests.real_services"]`` in the top-level conftest, or import
the fixtures into a folder's conftest. Services already healthy on the configured ports are
reused. A service the tests started is stopped by the last test session using it, unless
``CENTINELA_KEEP_SERVICES=1`` (handy for fast reruns); one started by
``centinela services up`` is left running. Each session gets its own topic and
index prefix, and every topic/index under it is deleted when the session ends.
"""

from __future__ import annotations

import json
import os
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from elasticsearch import Elasticsearch

from pipeline.services import (
    ELASTICSEARCH,
    KAFKA,
    ServiceLayout,
    default_ports,
    down,
    ensure_running,
    services_lock,
)
from pipeline.settings import Settings

__all__ = [
    "ElasticsearchService",
    "KafkaService",
    "elasticsearch_service",
    "es_client",
    "kafka_service",
    "services_run_id",
    "services_settings",
]


@dataclass(frozen=True)
class KafkaService:
    """A running broker and this test session's topic prefix."""

    bootstrap: str
    topic_prefix: str

    def topic(self, name: str) -> str:
        """A topic name private to this test session."""
        return f"{self.topic_prefix}{name}"


@dataclass(frozen=True)
class ElasticsearchService:
    """A running Elasticsearch node and this test session's index prefix."""

    url: str
    index_prefix: str

    def index(self, name: str) -> str:
        """An index name private to this test session."""
        return f"{self.index_prefix}{name}"


def _keep() -> bool:
    return os.environ.get("CENTINELA_KEEP_SERVICES", "") not in {"", "0", "false"}


@pytest.fixture(scope="session")
def services_settings() -> Settings:
    """Settings the services are started with (env and centinela.toml apply)."""
    return Settings()


@pytest.fixture(scope="session")
def services_run_id() -> str:
    """A short id unique to this test session, used in topic and index names."""
    return uuid.uuid4().hex[:10]


def _delete_topics(bootstrap: str, prefix: str) -> None:
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="centinela-test-cleanup")
    try:
        ours = [topic for topic in admin.list_topics() if topic.startswith(prefix)]
        if ours:
            admin.delete_topics(ours)
    finally:
        admin.close()


def _delete_indices(url: str, prefix: str) -> None:
    request = urllib.request.Request(f"{url}/{prefix}*", method="DELETE")  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback http
        body = json.loads(response.read().decode("utf-8"))
    assert body.get("acknowledged") is True, body


def _pid_alive(name: str) -> bool:
    try:
        os.kill(int(name), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _shared_service(name: str, settings: Settings) -> Iterator[int]:
    """Run ``name`` for this session; the last session using it stops it if tests started it.

    A lease file per pytest process says who is using the service, so parallel sessions in
    one checkout never stop a node another one still needs.
    """
    layout = ServiceLayout.from_settings(settings)
    leases = layout.service_dir(name) / "test-sessions"
    leases.mkdir(parents=True, exist_ok=True)
    lease = leases / str(os.getpid())
    lease.touch()
    started_by_tests = layout.service_dir(name) / "started-by-tests"
    try:
        if ensure_running([name], settings=settings):
            started_by_tests.touch()
        yield default_ports(settings)[name]
    finally:
        with services_lock(layout):
            lease.unlink(missing_ok=True)
            for other in leases.iterdir():
                if not _pid_alive(other.name):
                    other.unlink(missing_ok=True)
            last_user = not any(leases.iterdir())
            if last_user and started_by_tests.exists() and not _keep():
                down([name], settings=settings)
                started_by_tests.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def kafka_service(services_settings: Settings, services_run_id: str) -> Iterator[KafkaService]:
    """A healthy local Kafka broker (started if needed) with a session topic prefix."""
    with _shared_service(KAFKA, services_settings) as port:
        service = KafkaService(f"127.0.0.1:{port}", f"centinela-test-{services_run_id}.")
        yield service
        _delete_topics(service.bootstrap, service.topic_prefix)


@pytest.fixture(scope="session")
def elasticsearch_service(
    services_settings: Settings, services_run_id: str
) -> Iterator[ElasticsearchService]:
    """A healthy local Elasticsearch node (started if needed) with a session index prefix."""
    with _shared_service(ELASTICSEARCH, services_settings) as port:
        service = ElasticsearchService(
            f"http://127.0.0.1:{port}", f"centinela-test-{services_run_id}-"
        )
        yield service
        _delete_indices(service.url, service.index_prefix)


@pytest.fixture(scope="session")
def es_client(elasticsearch_service: ElasticsearchService) -> Iterator[Elasticsearch]:
    """An elasticsearch-py 7.13 client on the local node."""
    client = Elasticsearch([elasticsearch_service.url], timeout=30)
    yield client
    client.close()
