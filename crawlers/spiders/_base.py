"""The one navigation loop every platform spider shares: start URLs, parse, follow, errback.

Spiders only navigate. Parsing is the platform's pure page parser; everything a spider
yields is a small event dict that :func:`crawlers.run.crawl` turns into callbacks:

- ``{"event": "post", "post": RawPost, "below_mark": bool}`` for every post parsed
- ``{"event": "page", "source": ..., "url": ...}`` for every parsed page
- ``{"event": "dead_letter", "source": ..., "dead_letter": DeadLetter}`` for a page that did
  not parse
- ``{"event": "failure", "failure": FetchFailure}`` for a page that could not be fetched
- ``{"event": "partial", "source": ...}`` when pagination stops before the last page

Every event carries ``"platform"``. With a high-water mark (incremental crawl), a feed page
holding only posts at or below the mark ends the pagination of its source; which posts are
new, edited or known is decided by the crawl state (:mod:`crawlers.state`), not here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ClassVar

import scrapy
from twisted.python.failure import Failure

from crawlers.pages import PageError, ParsedPage, header_charset
from crawlers.state import HighWater, source_key
from crawlers.stats import FetchFailure, classify_failure
from crawlers.watchlist import Source
from pipeline.records import DeadLetter, RawPost

PageParser = Callable[..., ParsedPage]
STAGE = "crawl"


class SourceSpider(scrapy.Spider):
    """Crawl each watched source from its start URL, following the parser's next-page links."""

    name = "source"
    parse_page: ClassVar[PageParser]

    def __init__(self, sources: list[Source], high_water: HighWater | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = sources
        self.high_water = high_water or {}

    async def start(self) -> AsyncIterator[Any]:
        """Yield one request per watched source (unfiltered: a start URL is always fetched)."""
        for source in self.sources:
            yield self._request(source.start_url, source.source_id, dont_filter=True)

    def _request(self, url: str, source_id: str, dont_filter: bool = False) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse, errback=self.on_error,
                              meta={"source_id": source_id}, dont_filter=dont_filter)

    def parse_kwargs(self, response: Any) -> dict[str, Any]:
        """Extra keyword arguments for the page parser (a platform may need the source)."""
        return {}

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        """Parse one page: yield its posts, a dead letter if it is malformed, and follow-ups."""
        source_id = response.meta["source_id"]
        encoding = header_charset(response.headers.get(b"Content-Type"))
        page = type(self).parse_page(response.url, response.body, encoding=encoding,
                                     **self.parse_kwargs(response))
        base = {"platform": self.name, "source": source_id}
        yield {"event": "page", "url": response.url, **base}
        record_id = response.meta.get("warc_record_id")
        mark = self.high_water.get(source_key(self.name, source_id))
        known = 0
        for post in page.posts:
            below = mark is not None and post.published_at <= mark
            known += below
            yield {"event": "post", "post": _with_record(post, record_id), "below_mark": below,
                   **base}
        if page.errors:
            error = PageError(f"{response.url}: " + "; ".join(page.errors))
            self.logger.warning("malformed page from source %s: %s", source_id, error)
            yield {"event": "dead_letter",
                   "dead_letter": DeadLetter.from_error(STAGE, error, response.body), **base}
        if page.posts and known == len(page.posts) and page.next_urls:
            yield {"event": "partial", **base}
            return  # everything older is known too
        for url in page.next_urls:
            yield self._request(url, source_id)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Turn a failed fetch into a counted, logged failure event."""
        request = failure.request  # type: ignore[attr-defined]
        reason = classify_failure(failure)
        self.logger.warning("fetch failed for source %s: %s (%s: %s)",
                            request.meta.get("source_id"), request.url, reason, failure.value)
        yield {"event": "failure", "platform": self.name, "failure": FetchFailure(
            source=str(request.meta.get("source_id", "?")), url=request.url, reason=reason,
            message=f"{type(failure.value).__name__}: {failure.value}"[:500])}


def _with_record(post: RawPost, record_id: str | None) -> RawPost:
    if record_id is None:
        return post
    return post.model_copy(update={"crawl": post.crawl.model_copy(
        update={"warc_record_id": record_id})})
