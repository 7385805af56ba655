"""Where the local services live: versions, ports, cache, data and log directories."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.settings import PROJECT_ROOT, Settings

KAFKA = "kafka"
ELASTICSEARCH = "elasticsearch"
SERVICE_NAMES: tuple[str, ...] = (KAFKA, ELASTICSEARCH)

# Keep in step with deploy/local/*/pom.xml and the matrix in docs/services.md.
KAFKA_VERSION = "4.4.0"
ELASTICSEARCH_VERSION = "7.10.2"
ES_RUNNER_VERSION = "7.10.2.0"

KAFKA_HEAP = ("-Xms256m", "-Xmx512m")
ES_HEAP = ("-Xms512m", "-Xmx1g")
ES_LAUNCHER_CLASS = "CentinelaEsNode"
ES_CLUSTER_NAME = "centinela-local"

DEPLOY_DIR = PROJECT_ROOT / "deploy" / "local"
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache" / "services"


@dataclass(frozen=True)
class ServiceLayout:
    """Directories for one checkout: jar cache (rebuildable) and runtime state (``var``)."""

    cache_dir: Path
    var_dir: Path

    @classmethod
    def from_settings(cls, settings: Settings, cache_dir: Path | None = None) -> ServiceLayout:
        """Build the layout; a relative data dir is taken from the project root.

        The jar cache is ``.cache/services`` unless ``CENTINELA_SERVICES_CACHE`` names another.
        """
        data_dir = settings.paths.data_dir
        if not data_dir.is_absolute():
            data_dir = PROJECT_ROOT / data_dir
        if cache_dir is None:
            cache_dir = Path(os.environ.get("CENTINELA_SERVICES_CACHE", DEFAULT_CACHE_DIR))
        return cls(cache_dir=cache_dir, var_dir=data_dir / "services")

    @property
    def maven_repo(self) -> Path:
        return self.cache_dir / "m2"

    def lib_dir(self, name: str) -> Path:
        """Directory of the runtime jars of service ``name``."""
        return self.cache_dir / name / "lib"

    def classes_dir(self, name: str) -> Path:
        return self.cache_dir / name / "classes"

    def stamp(self, name: str) -> Path:
        return self.cache_dir / name / "installed.json"

    def service_dir(self, name: str) -> Path:
        """Runtime directory of service ``name`` (data, logs, pid/state file)."""
        return self.var_dir / name

    def state_file(self, name: str) -> Path:
        return self.service_dir(name) / "service.json"

    def console_log(self, name: str) -> Path:
        return self.service_dir(name) / "console.log"


def port_of(address: str, default: int) -> int:
    """Return the port of ``host:port`` or of a URL, or ``default`` when it has none."""
    if "://" not in address:
        address = "//" + address.split(",")[0].strip()
    port = urlsplit(address).port
    return port if port is not None else default


def default_ports(settings: Settings) -> dict[str, int]:
    """The ports the settings point the pipeline at (Kafka bootstrap, Elasticsearch URL)."""
    return {
        KAFKA: port_of(settings.kafka.bootstrap, 9092),
        ELASTICSEARCH: port_of(settings.elasticsearch.url, 9200),
    }
