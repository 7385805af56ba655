"""The embedded store: SQLite FTS5 in place of Elasticsearch, for ``centinela run`` and tests.

Posts are kept whole (the EnrichedPost JSON) so a search returns real records; the text is
indexed by FTS5 with ``unicode61 remove_diacritics 2`` ("reynosa" finds "REYNOSA", "guero"
finds "Güero"), and prices, places, contacts and aliases go to facet tables so every filter
is SQL.

Thread-safety: one writer. A store object belongs to the thread that opened it (sqlite3's
``check_same_thread`` enforces this); other processes or threads may open their own store on
the same file to read (WAL journal), but only one should ``add`` at a time.

Privacy: posts are stored as the deployment's ``ContactPrivacy`` makes them (tokens or
``[redacted]`` instead of contacts, in the facets, the JSON body and the indexed text), and a
contact search is hashed the same way. The store records that policy (``meta`` table) on its
first write and refuses to mix: adding posts, or searching by contact, under another policy
or another key is a StoreError. ``purge`` deletes old posts with SQLite's ``secure_delete``
on, then merges the full-text index and truncates the WAL so their text leaves the files.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from indexer import _embedded_sql as sql
from indexer.errors import StoreError
from indexer.normalise import fold, place_keys
from indexer.privacy import ContactPrivacy, deployment_privacy
from indexer.query import SearchQuery
from pipeline.records import EnrichedPost


@dataclass(frozen=True)
class SearchHit:
    """One post found by a search, with its relevance and a highlighted excerpt."""

    post: EnrichedPost
    score: float
    """Higher is more relevant (negated FTS5 bm25); 0.0 when the query had no text."""
    snippet: str | None
    """Excerpt with matched words between « and », or None when the query had no text."""


@dataclass(frozen=True)
class StoreStats:
    """How much the store holds: posts, ads and the facet rows extracted from them."""

    posts: int
    ads: int
    prices: int
    places: int
    contacts: int
    aliases: int


class EmbeddedStore:
    """A searchable store of EnrichedPosts in one SQLite file; also a ``Sink``."""

    def __init__(self, path: Path, privacy: ContactPrivacy | None = None) -> None:
        """Open (or create) the store at ``path``; refuse a file of another schema version.

        ``privacy`` (default: the deployment's ``privacy.contacts``) says how contacts are kept.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.privacy = privacy or deployment_privacy()
        self._privacy_checked = False
        self._db = sqlite3.connect(path)
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, sql.SCHEMA_VERSION):
                raise StoreError(
                    f"{path}: store schema version {version}, this code reads "
                    f"{sql.SCHEMA_VERSION}; rebuild it with `centinela run`"
                )
            self._db.executescript(sql.SCHEMA)
            self._db.execute(f"PRAGMA user_version = {sql.SCHEMA_VERSION}")
        except BaseException:
            self._db.close()
            raise

    def add(self, posts: Sequence[EnrichedPost]) -> None:
        """Insert or overwrite ``posts`` by doc_id; durable after ``flush``."""
        if posts:
            self._check_privacy(write=True)
        for post in posts:
            self._upsert(self.privacy.protect(post))

    def flush(self) -> None:
        """Commit everything added so far."""
        self._db.commit()

    def search(self, query: SearchQuery) -> list[SearchHit]:
        """Return the posts matching every part of ``query``, best first, at most ``limit``.

        Raises PrivacyError for a contact search when contacts are redacted, StoreError when
        the store keeps contacts under another policy.
        """
        if query.contact is not None:
            self._check_privacy(write=False)
            query = self.privacy.protect_query(query)
        where, params = sql.filters(query)
        match = sql.fts_expression(query)
        if match is not None:
            where.insert(0, "posts_fts MATCH ?")
            params.insert(0, match)
            statement = (
                "SELECT p.body, -bm25(posts_fts), snippet(posts_fts, 0, ?, ?, '…', 16) "
                "FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid WHERE "
                + " AND ".join(where)
                + " ORDER BY bm25(posts_fts), p.published_at DESC, p.doc_id LIMIT ?"
            )
            params = [sql.SNIPPET_OPEN, sql.SNIPPET_CLOSE, *params]
        else:
            condition = " WHERE " + " AND ".join(where) if where else ""
            order = " ORDER BY p.published_at DESC, p.doc_id LIMIT ?"
            statement = f"SELECT p.body, 0.0, NULL FROM posts p{condition}{order}"  # noqa: S608
        rows = self._db.execute(statement, [*params, query.limit]).fetchall()
        return [
            SearchHit(EnrichedPost.model_validate_json(body), float(score), snippet)
            for body, score, snippet in rows
        ]

    def get(self, doc_id: str) -> EnrichedPost | None:
        """Return the stored post with ``doc_id``, or None."""
        row = self._db.execute("SELECT body FROM posts WHERE doc_id = ?", (doc_id,)).fetchone()
        return EnrichedPost.model_validate_json(row[0]) if row else None

    def count(self, only_ads: bool = False) -> int:
        """Return how many posts the store holds (only the ads when ``only_ads``)."""
        where = " WHERE is_ad = 1" if only_ads else ""
        return int(self._db.execute(f"SELECT count(*) FROM posts{where}").fetchone()[0])  # noqa: S608

    def stats(self) -> StoreStats:
        """Return the counts of posts, ads and facet rows."""
        facets = {
            table: int(self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
            for table in sql.FACET_TABLES
        }
        return StoreStats(posts=self.count(), ads=self.count(only_ads=True), **facets)

    def purge(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Delete the posts published and last collected before ``cutoff``; return how many.

        With ``dry_run`` nothing is deleted. Deleted rows are overwritten (``secure_delete``),
        the full-text index is merged and the WAL truncated, so the text leaves the files.
        """
        moment = cutoff.timestamp()
        ids = [(row[0],) for row in self._db.execute(sql.OLDER_THAN, (moment, moment))]
        if dry_run or not ids:
            return len(ids)
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.executemany("DELETE FROM posts_fts WHERE rowid = ?", ids)
        for table in sql.FACET_TABLES:
            self._db.executemany(f"DELETE FROM {table} WHERE post_id = ?", ids)  # noqa: S608
        self._db.executemany("DELETE FROM posts WHERE id = ?", ids)
        self._db.execute("INSERT INTO posts_fts (posts_fts) VALUES ('optimize')")
        self._db.commit()
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(ids)

    def close(self) -> None:
        """Commit and close the file; the store is unusable afterwards."""
        try:
            self.flush()
        finally:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def check_privacy(self) -> None:
        """Raise StoreError if the store keeps contacts under another policy than ``privacy``."""
        self._check_privacy(write=False)

    def _check_privacy(self, *, write: bool) -> None:
        """Refuse to mix contact policies in one store; record the policy on the first write."""
        if self._privacy_checked:
            return
        row = self._db.execute(
            "SELECT value FROM meta WHERE name = ?", (sql.PRIVACY_META,)
        ).fetchone()
        recorded = row[0] if row else ("clear" if self.count() else None)
        wanted = self.privacy.fingerprint
        if recorded is not None and recorded != wanted:
            raise StoreError(
                f"{self.path} keeps contacts as {recorded!r} but this deployment is set to "
                f"{wanted!r} (privacy.contacts / privacy.hash_key); one store cannot mix them: "
                "use another data dir (CENTINELA_PATHS__DATA_DIR) or the store's own setting"
            )
        if recorded is None and not write:
            return
        if recorded is None:
            self._db.execute("INSERT INTO meta VALUES (?, ?)", (sql.PRIVACY_META, wanted))
        self._privacy_checked = True

    def _upsert(self, post: EnrichedPost) -> None:
        db, nlp = self._db, post.nlp
        values = (
            post.platform, post.source, post.published_at.timestamp(),
            int(nlp.is_smuggling_ad), nlp.score, post.model_dump_json(),
        )
        row = db.execute("SELECT id FROM posts WHERE doc_id = ?", (post.doc_id,)).fetchone()
        if row is None:
            cursor = db.execute(
                "INSERT INTO posts (platform, source, published_at, is_ad, score, body, doc_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*values, post.doc_id),
            )
            post_id = cursor.lastrowid
        else:
            post_id = row[0]
            db.execute(
                "UPDATE posts SET platform = ?, source = ?, published_at = ?, is_ad = ?,"
                " score = ?, body = ? WHERE id = ?",
                (*values, post_id),
            )
            db.execute("DELETE FROM posts_fts WHERE rowid = ?", (post_id,))
            for table in sql.FACET_TABLES:
                db.execute(f"DELETE FROM {table} WHERE post_id = ?", (post_id,))  # noqa: S608
        author = " ".join(filter(None, (post.author.handle, post.author.display_name)))
        db.execute(
            "INSERT INTO posts_fts (rowid, text, author) VALUES (?, ?, ?)",
            (post_id, post.text, author),
        )
        db.executemany(
            "INSERT INTO prices VALUES (?, ?, ?, ?)",
            [(post_id, p.amount, p.currency, p.amount_usd) for p in nlp.prices],
        )
        db.executemany(
            "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)",
            [(post_id, *place_keys(p.name, p.canonical), p.country, p.role) for p in nlp.places],
        )
        db.executemany(
            "INSERT INTO contacts VALUES (?, ?, ?, ?)",
            [(post_id, c.type, c.value, self.privacy.index_key(c.value) or "")
             for c in nlp.contacts],
        )
        db.executemany(
            "INSERT INTO aliases VALUES (?, ?, ?)",
            [(post_id, a.value, fold(a.value)) for a in nlp.aliases],
        )
