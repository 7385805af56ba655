"""``centinela services up|down|status|install``: a Typer app the main CLI mounts."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.services._install import install as install_services
from pipeline.services._layout import ELASTICSEARCH, KAFKA, SERVICE_NAMES
from pipeline.services._manager import down as stop_services
from pipeline.services._manager import status as service_status
from pipeline.services._manager import up as start_services
from pipeline.services.errors import ServicesError

app = typer.Typer(help="Local Kafka and Elasticsearch (jars from Maven Central).")

Names = Annotated[
    list[str] | None,
    typer.Argument(help=f"services to act on (default: {' '.join(SERVICE_NAMES)})"),
]


def _names(names: list[str] | None) -> tuple[str, ...]:
    return tuple(names) if names else SERVICE_NAMES


def _fail(error: ServicesError) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(code=1)


@app.command()
def install(names: Names = None) -> None:
    """Resolve the service jars into .cache/services (idempotent).

    \b
    Example:  centinela services install
    """
    try:
        install_services(names=_names(names))
    except ServicesError as error:
        raise _fail(error) from error


@app.command()
def up(
    names: Names = None,
    kafka_port: Annotated[int | None, typer.Option(help="broker port")] = None,
    es_port: Annotated[int | None, typer.Option(help="Elasticsearch HTTP port")] = None,
    timeout: Annotated[float, typer.Option(help="seconds to wait for health")] = 120.0,
) -> None:
    """Install if needed, start the services detached, and wait until they are healthy.

    \b
    Example:  centinela services up --kafka-port 9092 --es-port 9200
    """
    ports = {KAFKA: kafka_port, ELASTICSEARCH: es_port}
    chosen = {name: port for name, port in ports.items() if port is not None}
    try:
        start_services(_names(names), chosen, timeout_s=timeout)
    except ServicesError as error:
        raise _fail(error) from error


@app.command()
def down(names: Names = None) -> None:
    """Stop the services started by `up`.

    \b
    Example:  centinela services down
    """
    try:
        stop_services(_names(names))
    except ServicesError as error:
        raise _fail(error) from error


@app.command()
def status(names: Names = None) -> None:
    """Show pid, port, health and memory of each service; exit 1 if one is unhealthy.

    \b
    Example:  centinela services status
    """
    try:
        report = service_status(_names(names))
    except ServicesError as error:
        raise _fail(error) from error
    for item in report:
        rss = f"{item.rss_bytes / 2**20:.0f} MiB" if item.rss_bytes else "-"
        health = "healthy" if item.healthy else "down"
        pid = item.pid if item.pid is not None else "-"
        line = f"{item.name:<14} port {item.port:<6} pid {pid!s:<8} {health:<8} rss {rss:<9}"
        typer.echo(f"{line} {item.detail}")
    if not all(item.healthy for item in report):
        raise typer.Exit(code=1)
