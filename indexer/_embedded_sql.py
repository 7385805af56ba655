"""The SQLite schema of the embedded store and the translation of a SearchQuery into SQL.

Every filter is an indexed column or an ``EXISTS`` over a facet table, so a search never
scans posts in Python. Keys (``*_key``) are computed by ``indexer.normalise`` on insert and on
query, so both sides fold accents, case and phone punctuation the same way.
"""

from __future__ import annotations

from typing import Any

from indexer.normalise import contact_key, fold, phone_suffix, words
from indexer.query import SearchQuery

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    source TEXT NOT NULL,
    published_at REAL NOT NULL,
    is_ad INTEGER NOT NULL,
    score REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS posts_published ON posts (published_at);
CREATE INDEX IF NOT EXISTS posts_platform_source ON posts (platform, source);
CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts USING fts5(
    text, author, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS prices (
    post_id INTEGER NOT NULL, amount REAL NOT NULL, currency TEXT NOT NULL, amount_usd REAL
);
CREATE INDEX IF NOT EXISTS prices_post ON prices (post_id);
CREATE INDEX IF NOT EXISTS prices_usd ON prices (amount_usd);
CREATE TABLE IF NOT EXISTS places (
    post_id INTEGER NOT NULL, name_key TEXT NOT NULL, canonical_key TEXT NOT NULL,
    city_key TEXT NOT NULL, country TEXT NOT NULL, role TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS places_post ON places (post_id);
CREATE INDEX IF NOT EXISTS places_city ON places (city_key);
CREATE TABLE IF NOT EXISTS contacts (
    post_id INTEGER NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, value_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contacts_post ON contacts (post_id);
CREATE INDEX IF NOT EXISTS contacts_key ON contacts (value_key);
CREATE TABLE IF NOT EXISTS aliases (
    post_id INTEGER NOT NULL, value TEXT NOT NULL, value_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS aliases_post ON aliases (post_id);
CREATE INDEX IF NOT EXISTS aliases_key ON aliases (value_key);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

PRIVACY_META = "contacts"
"""``meta`` row naming how the store keeps contacts (``ContactPrivacy.fingerprint``)."""

OLDER_THAN = (
    "SELECT id FROM posts WHERE published_at < ?"
    " AND (julianday(json_extract(body, '$.collected_at')) - 2440587.5) * 86400.0 < ?"
)
"""Posts both published and (last) collected before a cutoff given twice as a Unix time."""

FACET_TABLES = ("prices", "places", "contacts", "aliases")

SNIPPET_OPEN, SNIPPET_CLOSE = "«", "»"


def fts_expression(query: SearchQuery) -> str | None:
    """Return the FTS5 MATCH expression for the query's text: every clause a quoted phrase.

    Quoting every clause means user input is never parsed as FTS5 syntax (``OR``, ``*``,
    ``NEAR``, stray quotes), so any text is a valid query; FTS5's own tokenizer then folds the
    clause exactly as it folded the posts. None when no clause has a letter or digit.
    """
    # FTS5 ends a string at NUL; every control character is a separator anyway
    clauses = ("".join(ch if ch.isprintable() else " " for ch in c) for c in query.text_clauses())
    phrases = [clause for clause in clauses if words(clause)]
    if not phrases:
        return None
    return " AND ".join('"' + phrase.replace('"', '""') + '"' for phrase in phrases)


def filters(query: SearchQuery) -> tuple[list[str], list[Any]]:
    """Return the WHERE clauses over ``posts p`` and their parameters, combined with AND."""
    where: list[str] = []
    params: list[Any] = []
    if query.platform:
        where.append("p.platform = ?")
        params.append(query.platform)
    if query.source:
        where.append("p.source = ?")
        params.append(query.source)
    if query.only_ads:
        where.append("p.is_ad = 1")
    if query.since:
        where.append("p.published_at >= ?")
        params.append(query.since.timestamp())
    if query.until:
        where.append("p.published_at <= ?")
        params.append(query.until.timestamp())
    _place(query, where, params)
    _price(query, where, params)
    if query.contact:
        clause = "c.value_key = ?"
        params.append(contact_key(query.contact))
        suffix = phone_suffix(query.contact)
        if suffix:
            clause = f"({clause} OR c.value_key LIKE ?)"
            params.append(f"%{suffix}")
        where.append(_exists("contacts c", ["c.post_id = p.id", clause]))
    if query.alias:
        where.append(_exists("aliases a", ["a.post_id = p.id", "a.value_key = ?"]))
        params.append(fold(query.alias))
    return where, params


def _place(query: SearchQuery, where: list[str], params: list[Any]) -> None:
    inner: list[str] = []
    if query.place:
        key = fold(query.place)
        inner.append("(pl.name_key = ? OR pl.canonical_key = ? OR pl.city_key = ?)")
        params.extend([key, key, key])
    if query.country:
        inner.append("pl.country = ?")
        params.append(query.country)
    if query.role:
        inner.append("pl.role = ?")
        params.append(query.role)
    if inner:
        where.append(_exists("places pl", ["pl.post_id = p.id", *inner]))


def _price(query: SearchQuery, where: list[str], params: list[Any]) -> None:
    inner: list[str] = []
    if query.min_price_usd is not None:
        inner.append("pr.amount_usd >= ?")
        params.append(query.min_price_usd)
    if query.max_price_usd is not None:
        inner.append("pr.amount_usd <= ?")
        params.append(query.max_price_usd)
    if query.currency:
        inner.append("pr.currency = ?")
        params.append(query.currency)
    if inner:
        where.append(_exists("prices pr", ["pr.post_id = p.id", *inner]))


def _exists(table: str, conditions: list[str]) -> str:
    """Return ``EXISTS`` over a facet table; only fixed SQL text reaches here, values are bound."""
    joined = " AND ".join(conditions)
    return f"EXISTS (SELECT 1 FROM {table} WHERE {joined})"  # noqa: S608 - see docstring
