"""Evidence: every fetched response written to a WARC file, posts keyed to their record.

``archive_dir`` receives ``crawl-<UTC time>.warc.gz`` (one gzip member per record, readable by
any WARC tool) and ``posts.jsonl``: one RawPost per line whose ``crawl.warc_record_id`` names
the response record the post was parsed from, so ``doc_id`` → original bytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.records import RawPost, utc_now

POSTS_FILE = "posts.jsonl"


class WarcArchive:
    """Append responses to a gzipped WARC file and posts to ``posts.jsonl`` beside it."""

    def __init__(self, archive_dir: Path) -> None:
        archive_dir.mkdir(parents=True, exist_ok=True)
        stamp = utc_now().strftime("%Y%m%dT%H%M%S%fZ")
        self.path = archive_dir / f"crawl-{stamp}.warc.gz"
        self._file: BinaryIO = self.path.open("wb")
        self._writer = WARCWriter(self._file, gzip=True)
        self._posts = (archive_dir / POSTS_FILE).open("a", encoding="utf-8")
        self.records = 0
        info = self._writer.create_warcinfo_record(
            self.path.name, {"software": "centinela crawlers", "format": "WARC File Format 1.1"})
        self._writer.write_record(info)

    def write_response(self, url: str, status: int, reason: str,
                       headers: list[tuple[str, str]], body: bytes) -> str:
        """Write one HTTP response record and return its ``WARC-Record-ID``."""
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), headers,
                                        protocol="HTTP/1.1")
        record: Any = self._writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=http_headers)
        self._writer.write_record(record)
        self.records += 1
        return str(record.rec_headers.get_header("WARC-Record-ID"))

    def write_post(self, post: RawPost) -> None:
        """Append a post (with its ``warc_record_id``) to ``posts.jsonl``."""
        self._posts.write(post.model_dump_json() + "\n")

    def flush(self) -> None:
        """Push both files to the operating system (a killed crawl keeps what was flushed)."""
        self._posts.flush()
        self._file.flush()

    def close(self) -> None:
        """Flush and close both files."""
        self._posts.close()
        self._file.close()

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def scrapy_headers(headers: Any) -> list[tuple[str, str]]:
    """Return a Scrapy ``Headers`` object as (name, value) string pairs, every value kept."""
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs
