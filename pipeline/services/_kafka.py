"""Apache Kafka as a single-node KRaft service (combined broker + controller).

The controller listens on the broker port + 1. Storage is formatted once with
``kafka.tools.StorageTool``; later starts reuse it.
"""

from __future__ import annotations

import base64
import socket
import subprocess
import uuid
from pathlib import Path

from pipeline.services._layout import DEPLOY_DIR, KAFKA, KAFKA_HEAP, ServiceLayout
from pipeline.services.errors import ServicesError

MARKER = "kafka.Kafka"


def controller_port(port: int) -> int:
    """The KRaft controller port that goes with broker ``port``."""
    return port + 1


def server_properties(port: int, data_dir: Path) -> str:
    """The broker configuration for a single node on loopback."""
    lines = [
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@127.0.0.1:{controller_port(port)}",
        f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port(port)}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{port}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        f"log.dirs={data_dir}",
        "num.partitions=1",
        "auto.create.topics.enable=true",
        "delete.topic.enable=true",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.retention.hours=168",
        "num.network.threads=2",
        "num.io.threads=4",
    ]
    return "\n".join(lines) + "\n"


def _java_base(layout: ServiceLayout) -> list[str]:
    logs = layout.service_dir(KAFKA) / "logs"
    return [
        "java",
        *KAFKA_HEAP,
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={DEPLOY_DIR / KAFKA / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={logs}",
        "-cp",
        str(layout.lib_dir(KAFKA) / "*"),
    ]


def prepare(layout: ServiceLayout, port: int) -> list[str]:
    """Write server.properties, format storage on first use; return the broker argv."""
    home = layout.service_dir(KAFKA)
    data_dir = home / "data"
    (home / "logs").mkdir(parents=True, exist_ok=True)
    config = home / "server.properties"
    config.write_text(server_properties(port, data_dir), encoding="utf-8")
    if not (data_dir / "meta.properties").is_file():
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        argv = [*_java_base(layout), "kafka.tools.StorageTool", "format"]
        argv += ["-t", cluster_id, "-c", str(config)]
        result = subprocess.run(  # noqa: S603 - argv built from our own paths
            argv, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise ServicesError(f"formatting Kafka storage failed:\n{result.stderr[-2000:]}")
    return [*_java_base(layout), MARKER, str(config)]


def is_healthy(port: int, timeout_s: float = 5.0) -> bool:
    """True when a broker on ``port`` answers a metadata request (kafka-python)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            pass
    except OSError:
        return False
    from kafka import KafkaConsumer  # heavy import, only when something listens
    from kafka.errors import KafkaConfigurationError, KafkaError

    timeout_ms = max(int(timeout_s * 1000), 1000)
    try:
        consumer = KafkaConsumer(
            bootstrap_servers=f"127.0.0.1:{port}",
            bootstrap_timeout_ms=timeout_ms,
            request_timeout_ms=timeout_ms,
        )
    except KafkaConfigurationError:
        raise
    except KafkaError:
        return False
    try:
        topics = consumer.topics()
        return isinstance(topics, set)
    except KafkaError:
        return False
    finally:
        consumer.close()
