"""Re-parse a crawl's WARC files into RawPosts, as the crawl did, for ``centinela reprocess``.

Each ``response`` record is parsed the way the spider parsed the live response: only 2xx
responses reach a spider (robots.txt, redirects and errors are archived but never parsed),
the body is the stored payload with the charset of its ``Content-Type``, and the page parser
is the platform's pure parser from ``crawlers.pages``. The post keeps the record's
``WARC-Record-ID`` and is ``collected_at`` its ``WARC-Date``. So the same pages give the
same posts and the same doc_ids as the crawl.

The platform is read from the page (the marks each parser requires: TikTok's rehydration
state, Telegram's ``tgme_`` widgets, mbasic Facebook's ``#root``), then from the URL. A
Facebook page's source is the one of the page that linked to it (a pager link, as the
spider follows it), else the group id or page name in its URL. A page the parser reports
errors for becomes a DeadLetter with its bytes, like in the crawl; its good posts are kept.
A record cut short (the tail of a killed crawl's file) is a DeadLetter too, not parsed;
so is a file that stops being readable part-way (named with the offset, reading stops
there). A file that is not a WARC from its start is an error before anything is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from crawlers.pages import (
    PageError,
    ParsedPage,
    header_charset,
    parse_facebook,
    parse_telegram,
    parse_tiktok,
)
from pipeline.records import DeadLetter, RawPost
from pipeline.reprocess_plan import STAGE
from pipeline.reprocess_sources import (
    Done,
    Entry,
    Position,
    SourceError,
    after,
    fetch_by_scan,
    warc_files,
)

_MARKS = (
    ("tiktok", re.compile(rb"__UNIVERSAL_DATA_FOR_REHYDRATION__")),
    ("telegram", re.compile(rb"tgme_(?:channel_history|channel_info|widget_message)")),
    ("facebook", re.compile(rb"""id=["']?(?:root|objects_container)\b""")),
)
_HOSTS = (("tiktok", "tiktok.com"), ("telegram", "t.me"), ("facebook", "facebook.com"))


def detect_platform(url: str, body: bytes) -> str | None:
    """Return the platform whose parser this page is for, or None when nothing says."""
    for platform, mark in _MARKS:
        if mark.search(body):
            return platform
    parts = urlsplit(url)
    host, path = parts.hostname or "", parts.path
    for platform, domain in _HOSTS:
        if host == domain or host.endswith("." + domain):
            return platform
    if path.startswith("/s/"):
        return "telegram"
    if path.startswith("/@"):
        return "tiktok"
    if path.startswith("/groups/"):
        return "facebook"
    return None


@dataclass(frozen=True)
class _Response:
    """One archived HTTP response a spider would have parsed."""

    url: str
    record_id: str
    content_type: str | None
    date: str | None
    body: bytes
    truncated: bool = False


