"""The JSON Lines file a crawl writes posts to: durable appends, repair and compaction.

With ``--append`` a crawl killed mid-way can be restarted on the same file: a torn last line
(the process died inside a write) is cut off on open, since its post was never checkpointed
and will be delivered again; at the end of a finished crawl :func:`compact_by_doc_id` keeps
one line per ``doc_id`` (the last: an edit or a deletion replaces the earlier copy), so the
stored result holds every post once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

__all__ = ["compact_by_doc_id", "open_posts_out", "sync"]


def _cut_torn_tail(path: Path) -> int:
    """Truncate ``path`` after its last newline; return the number of bytes cut."""
    with path.open("rb+") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        pos, tail = size, b""
        while pos > 0 and b"\n" not in tail:
            step = min(4096, pos)
            pos -= step
            fh.seek(pos)
            tail = fh.read(step) + tail
        keep = pos + tail.rfind(b"\n") + 1 if b"\n" in tail else 0
        if keep < size:
            fh.truncate(keep)
        return size - keep


def open_posts_out(path: Path, append: bool) -> TextIO:
    """Open the posts file: truncated, or (``append``) after cutting a torn last line."""
    if append and path.exists():
        _cut_torn_tail(path)
        return path.open("a", encoding="utf-8")
    return path.open("w", encoding="utf-8")


def sync(fh: TextIO) -> None:
    """Flush ``fh`` and fsync it: what was written survives a kill or a power cut."""
    fh.flush()
    os.fsync(fh.fileno())


def compact_by_doc_id(path: Path) -> int:
    """Rewrite ``path`` with one line per ``doc_id`` (the last one); return lines dropped.

    Order follows each doc_id's first appearance. The rewrite is atomic (temp file, fsync,
    rename). A line that is not a JSON object with a ``doc_id`` raises ValueError.
    """
    latest: dict[str, str] = {}
    total = 0
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            total += 1
            try:
                doc_id = json.loads(line)["doc_id"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a post line: {exc}") from exc
            latest[str(doc_id)] = line if line.endswith("\n") else line + "\n"
    if total == len(latest):
        return 0
    tmp = path.with_name(path.name + ".compact.tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.writelines(latest.values())
        sync(out)
    os.replace(tmp, path)
    return total - len(latest)
