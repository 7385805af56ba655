"""The in-process crawl API and ``python -m crawlers.run``, its subprocess entry point.

Scrapy runs on Twisted, whose reactor can be started once per process: :func:`crawl` works
once per process and raises RuntimeError on a second call. Code that crawls many times (tests,
a scheduler) runs each crawl in a subprocess:

    python -m crawlers.run --watchlist fixtures/watchlist.toml --base-url http://127.0.0.1:8800 \\
        --out posts.jsonl --dead-letters dead.jsonl --stats stats.json

``on_post``, ``on_dead_letter``, ``on_progress`` and ``on_checkpoint`` are called from the
reactor thread, except for the deletions and the last checkpoint of a crawl, which come after
the reactor stopped (same thread as the caller).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from crawlers.archive import WarcArchive, scrapy_headers
from crawlers.collect import Collector
from crawlers.outfile import compact_by_doc_id, open_posts_out, sync
from crawlers.settings import scrapy_settings
from crawlers.spiders import SPIDERS
from crawlers.state import CrawlState
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
          on_checkpoint: Callable[[], None] | None = None, full: bool = False,
          log_level: str = "INFO") -> CrawlStats:
    """Crawl ``sources`` to the end and return what happened; blocks until done.

    Every post is passed to ``on_post`` once per crawl (a doc_id seen twice is counted in
    ``duplicate_posts``); pages that do not parse go to ``on_dead_letter`` with their bytes;
    pages that cannot be fetched are counted in ``failures_by_reason``. With ``archive_dir``
    every response is written to a WARC file there (see :mod:`crawlers.archive`). With
    ``state_dir`` the crawl is incremental (see :mod:`crawlers.state` and
    :mod:`crawlers.collect`): only new, edited and deleted posts reach ``on_post``, and
    ``on_checkpoint`` (which must make the posts delivered so far durable) runs before the
    state records them. ``full`` reads every page even below the high-water marks, which
    also detects deletions in every source. Can run once per process (module docstring).
    """
    global _started
    if _started:
        raise RuntimeError("crawl() can run once per process (Twisted reactor); "
                           "run `python -m crawlers.run` in a subprocess to crawl again")
    _started = True
    stats = CrawlStats()
    state = CrawlState(state_dir) if state_dir is not None else None
    archive = WarcArchive(archive_dir) if archive_dir is not None else None
    collector = Collector(stats, on_post=on_post, on_dead_letter=on_dead_letter,
                          on_progress=on_progress, on_checkpoint=on_checkpoint,
                          archive=archive, state=state)
    marks = {} if full or state is None else dict(state.marks)
    close_reasons: list[str] = []

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

    def on_closed(spider: Any, reason: str, **_: Any) -> None:
        close_reasons.append(reason)

    process = CrawlerProcess(settings=scrapy_settings(settings, log_level))
    for platform, spider_cls in SPIDERS.items():
        chosen = [s for s in sources if s.platform == platform]
        if not chosen:
            continue
        crawler = process.create_crawler(spider_cls)
        crawler.signals.connect(collector.on_item, signal=signals.item_scraped)
        crawler.signals.connect(on_response, signal=signals.response_received)
        crawler.signals.connect(on_spider_error, signal=signals.spider_error)
        crawler.signals.connect(on_closed, signal=signals.spider_closed)
        process.crawl(crawler, sources=chosen, high_water=marks)
    started = time.monotonic()
    try:
        process.start()
        stats.elapsed_s = time.monotonic() - started
        collector.finish(finished=all(r == "finished" for r in close_reasons))
    finally:
        if archive is not None:
            archive.close()
        if state is not None:
            state.close()
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
    parser.add_argument("--full", action="store_true",
                        help="read every page despite the high-water marks (finds deletions)")
    parser.add_argument("--append", action="store_true",
                        help="append to --out (resume after a kill); one line per doc_id at "
                             "the end of a finished crawl")
    parser.add_argument("--tag", action="append", default=[], help="only sources with a tag")
    parser.add_argument("--exclude-tag", action="append", default=[])
    parser.add_argument("--download-timeout", type=float)
    parser.add_argument("--retry-times", type=int)
    parser.add_argument("--concurrent-requests", type=int)
    parser.add_argument("--no-autothrottle", action="store_true")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)

    settings = get_settings().crawl
    overrides = {"download_timeout_s": args.download_timeout, "retry_times": args.retry_times,
                 "concurrent_requests": args.concurrent_requests,
                 "autothrottle": False if args.no_autothrottle else None}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    sources = [s for s in load_watchlist(args.watchlist, args.base_url)
               if (not args.tag or set(args.tag) & set(s.tags))
               and not set(args.exclude_tag) & set(s.tags)]
    dead_out = open_posts_out(args.dead_letters, args.append) if args.dead_letters else None

    with open_posts_out(args.out, args.append) as out:
        def checkpoint() -> None:
            sync(out)
            if dead_out is not None:
                sync(dead_out)

        def write_post(post: RawPost) -> None:
            out.write(post.model_dump_json() + "\n")

        def write_dead_letter(letter: DeadLetter) -> None:
            if dead_out is not None:
                dead_out.write(letter.model_dump_json() + "\n")

        stats = crawl(
            sources, settings=settings, log_level=args.log_level, full=args.full,
            archive_dir=args.archive_dir, state_dir=args.state_dir, on_checkpoint=checkpoint,
            on_post=write_post, on_dead_letter=write_dead_letter)
        checkpoint()
    if dead_out:
        dead_out.close()
    if args.append and stats.finished:
        stats.out_duplicates_removed = compact_by_doc_id(args.out)
    summary = json.dumps(stats.to_dict(), indent=2, sort_keys=True)
    if args.stats:
        args.stats.write_text(summary + "\n", encoding="utf-8")
    print(f"{stats.posts} new posts, {stats.edited_posts} edited, {stats.deleted_posts} deleted, "
          f"{stats.known_posts} known, {stats.pages_fetched} pages, {stats.dead_letters} dead "
          f"letters, failures {dict(stats.failures_by_reason)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
