"""Elasticsearch 7.10.2 as a single local node, run by the compiled CentinelaEsNode launcher.

The transport port is the HTTP port + 100. Log4j in 7.10.2 predates the Log4Shell fix, so
message lookups are switched off and the node binds to loopback only.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from pipeline.services._layout import (
    ELASTICSEARCH,
    ES_CLUSTER_NAME,
    ES_HEAP,
    ES_LAUNCHER_CLASS,
    ServiceLayout,
)

MARKER = ES_LAUNCHER_CLASS


def transport_port(http_port: int) -> int:
    """The node-to-node port that goes with ``http_port``."""
    return http_port + 100


def prepare(layout: ServiceLayout, port: int) -> list[str]:
    """Create the node directory; return the launcher argv."""
    home = layout.service_dir(ELASTICSEARCH)
    home.mkdir(parents=True, exist_ok=True)
    classpath = f"{layout.classes_dir(ELASTICSEARCH)}:{layout.lib_dir(ELASTICSEARCH) / '*'}"
    return [
        "java",
        *ES_HEAP,
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        "-Dlog4j2.formatMsgNoLookups=true",
        "-Dlog4j.shutdownHookEnabled=false",
        "-Dlog4j2.disable.jmx=true",
        # The 7.14+ Python client accepts a 7.10 server only when it reports the "default"
        # build flavor; the jars carry no flavor of their own ("unknown").
        "-Des.distribution.flavor=default",
        "-Des.distribution.type=tar",
        "-cp",
        classpath,
        MARKER,
        str(home),
        str(port),
        str(transport_port(port)),
        ES_CLUSTER_NAME,
    ]


def cluster_health(port: int, timeout_s: float = 5.0) -> str | None:
    """The cluster status (green/yellow/red) from ``GET /_cluster/health``, or None."""
    url = f"http://127.0.0.1:{port}/_cluster/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - http only
            body = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError):
        return None
    status = body.get("status") if isinstance(body, dict) else None
    return status if isinstance(status, str) else None


def is_healthy(port: int, timeout_s: float = 5.0) -> bool:
    """True when the node on ``port`` reports yellow or green."""
    return cluster_health(port, timeout_s) in {"yellow", "green"}
