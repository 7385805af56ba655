"""Downloader middlewares: honour ``Retry-After``; obey robots.txt for every request.

RetryAfterMiddleware sits closer to the downloader than Scrapy's RetryMiddleware
(560 > 550), so the wait happens before the retry is scheduled. The wait is capped: a
server asking for an hour gets the request counted as a failure after the retries instead.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import (
    RobotsTxtMiddleware as _ScrapyRobotsTxtMiddleware,
)
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

MAX_WAIT_S = 5.0


def retry_after_seconds(value: bytes | None) -> float | None:
    """Return the delay in a ``Retry-After`` header given in seconds, or None."""
    if not value:
        return None
    try:
        seconds = float(value.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return None  # an HTTP date: not worth parsing for a capped wait
    return seconds if seconds >= 0 else None


class RetryAfterMiddleware:
    """Sleep (asynchronously, capped) for ``Retry-After`` on 429 and 503 responses."""

    def __init__(self, retry_times: int = 0) -> None:
        self.retry_times = retry_times

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        """Build the middleware with the crawl's retry budget."""
        return cls(crawler.settings.getint("RETRY_TIMES"))

    async def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        """Wait before handing a throttled response on to the retry middleware."""
        retries_left = request.meta.get("max_retry_times", self.retry_times) - request.meta.get(
            "retry_times", 0)
        if response.status in (429, 503) and retries_left > 0:
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                wait = min(wait, MAX_WAIT_S)
                logger.info("Retry-After %.1fs for %s (status %d)", wait, request.url,
                            response.status)
                await asyncio.sleep(wait)
        return response


class RobotsTxtMiddleware(_ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, fixed for requests that wait on the first download.

    While robots.txt is downloading, every other request to the host awaits the same
    Deferred; awaiting it as a Future consumes its result, so all but the first waiter got
    ``None`` ("no robots.txt") and were let through. After the wait the parsed rules are in
    ``_parsers``, so read them from there.
    """

    async def robot_parser(self, request: Any) -> Any:
        """Return the robots.txt rules for the request's host (None if there are none)."""
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if stored is not None and not isinstance(stored, Deferred):
                return stored
        return parser
