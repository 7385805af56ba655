"""Incremental crawling state: per-source high-water marks and every post seen so far.

``state_dir/high_water.json`` maps ``"<platform>:<source>"`` to the newest ``published_at``
seen in the last *finished* crawl of that source. A feed page whose posts are all at or below
the mark ends the pagination of its source, so a re-crawl reads only the newest pages.

``state_dir/seen.sqlite`` holds one row per post ever delivered: doc_id, source key, a digest
of its text, a deleted flag and the last copy of the post. It decides what a crawl emits:
an unseen post is new, a seen post whose text changed is an edit, a seen post with the same
text is known; a post seen before but absent from a source read in full is a deletion (the
last copy is emitted with ``deleted=True``). Rows are written in :meth:`CrawlState.commit`,
which the crawl calls only after the posts it covers were durably written.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from pipeline.errors import ConfigurationError
from pipeline.records import RawPost

STATE_FILE = "high_water.json"
SEEN_FILE = "seen.sqlite"

HighWater = dict[str, datetime]

_SCHEMA = """CREATE TABLE IF NOT EXISTS seen (
    doc_id TEXT PRIMARY KEY, source_key TEXT NOT NULL, digest TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, post TEXT NOT NULL)"""


def source_key(platform: str, source: str) -> str:
    """Return the state key of a source."""
    return f"{platform}:{source}"


def text_digest(text: str) -> str:
    """Return the digest that tells an edited post from an unchanged one."""
    return hashlib.sha1(text.encode()).hexdigest()  # noqa: S324 - change detection only


def load_high_water(state_dir: Path) -> HighWater:
    """Return the marks saved in ``state_dir`` (empty if none); raise on a corrupt file."""
    path = state_dir / STATE_FILE
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        marks = {key: datetime.fromisoformat(value) for key, value in raw.items()}
    except (ValueError, AttributeError) as exc:
        raise ConfigurationError(f"corrupt crawl state {path}: {exc}") from exc
    if any(mark.tzinfo is None for mark in marks.values()):
        raise ConfigurationError(f"crawl state {path} holds naive datetimes")
    return marks


def save_high_water(state_dir: Path, marks: HighWater) -> None:
    """Write the marks atomically (write and fsync a temp file, then rename)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = state_dir / (STATE_FILE + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({k: v.isoformat() for k, v in sorted(marks.items())}, indent=2)
                 + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, state_dir / STATE_FILE)


class Seen(NamedTuple):
    """What the state knows of one post."""

    source_key: str
    digest: str
    deleted: bool


class CrawlState:
    """The marks and the seen posts of ``state_dir``; changes are pending until commit."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.state_dir = state_dir
        self.marks = load_high_water(state_dir)
        path = state_dir / SEEN_FILE
        self._db = sqlite3.connect(path, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_SCHEMA)
            rows = self._db.execute("SELECT doc_id, source_key, digest, deleted FROM seen")
            self._seen = {row[0]: Seen(row[1], row[2], bool(row[3])) for row in rows}
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise ConfigurationError(f"corrupt crawl state {path}: {exc}") from exc
        self._pending: dict[str, tuple[str, str, int, str]] = {}

    def lookup(self, doc_id: str) -> Seen | None:
        """Return what is known of ``doc_id`` (pending changes included), or None."""
        return self._seen.get(doc_id)

    def record(self, post: RawPost) -> None:
        """Remember ``post`` (new, edited, deleted or restored) as its latest copy."""
        key = source_key(post.platform, post.source)
        seen = Seen(key, text_digest(post.text), post.deleted)
        self._seen[post.doc_id] = seen
        self._pending[post.doc_id] = (key, seen.digest, int(seen.deleted), post.model_dump_json())

    @property
    def pending(self) -> int:
        """Changes not yet committed."""
        return len(self._pending)

    def missing(self, key: str, observed: set[str]) -> list[RawPost]:
        """Return the last copies of live posts of source ``key`` whose doc_id is not observed."""
        gone = [doc_id for doc_id, seen in self._seen.items()
                if seen.source_key == key and not seen.deleted and doc_id not in observed]
        posts = []
        for doc_id in sorted(gone):
            pending = self._pending.get(doc_id)
            if pending is not None:
                posts.append(RawPost.model_validate_json(pending[3]))
                continue
            row = self._db.execute("SELECT post FROM seen WHERE doc_id = ?", (doc_id,)).fetchone()
            posts.append(RawPost.model_validate_json(row[0]))
        return posts

    def commit(self) -> None:
        """Write the pending changes in one durable transaction."""
        if not self._pending:
            return
        rows = [(doc_id, *values) for doc_id, values in self._pending.items()]
        self._db.execute("BEGIN")
        try:
            self._db.executemany(
                "INSERT OR REPLACE INTO seen (doc_id, source_key, digest, deleted, post) "
                "VALUES (?, ?, ?, ?, ?)", rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        self._pending.clear()

    def save_marks(self, marks: HighWater) -> None:
        """Commit pending changes, then replace the high-water marks."""
        self.commit()
        save_high_water(self.state_dir, marks)
        self.marks = dict(marks)

    def close(self) -> None:
        """Close the database (pending changes are dropped: commit first)."""
        self._db.close()
