"""Crawlers: fixture sites, page parsers, Scrapy spiders and the in-process crawl API.

``crawl``, ``load_watchlist``, ``Source`` and ``CrawlStats`` are re-exported lazily so that
importing a pure parser does not start importing Scrapy and Twisted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawlers.run import crawl
    from crawlers.stats import CrawlStats
    from crawlers.watchlist import Source, load_watchlist

__all__ = ["CrawlStats", "Source", "crawl", "load_watchlist"]

_HOMES = {"crawl": "crawlers.run", "CrawlStats": "crawlers.stats",
          "Source": "crawlers.watchlist", "load_watchlist": "crawlers.watchlist"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'crawlers' has no attribute {name!r}")
