"""Detached service processes: start, record in a state file, find again, stop by pid."""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.records import utc_now

# Popen objects of the services this interpreter started: kept so they are reaped by
# ``exited_early`` instead of being garbage-collected while the JVM still runs.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ProcessRecord:
    """What ``up`` wrote about a running service (``var/services/<name>/service.json``)."""

    name: str
    pid: int
    port: int
    started_at: str
    marker: str

    def save(self, path: Path) -> None:
        """Write the record atomically."""
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(asdict(self)), encoding="utf-8")
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> ProcessRecord | None:
        """Read a record, or None when there is none (or it is unreadable)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return None


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace")


def is_alive(record: ProcessRecord) -> bool:
    """True when the recorded pid runs and is still our process (not a recycled pid)."""
    try:
        os.kill(record.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    if _is_zombie(record.pid):
        return False
    cmdline = _cmdline(record.pid)
    if not cmdline:
        # An exiting JVM's leader thread shows an empty cmdline until its last thread stops.
        return _thread_count(record.pid) > 1
    return record.marker in cmdline


def rss_bytes(pid: int) -> int | None:
    """Resident set size of ``pid`` from /proc, or None when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def start_detached(
    name: str, argv: list[str], cwd: Path, log_path: Path, port: int, marker: str
) -> ProcessRecord:
    """Start ``argv`` in its own session with output to ``log_path``; return its record."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - argv built from our own paths
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _CHILDREN[process.pid] = process
    return ProcessRecord(
        name=name, pid=process.pid, port=port, started_at=utc_now().isoformat(), marker=marker
    )


@atexit.register
def _release_children() -> None:
    """Detached services outlive this process by design: let go of them without a warning."""
    for child in _CHILDREN.values():
        if child.poll() is None:
            child.returncode = 0  # never waited for here; stops Popen.__del__'s ResourceWarning
    _CHILDREN.clear()


def exited_early(record: ProcessRecord) -> int | None:
    """Reap ``record.pid`` if it is our exited child; return its exit code, else None."""
    child = _CHILDREN.get(record.pid)
    if child is not None:
        code = child.poll()
        if code is not None:
            del _CHILDREN[record.pid]
        return code
    try:
        pid, status = os.waitpid(record.pid, os.WNOHANG)
    except ChildProcessError:
        return None if is_alive(record) else -1
    if pid == 0:
        return None
    return os.waitstatus_to_exitcode(status)


def stop(record: ProcessRecord, grace_s: float = 30.0) -> bool:
    """SIGTERM the process group, SIGKILL after ``grace_s``; True when something was stopped."""
    if not is_alive(record):
        return False
    try:
        os.killpg(record.pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        exited_early(record)
        if not is_alive(record):
            return True
        time.sleep(0.2)
    try:
        os.killpg(record.pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    exited_early(record)
    return True


def _status_fields(pid: int) -> dict[str, str] | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    return {
        key: value.strip()
        for key, value in (line.split(":", 1) for line in status.splitlines() if ":" in line)
    }


def _thread_count(pid: int) -> int:
    fields = _status_fields(pid) or {}
    threads = fields.get("Threads", "0")
    return int(threads) if threads.isdigit() else 0


def _is_zombie(pid: int) -> bool:
    """True for an exited process nobody reaped yet (a JVM whose threads still stop is not)."""
    fields = _status_fields(pid)
    if fields is None:
        return True
    return fields.get("State", "")[:1] == "Z" and fields.get("Threads", "1") in {"0", "1"}
