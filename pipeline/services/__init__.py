"""Local Kafka and Elasticsearch for development and tests, installed from Maven Central.

``install`` resolves the jars into ``.cache/services``; ``up`` starts detached JVMs with
data and logs under ``var/services/<name>`` and waits for their health checks; ``down``
stops them by the pid in their state file; ``status`` reports them. See docs/services.md.
"""

from pipeline.services._install import install
from pipeline.services._layout import (
    ELASTICSEARCH,
    ELASTICSEARCH_VERSION,
    KAFKA,
    KAFKA_VERSION,
    SERVICE_NAMES,
    ServiceLayout,
    default_ports,
)
from pipeline.services._manager import (
    ServiceStatus,
    down,
    ensure_running,
    services_lock,
    status,
    up,
)
from pipeline.services.errors import (
    InstallError,
    ServicesError,
    ServiceStartError,
    ToolMissingError,
)

__all__ = [
    "ELASTICSEARCH",
    "ELASTICSEARCH_VERSION",
    "KAFKA",
    "KAFKA_VERSION",
    "SERVICE_NAMES",
    "InstallError",
    "ServiceLayout",
    "ServiceStartError",
    "ServiceStatus",
    "ServicesError",
    "ToolMissingError",
    "default_ports",
    "down",
    "ensure_running",
    "install",
    "services_lock",
    "status",
    "up",
]
