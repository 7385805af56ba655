"""Bring the local services up, down, and report their status."""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.services import _elasticsearch, _kafka
from pipeline.services._install import install_one, say
from pipeline.services._layout import (
    ELASTICSEARCH,
    KAFKA,
    SERVICE_NAMES,
    ServiceLayout,
    default_ports,
)
from pipeline.services._process import (
    ProcessRecord,
    exited_early,
    is_alive,
    rss_bytes,
    start_detached,
    stop,
)
from pipeline.services.errors import ServicesError, ServiceStartError
from pipeline.settings import Settings, get_settings

_HEALTH: dict[str, Callable[[int, float], bool]] = {
    KAFKA: _kafka.is_healthy,
    ELASTICSEARCH: _elasticsearch.is_healthy,
}
_MARKERS = {KAFKA: _kafka.MARKER, ELASTICSEARCH: _elasticsearch.MARKER}
_LOCK_DEPTH = threading.local()
_THREAD_LOCK = threading.RLock()


@contextmanager
def services_lock(layout: ServiceLayout) -> Iterator[None]:
    """Hold the checkout-wide lock that serialises up/down across processes (re-entrant)."""
    with _THREAD_LOCK:
        depth = getattr(_LOCK_DEPTH, "value", 0)
        if depth:
            _LOCK_DEPTH.value = depth + 1
            try:
                yield
            finally:
                _LOCK_DEPTH.value = depth
            return
        layout.var_dir.mkdir(parents=True, exist_ok=True)
        with (layout.var_dir / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            _LOCK_DEPTH.value = 1
            try:
                yield
            finally:
                _LOCK_DEPTH.value = 0
                fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class ServiceStatus:
    """One service as ``status`` sees it."""

    name: str
    port: int
    pid: int | None
    running: bool
    healthy: bool
    rss_bytes: int | None
    detail: str


def _check_names(names: Sequence[str]) -> None:
    unknown = [name for name in names if name not in SERVICE_NAMES]
    if unknown:
        raise ServicesError(f"unknown service(s) {unknown}; known: {', '.join(SERVICE_NAMES)}")


def _context(
    settings: Settings | None, ports: Mapping[str, int] | None, layout: ServiceLayout | None
) -> tuple[ServiceLayout, dict[str, int]]:
    settings = settings or get_settings()
    resolved = default_ports(settings)
    resolved.update(ports or {})
    return layout or ServiceLayout.from_settings(settings), resolved


def _start(name: str, layout: ServiceLayout, port: int) -> ProcessRecord:
    prepare = _kafka.prepare if name == KAFKA else _elasticsearch.prepare
    argv = prepare(layout, port)
    home = layout.service_dir(name)
    record = start_detached(name, argv, home, layout.console_log(name), port, _MARKERS[name])
    record.save(layout.state_file(name))
    say(f"started {name} (pid {record.pid}, port {port}); log {layout.console_log(name)}")
    return record


def _log_tail(layout: ServiceLayout, name: str, lines: int = 25) -> str:
    try:
        text = layout.console_log(name).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _wait_healthy(
    name: str, record: ProcessRecord, layout: ServiceLayout, timeout_s: float
) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        code = exited_early(record)
        if code is not None:
            raise ServiceStartError(
                f"{name} exited with code {code} while starting:\n{_log_tail(layout, name)}"
            )
        if _HEALTH[name](record.port, 2.0):
            say(f"{name} healthy on port {record.port} after {time.monotonic() - started:.1f} s")
            return
        time.sleep(0.5)
    stop(record, grace_s=5.0)
    raise ServiceStartError(
        f"{name} not healthy on port {record.port} after {timeout_s:.0f} s; stopped it:\n"
        f"{_log_tail(layout, name)}"
    )


def ensure_running(
    names: Sequence[str] = SERVICE_NAMES,
    ports: Mapping[str, int] | None = None,
    *,
    settings: Settings | None = None,
    layout: ServiceLayout | None = None,
    timeout_s: float = 120.0,
) -> list[str]:
    """Start the named services that are not healthy yet; return the names it started."""
    _check_names(names)
    layout, resolved = _context(settings, ports, layout)
    with services_lock(layout):
        return _ensure_running(names, resolved, layout, timeout_s)


def _ensure_running(
    names: Sequence[str], resolved: Mapping[str, int], layout: ServiceLayout, timeout_s: float
) -> list[str]:
    to_wait: list[tuple[str, ProcessRecord]] = []
    started: list[str] = []
    for name in names:
        port = resolved[name]
        record = ProcessRecord.load(layout.state_file(name))
        if record is not None and is_alive(record):
            if record.port != port:
                raise ServicesError(
                    f"{name} already runs (pid {record.pid}) on port {record.port}, not {port}; "
                    "run `centinela services down` first"
                )
            to_wait.append((name, record))  # ours, maybe still booting: wait, not "started"
            continue
        if _HEALTH[name](port, 2.0):
            say(f"{name} already answers on port {port}; reusing it")
            continue
        install_one(name, layout)
        to_wait.append((name, _start(name, layout, port)))
        started.append(name)
    for name, record in to_wait:
        _wait_healthy(name, record, layout, timeout_s)
    return started


def up(
    names: Sequence[str] = SERVICE_NAMES,
    ports: Mapping[str, int] | None = None,
    *,
    settings: Settings | None = None,
    timeout_s: float = 120.0,
) -> None:
    """Install if needed, start detached, and wait until each named service is healthy."""
    ensure_running(names, ports, settings=settings, timeout_s=timeout_s)


def down(names: Sequence[str] = SERVICE_NAMES, *, settings: Settings | None = None) -> None:
    """Stop the named services started by ``up`` (by the pid in their state file)."""
    _check_names(names)
    layout, _ = _context(settings, None, None)
    with services_lock(layout):
        for name in names:
            _down_one(name, layout)


def _down_one(name: str, layout: ServiceLayout) -> None:
    state = layout.state_file(name)
    record = ProcessRecord.load(state)
    if record is None:
        say(f"{name}: not started by `up` (no state file)")
        return
    say(f"stopping {name} (pid {record.pid}) ..." if stop(record) else f"{name}: not running")
    state.unlink(missing_ok=True)


def status(
    names: Sequence[str] = SERVICE_NAMES,
    ports: Mapping[str, int] | None = None,
    *,
    settings: Settings | None = None,
) -> list[ServiceStatus]:
    """Report pid, health and memory of each named service."""
    _check_names(names)
    layout, resolved = _context(settings, ports, None)
    report: list[ServiceStatus] = []
    for name in names:
        record = ProcessRecord.load(layout.state_file(name))
        running = record is not None and is_alive(record)
        port = record.port if record is not None and running else resolved[name]
        healthy = _HEALTH[name](port, 2.0)
        pid = record.pid if record is not None and running else None
        if running:
            detail = f"started {record.started_at}" if record is not None else ""
        else:
            detail = "external process" if healthy else "stopped"
        rss = rss_bytes(pid) if pid is not None else None
        report.append(ServiceStatus(name, port, pid, running, healthy, rss, detail))
    return report
