"""The export audit log: one JSON line per export of stored posts, written before the export.

Every command that outputs stored posts (``centinela search``, as a table or ``--json``, to
the terminal, a pipe or ``--output FILE``) first appends one line to
``<data_dir>/audit/exports.jsonl`` (``settings.paths.audit_log``)::

    {"at": "2026-03-01T12:00:00.123456+00:00", "user": "ana", "uid": 1000,
     "host": "analyst-01", "pid": 4242, "command": "search", "store": "embedded:var/...",
     "query": {"contact": "h:3f…", "limit": 20}, "results": 3, "format": "json",
     "destination": "stdout → /home/ana/out.jsonl"}

The line is flushed and fsync'ed before a single result is written; if it cannot be written
(directory not creatable, file not writable, disk full) the command fails with ``AuditError``
and exports nothing. The query is logged as it was run against the store, so with
``privacy.contacts = hash`` a contact appears as its token, never as the number.
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from pipeline.errors import CentinelaError
from pipeline.records import utc_now


class AuditError(CentinelaError):
    """The export audit log could not be written, so the export must not happen."""


@dataclass(frozen=True)
class Export:
    """What one command is about to export."""

    command: str
    store: str
    query: dict[str, Any]
    results: int
    format: str
    destination: str


def os_user() -> tuple[str, int]:
    """Return the login name and id of the effective user (from the OS, not from $USER)."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name, uid
    except KeyError:
        return f"uid:{uid}", uid


def destination_of(stream: TextIO) -> str:
    """Describe where ``stream`` goes: a terminal, a file path, a pipe (Linux ``/proc``)."""
    name = "stdout" if stream is sys.stdout else getattr(stream, "name", "stream")
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return str(name)
    if os.isatty(descriptor):
        return f"{name} (terminal)"
    try:
        target = os.readlink(f"/proc/self/fd/{descriptor}")
    except OSError:
        return str(name)
    return target if target == name else f"{name} → {target}"


def log_export(path: Path, export: Export) -> dict[str, Any]:
    """Append ``export`` to the audit log at ``path``, durably; return the line written.

    Raises AuditError when the line cannot be written: the caller must not export.
    """
    user, uid = os_user()
    entry = {"at": utc_now().isoformat(), "user": user, "uid": uid,
             "host": socket.gethostname(), "pid": os.getpid(), **asdict(export)}
    line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise AuditError(
            f"cannot write the export audit log {path}: {reason}; nothing was exported "
            "(every export is logged: fix the audit directory, see settings paths.data_dir)"
        ) from error
    return entry