class WarcSource:
    """The posts parsed from one WARC file or a folder of them (sorted by name)."""

    kind = "warc"
    unit = "bytes"

    def __init__(self, path: Path) -> None:
        """Read ``path``: a ``.warc``/``.warc.gz`` file or a folder holding some."""
        self.path = path
        self.files = warc_files(path)
        if not self.files:
            raise FileNotFoundError(f"no *.warc.gz or *.warc files in {path}")
        self.label = f"WARC {path} ({len(self.files)} file{'s' * (len(self.files) > 1)})"
        self.records = 0
        self._total = sum(f.stat().st_size for f in self.files)
        self._read_before = 0
        self._handle: BinaryIO | None = None
        for file in self.files:
            _check(file)

    def identity(self) -> dict[str, Any]:
        return {"kind": self.kind, "files": [str(f.resolve()) for f in self.files]}

    def scan(self, done: Done | None = None) -> Iterator[Entry]:
        """Parse every record from the start (post numbers depend on it); yield after ``done``.

        Pages with errors are yielded as DeadLetters on a full scan (``done`` None) only.
        """
        number = 0
        self.records, self._read_before = 0, 0
        linked: dict[str, str] = {}
        for file in self.files:
            for response in self._responses(file):
                if isinstance(response, DeadLetter):
                    if done is None:
                        yield (0, number), response
                    continue
                page = _parse(response, linked)
                for post in page.posts:
                    number += 1
                    if after((0, number), done):
                        raw = _with_record(post, response.record_id).model_dump_json()
                        yield (0, number), raw.encode("utf-8")
                if page.errors and done is None:
                    error = PageError(f"{page.url}: " + "; ".join(page.errors))
                    yield (0, number), DeadLetter.from_error(STAGE, error, response.body)
            self._read_before += file.stat().st_size

    def fetch(self, positions: set[Position]) -> Iterator[Entry]:
        return fetch_by_scan(self, positions)

    def progress(self) -> tuple[int, int | None]:
        handle = self._handle
        current = handle.tell() if handle is not None and not handle.closed else 0
        return self._read_before + current, self._total

    def where(self, position: Position) -> dict[str, Any]:
        return {}

    def close(self) -> None:
        return None

    def _responses(self, file: Path) -> Iterator[_Response | DeadLetter]:
        """Yield the 2xx responses of ``file`` a spider would parse (not robots.txt).

        A record that cannot be read (a file cut inside a record's headers, garbage) ends
        the file with a DeadLetter naming the file and the offset; the bytes stay there.
        """
        with file.open("rb") as handle:
            self._handle = handle
            records = ArchiveIterator(handle)
            try:
                for record in records:
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    self.records += 1
                    url = str(record.rec_headers.get_header("WARC-Target-URI"))
                    status = str(record.http_headers.get_statuscode() or "")
                    body, truncated = _payload(record.raw_stream)
                    if truncated or (status.startswith("2")
                                     and urlsplit(url).path != "/robots.txt"):
                        yield _Response(
                            url, str(record.rec_headers.get_header("WARC-Record-ID")),
                            record.http_headers.get_header("Content-Type"),
                            record.rec_headers.get_header("WARC-Date"), body, truncated)
            except Exception as error:  # noqa: BLE001 - warcio, gzip and zlib raise many kinds
                reason = SourceError(
                    f"cannot read WARC {file} from offset {records.offset} on (after "
                    f"{self.records} response records): {type(error).__name__}: "
                    f"{str(error).strip()}")
                yield DeadLetter.from_error(STAGE, reason, b"")
            finally:
                self._handle = None


def _payload(stream: Any) -> tuple[bytes, bool]:
    """Read a record's payload; tell whether it ends before its declared length."""
    chunks = []
    while chunk := stream.read(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks), getattr(stream, "limit", 0) > 0


def _check(file: Path) -> None:
    """Fail early, naming the file, when it does not start like a readable WARC."""
    try:
        with file.open("rb") as handle:
            first = next(iter(ArchiveIterator(handle)), None)
            kind = None if first is None else str(first.format)
    except Exception as error:  # noqa: BLE001 - any failure means "not a WARC we can read"
        raise SourceError(f"cannot read WARC {file}: {type(error).__name__}: {error}") from error
    if kind is None or not kind.startswith("warc"):
        raise SourceError(f"cannot read WARC {file}: no WARC record at its start "
                          f"({kind or 'empty'})")


def _parse(response: _Response, linked: dict[str, str]) -> ParsedPage:
    """Parse one page with its platform's parser (an error when none is for it)."""
    url, body = response.url, response.body
    if response.truncated:
        return ParsedPage(url=url, errors=["WARC record truncated (crawl killed mid-write?)"])
    encoding = header_charset(response.content_type)
    collected_at = _warc_date(response.date)
    platform = detect_platform(url, body)
    if platform == "telegram":
        return parse_telegram(url, body, encoding=encoding, collected_at=collected_at)
    if platform == "tiktok":
        return parse_tiktok(url, body, encoding=encoding, collected_at=collected_at)
    if platform != "facebook":
        return ParsedPage(url=url, errors=["no page parser recognises this page"])
    try:
        page = parse_facebook(url, body, source=linked.get(url), encoding=encoding,
                              collected_at=collected_at)
    except PageError as error:  # no group or page name in the URL
        return ParsedPage(url=url, errors=[str(error)])
    source = linked.get(url) or (page.posts[0].source if page.posts else None)
    if source is not None:
        for next_url in page.next_urls:
            linked.setdefault(next_url, source)
    return page


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def _with_record(post: RawPost, record_id: str) -> RawPost:
    return post.model_copy(update={"crawl": post.crawl.model_copy(
        update={"warc_record_id": record_id})})
