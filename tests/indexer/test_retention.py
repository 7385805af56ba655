"""Retention (indexer/retention.py, EmbeddedStore.purge): exactly the old posts go."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from indexer.embedded import EmbeddedStore
from indexer.privacy import ContactPrivacy
from indexer.query import SearchQuery
from indexer.retention import cutoff_for, leftovers, older_than_query
from pipeline.records import EnrichedPost
from pipeline.settings import PathsSettings
from tests.indexer.privacy_posts import spanned

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CUTOFF = cutoff_for(30, NOW)


AGES = {  # native id: (days since published, days since last collected)
    "viejo": (90, 80),      # published and collected long ago: purged
    "limite": (31, 31),     # just past the cutoff: purged
    "recrawled": (90, 2),   # old, but collected again recently: kept
    "nuevo": (3, 3),        # recent: kept
    "justo": (29, 29),      # inside the retention: kept
}


def aged_corpus() -> list[EnrichedPost]:
    """Posts on both sides of a 30-day cutoff, each with its own word and number."""
    posts = []
    for n, (name, (published, collected)) in enumerate(AGES.items()):
        phone = f"+1 202 555 01{n:02d}"
        posts.append(spanned(
            name, f"Cruce por Reynosa, palabra{name}única, llama al {phone}",
            contacts=((phone, "phone", phone.replace(" ", "")),),
            published=NOW - timedelta(days=published),
            collected=NOW - timedelta(days=collected),
        ))
    return posts


def test_cutoff_is_now_minus_days() -> None:
    assert CUTOFF == datetime(2026, 5, 2, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="at least 1 day"):
        cutoff_for(0, NOW)
    query = older_than_query(CUTOFF)
    assert [c["range"] for c in query["bool"]["filter"]] == [
        {"published_at": {"lt": "2026-05-02T12:00:00+00:00"}},
        {"collected_at": {"lt": "2026-05-02T12:00:00+00:00"}},
    ]


def _files(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.glob("store.sqlite3*"))


def test_purge_deletes_exactly_the_old_posts_and_their_text(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with EmbeddedStore(path, ContactPrivacy()) as store:
        store.add(aged_corpus())
        store.flush()
        assert "palabraviejoúnica".encode() in _files(tmp_path)
        assert store.purge(CUTOFF, dry_run=True) == 2
        assert store.count() == 5
        assert store.purge(CUTOFF) == 2
        assert store.purge(CUTOFF) == 0
        kept = sorted(hit.post.native_id for hit in store.search(SearchQuery(limit=50)))
        assert kept == ["justo", "nuevo", "recrawled"]
        assert store.search(SearchQuery(text="palabraviejoúnica")) == []
        assert store.search(SearchQuery(contact="+1 202 555 0100")) == []  # "viejo"
        assert len(store.search(SearchQuery(contact="+1 202 555 0103"))) == 1  # "nuevo"
        assert store.stats().contacts == 3
        files = _files(tmp_path)  # while still open: the purge itself cleaned the files
    # the body as written, and the full-text index's folded term (prefix-compressed)
    for gone in ("palabraviejoúnica", "viejounica", "palabralimiteúnica", "limiteunica"):
        assert gone.encode() not in files, gone
    assert "palabranuevoúnica".encode() in files and b"nuevounica" in files


def test_leftovers_say_what_purge_does_not_touch(tmp_path: Path) -> None:
    paths = PathsSettings(data_dir=tmp_path)
    paths.archive.mkdir(parents=True)
    lines = [post.model_dump_json() for post in aged_corpus()] + ["not json"]
    (paths.archive / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (paths.archive / "crawl-20260101T000000000000Z.warc.gz").write_bytes(b"")
    (paths.archive / "crawl-20260531T000000000000Z.warc.gz").write_bytes(b"")
    letter = {"first_seen_at": (NOW - timedelta(days=40)).isoformat()}
    paths.dead_letters.write_text(json.dumps(letter) + "\n", encoding="utf-8")
    report = {item.path: item.what for item in leftovers(paths, CUTOFF)}
    assert report[paths.archive / "posts.jsonl"].startswith("2 of 6 archived post(s)")
    assert report[paths.archive].startswith("1 of 2 WARC file(s)")
    assert report[paths.dead_letters].startswith("1 of 1 dead letter(s)")
    assert paths.store not in report
