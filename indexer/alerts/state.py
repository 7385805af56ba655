"""The alert engine's memory in SQLite: what was alerted, what waits, what failed, who posted.

``alerted`` holds one row per (rule, doc_id) ever queued or sent: the guarantee of at most one
email per pair across restarts. ``pending`` holds matches waiting for a digest or a throttle
window; ``deliveries`` every email with its attempts, status and last error.
One engine (one thread) per state file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from indexer.alerts.rules import Match
from indexer.normalise import fold
from pipeline.records import EnrichedPost

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerted (
    rule TEXT NOT NULL, doc_id TEXT NOT NULL, delivery_id INTEGER, PRIMARY KEY (rule, doc_id)
);
CREATE TABLE IF NOT EXISTS pending (
    rule TEXT NOT NULL, doc_id TEXT NOT NULL, queued_at REAL NOT NULL,
    reasons TEXT NOT NULL, post TEXT NOT NULL, PRIMARY KEY (rule, doc_id)
);
CREATE TABLE IF NOT EXISTS rule_pacing (rule TEXT PRIMARY KEY, last_alert_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS authors (author TEXT PRIMARY KEY, first_doc_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, rule TEXT NOT NULL, doc_ids TEXT NOT NULL, message BLOB NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL,
    last_error TEXT, created_at REAL NOT NULL, sent_at REAL
);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, next_attempt_at);
"""

INTERRUPTED = "process stopped while sending; not resent (at most one email per rule and post)"


def _ts(moment: datetime) -> float:
    return moment.timestamp()


