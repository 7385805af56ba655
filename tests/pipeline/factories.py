"""Builders of valid records for tests: invented people and numbers only."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.records import Author, CrawlInfo, RawPost, make_doc_id


def raw_post(native_id: str = "1", text: str = "Viajes seguros, cruce por Reynosa") -> RawPost:
    """Return a RawPost from an invented Telegram channel."""
    return RawPost(
        doc_id=make_doc_id("telegram", "viajes_demo", native_id),
        platform="telegram",
        source="viajes_demo",
        native_id=native_id,
        url=f"http://127.0.0.1/s/viajes_demo/{native_id}",
        author=Author(handle="viajes_demo", display_name="Viajes Demo"),
        published_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        collected_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        text=text,
        crawl=CrawlInfo(spider="telegram", fetched_url="http://127.0.0.1/s/viajes_demo"),
    )
