"""The in-process crawl API and ``python -m crawlers.run``, its subprocess entry point.

Scrapy runs on Twisted, whose reactor can be started once per process: :func:`crawl` works
once per process and raises RuntimeError on a second call. Code that crawls many times (tests,
a scheduler) runs each crawl in a subprocess:

    python -m crawlers.run --watchlist fixtures/watchlist.toml --base-url http://127.0.0.1:8800 \\
        --out posts.jsonl --dead-letters dead.jsonl --stats stats.json

``on_post``, ``on_dead_letter`` and ``on_progress`` are called from the reactor thread.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from crawlers.archive import WarcArchive, scrapy_headers
from crawlers.settings import scrapy_settings
from crawlers.spiders import SPIDERS
from crawlers.state import load_high_water, save_high_water, source_key
from crawlers.stats import CrawlStats
from crawlers.watchlist import Source, load_watchlist
from pipeline.records import DeadLetter, RawPost
from pipeline.settings import CrawlSettings, get_settings

__all__ = ["CrawlStats", "Source", "crawl", "load_watchlist", "main"]

_started = False


def crawl(sources: Sequence[Source], *, on_post: Callable[[RawPost], None],
          on_dead_letter: Callable[[DeadLetter], None], settings: CrawlSettings,
          archive_dir: Path | None = None, state_dir: Path | None = None,
          on_progress: Callable[[CrawlStats], None] | None = None,
          log_level: str = "INFO") -> CrawlStats:
    """Crawl ``sources`` to the end and return what happened; blocks until done.

    Every post is passed to ``on_post`` once per crawl (a doc_id seen twice is counted in
    ``duplicate_posts``); pages that do not parse go to ``on_dead_letter`` with their bytes;
    pages that cannot be fetched are counted in ``failures_by_reason``. With ``archive_dir``
    every response is written to a WARC file there (see :mod:`crawlers.archive`); with
    ``state_dir`` the crawl is incremental (see :mod:`crawlers.state`). Can run once per
    process (see the module docstring).
    """
    global _started
    if _started:
        raise RuntimeError("crawl() can run once per process (Twisted reactor); "
                           "run `python -m crawlers.run` in a subprocess to crawl again")
    _started = True
    stats = CrawlStats()
    seen: set[str] = set()
    marks = load_high_water(state_dir) if state_dir is not None else {}
    new_marks = dict(marks)
    archive = WarcArchive(archive_dir) if archive_dir is not None else None

    def on_item(item: Any, **_: Any) -> None:
        event = item.get("event") if isinstance(item, dict) else None
        if event == "post":
            post: RawPost = item["post"]
            if post.doc_id in seen:
                stats.duplicate_posts += 1
                return
            seen.add(post.doc_id)
            stats.posts_by_source[post.source] += 1
            key = source_key(post.platform, post.source)
            if key not in new_marks or post.published_at > new_marks[key]:
                new_marks[key] = post.published_at
            if archive is not None:
                archive.write_post(post)
            on_post(post)
        elif event == "page":
            stats.pages_by_source[item["source"]] += 1
        elif event == "known":
            stats.known_posts += item["count"]
        elif event == "dead_letter":
            stats.dead_letters += 1
            on_dead_letter(item["dead_letter"])
        elif event == "failure":
            stats.failures_by_reason[item["failure"].reason] += 1
            stats.failures.append(item["failure"])
        if on_progress is not None:
            on_progress(stats)

    def on_response(response: Any, request: Any, **_: Any) -> None:
        if archive is not None:
            try:
                reason = HTTPStatus(response.status).phrase
            except ValueError:
                reason = ""
            request.meta["warc_record_id"] = archive.write_response(
                response.url, response.status, reason, scrapy_headers(response.headers),
                response.body)
            stats.warc_records += 1

    def on_spider_error(failure: Any, response: Any, **_: Any) -> None:
        stats.failures_by_reason["spider_error"] += 1

    process = CrawlerProcess(settings=scrapy_settings(settings, log_level))
    for platform, spider_cls in SPIDERS.items():
        chosen = [s for s in sources if s.platform == platform]
        if not chosen:
            continue
        crawler = process.create_crawler(spider_cls)
        crawler.signals.connect(on_item, signal=signals.item_scraped)
        crawler.signals.connect(on_response, signal=signals.response_received)
        crawler.signals.connect(on_spider_error, signal=signals.spider_error)
        process.crawl(crawler, sources=chosen, high_water=marks)
    try:
        process.start()
    finally:
        if archive is not None:
            archive.close()
    if state_dir is not None:
        save_high_water(state_dir, new_marks)
    return stats


def main(argv: list[str] | None = None) -> int:
    """Crawl a watchlist and write posts (and dead letters, stats) as JSON Lines / JSON."""
    parser = argparse.ArgumentParser(prog="python -m crawlers.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--watchlist", type=Path, required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--out", type=Path, required=True, help="RawPost JSON Lines")
    parser.add_argument("--dead-letters", type=Path, help="DeadLetter JSON Lines")
    parser.add_argument("--stats", type=Path, help="CrawlStats as JSON")
    parser.add_argument("--archive-dir", type=Path, help="write every response to a WARC here")
    parser.add_argument("--state-dir", type=Path, help="incremental crawl state")
    parser.add_argument("--tag", action="append", default=[], help="only sources with a tag")
    parser.add_argument("--exclude-tag", action="append", default=[])
    parser.add_argument("--download-timeout", type=float)
    parser.add_argument("--retry-times", type=int)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)

    settings = get_settings().crawl
    overrides = {"download_timeout_s": args.download_timeout, "retry_times": args.retry_times}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    sources = [s for s in load_watchlist(args.watchlist, args.base_url)
               if (not args.tag or set(args.tag) & set(s.tags))
               and not set(args.exclude_tag) & set(s.tags)]
    dead_out = args.dead_letters.open("w", encoding="utf-8") if args.dead_letters else None
    with args.out.open("w", encoding="utf-8") as out:
        stats = crawl(
            sources, settings=settings, log_level=args.log_level,
            archive_dir=args.archive_dir, state_dir=args.state_dir,
            on_post=lambda p: out.write(p.model_dump_json() + "\n"),
            on_dead_letter=lambda d: dead_out.write(d.model_dump_json() + "\n")
            if dead_out else None,
        )
    if dead_out:
        dead_out.close()
    summary = json.dumps(stats.to_dict(), indent=2, sort_keys=True)
    if args.stats:
        args.stats.write_text(summary + "\n", encoding="utf-8")
    print(f"{stats.posts} posts, {stats.pages_fetched} pages, {stats.dead_letters} dead letters, "
          f"failures {dict(stats.failures_by_reason)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