def _dt(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


class AlertState:
    """Persistent alerting state in one SQLite file."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the state file; mark emails interrupted mid-send as ``unknown``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoint, no corruption
        self._db.executescript(_SCHEMA)
        self.interrupted = self._db.execute(
            "UPDATE deliveries SET status = 'unknown', last_error = ? WHERE status = 'sending'",
            (INTERRUPTED,),
        ).rowcount
        self._db.commit()

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def first_post_by_author(self, post: EnrichedPost) -> bool:
        """Remember the author's first post; tell whether ``post`` is it (stable on replay)."""
        author = f"{post.platform}:{fold(post.author.handle)}"
        self._db.execute(
            "INSERT OR IGNORE INTO authors VALUES (?, ?)", (author, post.doc_id)
        )
        row = self._db.execute(
            "SELECT first_doc_id FROM authors WHERE author = ?", (author,)
        ).fetchone()
        return bool(row[0] == post.doc_id)

    def commit(self) -> None:
        """Commit what ``first_post_by_author`` recorded (the other writes commit themselves)."""
        self._db.commit()

    def already(self, rule: str, doc_id: str) -> bool:
        """Tell whether (rule, doc_id) was ever queued or alerted."""
        row = self._db.execute(
            "SELECT 1 FROM alerted WHERE rule = ? AND doc_id = ?", (rule, doc_id)
        ).fetchone()
        return row is not None

    def queue(self, rule: str, items: Sequence[tuple[EnrichedPost, Match]], now: datetime) -> None:
        """Keep matches for a later digest or end of throttle window."""
        with self._db:
            for post, match in items:
                self._db.execute("INSERT INTO alerted VALUES (?, ?, NULL)", (rule, post.doc_id))
                self._db.execute(
                    "INSERT INTO pending VALUES (?, ?, ?, ?, ?)",
                    (rule, post.doc_id, _ts(now), json.dumps(match.reasons),
                     post.model_dump_json()),
                )

    def pending_rules(self) -> dict[str, datetime]:
        """Return each rule with waiting matches and the time its oldest match was queued."""
        rows = self._db.execute("SELECT rule, min(queued_at) FROM pending GROUP BY rule")
        return {rule: _dt(oldest) for rule, oldest in rows}

    def pending(self, rule: str) -> list[tuple[EnrichedPost, Match]]:
        """Return the waiting matches of ``rule``, oldest first."""
        rows = self._db.execute(
            "SELECT post, reasons FROM pending WHERE rule = ? ORDER BY queued_at, doc_id", (rule,)
        ).fetchall()
        items = []
        for body, reasons in rows:
            post = EnrichedPost.model_validate_json(body)
            items.append((post, Match(rule, post.doc_id, tuple(json.loads(reasons)))))
        return items

    def last_alert_at(self, rule: str) -> datetime | None:
        """Return when the rule last produced an email (for throttling), or None."""
        row = self._db.execute(
            "SELECT last_alert_at FROM rule_pacing WHERE rule = ?", (rule,)
        ).fetchone()
        return _dt(row[0]) if row else None

    def create_delivery(
        self, rule: str, doc_ids: Sequence[str], message: EmailMessage, now: datetime
    ) -> int:
        """Record an email about to be sent and claim its (rule, doc_id) pairs; return its id."""
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO deliveries (rule, doc_ids, message, status, created_at)"
                " VALUES (?, ?, ?, 'new', ?)",
                (rule, json.dumps(list(doc_ids)), bytes(message), _ts(now)),
            )
            delivery = int(cursor.lastrowid or 0)
            for doc_id in doc_ids:
                self._db.execute(
                    "INSERT INTO alerted VALUES (?, ?, ?) ON CONFLICT (rule, doc_id)"
                    " DO UPDATE SET delivery_id = excluded.delivery_id",
                    (rule, doc_id, delivery),
                )
                self._db.execute(
                    "DELETE FROM pending WHERE rule = ? AND doc_id = ?", (rule, doc_id)
                )
            self._db.execute(
                "INSERT INTO rule_pacing VALUES (?, ?) ON CONFLICT (rule)"
                " DO UPDATE SET last_alert_at = excluded.last_alert_at",
                (rule, _ts(now)),
            )
        return delivery

    def start_attempt(self, delivery: int) -> int:
        """Mark the delivery as being sent (committed first); return the attempt number."""
        with self._db:
            self._db.execute(
                "UPDATE deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = ?",
                (delivery,),
            )
        return int(
            self._db.execute("SELECT attempts FROM deliveries WHERE id = ?", (delivery,))
            .fetchone()[0]
        )

    def finish_attempt(
        self, delivery: int, status: str, now: datetime,
        error: str | None = None, next_attempt_at: datetime | None = None,
    ) -> None:
        """Record the outcome of an attempt: ``sent``, ``retrying`` or ``failed``.

        ``last_error`` keeps the latest failure even once a retry succeeded.
        """
        with self._db:
            self._db.execute(
                "UPDATE deliveries SET status = ?, last_error = coalesce(?, last_error),"
                " next_attempt_at = ?,"
                " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE id = ?",
                (status, error, _ts(next_attempt_at) if next_attempt_at else None,
                 status, _ts(now), delivery),
            )

    def due_retries(self, now: datetime | None) -> list[tuple[int, str, list[str], bytes]]:
        """Return the deliveries waiting for a retry whose time has come (all when ``now`` None)."""
        rows = self._db.execute(
            "SELECT id, rule, doc_ids, message, next_attempt_at FROM deliveries"
            " WHERE status = 'retrying' ORDER BY id"
        ).fetchall()
        return [
            (int(i), rule, json.loads(ids), bytes(message))
            for i, rule, ids, message, due in rows
            if now is None or due is None or due <= _ts(now)
        ]

    def deliveries(self) -> list[dict[str, object]]:
        """Return every delivery's bookkeeping (no message bytes), oldest first."""
        cursor = self._db.execute(
            "SELECT id, rule, doc_ids, status, attempts, last_error FROM deliveries ORDER BY id"
        )
        keys = ("id", "rule", "doc_ids", "status", "attempts", "last_error")
        return [dict(zip(keys, row, strict=True)) for row in cursor]
