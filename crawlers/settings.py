"""Scrapy settings derived from the project's one settings tree (``CrawlSettings``)."""

from __future__ import annotations

import logging
from typing import Any

from pipeline.settings import CrawlSettings

MAX_PAGE_BYTES = 4 * 1024 * 1024
"""Pages above this size are cancelled and counted as ``too_large``: no public post is that big."""

RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]


def scrapy_settings(crawl: CrawlSettings, log_level: str = "INFO") -> dict[str, Any]:
    """Return the Scrapy settings for a crawl: robots.txt, AutoThrottle, retries, limits."""
    return {
        "BOT_NAME": "centinela",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "CONCURRENT_REQUESTS": crawl.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout_s,
        "DOWNLOAD_MAXSIZE": MAX_PAGE_BYTES,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": crawl.retry_times > 0,
        "RETRY_TIMES": crawl.retry_times,
        "RETRY_HTTP_CODES": RETRY_HTTP_CODES,
        "REDIRECT_MAX_TIMES": 5,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": crawl.autothrottle_start_delay_s,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(crawl.concurrent_requests),
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "REMOTE_CONTROL_ENABLED": False,
        # Keep the caller's logging when it set some up (the CLI does); else Scrapy's own.
        "LOG_INSTALL_ROOT_HANDLER": log_level != "NONE" and not logging.getLogger().handlers,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawlers.middlewares.RobotsTxtMiddleware": 100,
            "crawlers.middlewares.RetryAfterMiddleware": 560,
        },
    }
