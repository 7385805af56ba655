"""The services API: port parsing, KRaft config, pid handling, status of the real services."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.services import ELASTICSEARCH, KAFKA, ServiceLayout, ServicesError, status
from pipeline.services._install import install_one
from pipeline.services._kafka import server_properties
from pipeline.services._layout import port_of
from pipeline.services._process import ProcessRecord, is_alive, start_detached, stop
from pipeline.settings import Settings
from tests.real_services import ElasticsearchService, KafkaService


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("localhost:9092", 9092),
        ("127.0.0.1:19092,127.0.0.1:19093", 19092),
        ("http://localhost:9201", 9201),
        ("http://localhost", 9200),
        ("kafka", 9200),
    ],
)
def test_port_of(address: str, expected: int) -> None:
    assert port_of(address, 9200) == expected


def test_server_properties_is_single_node_kraft(tmp_path: Path) -> None:
    properties = dict(
        line.split("=", 1) for line in server_properties(19092, tmp_path).splitlines()
    )
    assert properties["process.roles"] == "broker,controller"
    assert properties["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert properties["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert properties["offsets.topic.replication.factor"] == "1"
    assert properties["log.dirs"] == str(tmp_path)


def test_unknown_service_is_an_error() -> None:
    with pytest.raises(ServicesError, match="unknown service"):
        status(["zookeeper"])


def test_stop_kills_by_pid_and_ignores_a_foreign_pid(tmp_path: Path) -> None:
    record = start_detached("sleeper", ["sleep", "60"], tmp_path, tmp_path / "log", 1, "sleep")
    deadline = time.monotonic() + 5.0
    while not is_alive(record) and time.monotonic() < deadline:  # until exec has happened
        time.sleep(0.05)
    assert is_alive(record)
    foreign = ProcessRecord("sleeper", record.pid, 1, record.started_at, "kafka.Kafka")
    assert not is_alive(foreign)  # a recycled pid running something else is never killed
    assert not stop(foreign)
    record.save(tmp_path / "service.json")
    assert ProcessRecord.load(tmp_path / "service.json") == record
    assert stop(record, grace_s=5.0)
    assert not is_alive(record)


@pytest.mark.integration
def test_status_reports_the_running_services(
    kafka_service: KafkaService,
    elasticsearch_service: ElasticsearchService,
    services_settings: Settings,
) -> None:
    report = {item.name: item for item in status(settings=services_settings)}
    assert report[KAFKA].healthy
    assert report[ELASTICSEARCH].healthy
    assert kafka_service.bootstrap.endswith(f":{report[KAFKA].port}")
    assert elasticsearch_service.url.endswith(f":{report[ELASTICSEARCH].port}")
    for item in report.values():
        if item.running:  # started by `up`; an external node has no pid of ours
            assert item.pid is not None
            assert item.rss_bytes is not None and item.rss_bytes > 50 * 2**20


@pytest.mark.integration
def test_install_is_idempotent(
    kafka_service: KafkaService,
    elasticsearch_service: ElasticsearchService,
    services_settings: Settings,
) -> None:
    layout = ServiceLayout.from_settings(services_settings)
    assert install_one(KAFKA, layout) is False
    assert install_one(ELASTICSEARCH, layout) is False
    assert any(path.name.startswith("kafka_2.13-") for path in layout.lib_dir(KAFKA).iterdir())
