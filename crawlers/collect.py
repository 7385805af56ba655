"""Turn spider events into callbacks, counters and crawl state, with durable checkpoints.

:class:`Collector` receives every item the spiders yield (see :mod:`crawlers.spiders._base`)
and decides, with the crawl state, what reaches ``on_post``: new posts, edits (text changed,
``edited=True``) and, at the end of a finished crawl, deletions (``deleted=True``, the last
copy's text kept) for every source whose pages were all read without a failure.

Delivery order makes a killed crawl lose nothing: a post goes to ``on_post`` first; every
``checkpoint_every`` posts (or ``checkpoint_s`` seconds) ``on_checkpoint`` makes the delivered
posts durable, and only then does the state record them. High-water marks move only at the
end of a finished crawl, and only for sources that had no failure, so a restart re-reads every
page it may not have finished and skips (by doc_id) what was already recorded. Posts
delivered after the last checkpoint of a killed crawl are delivered again on restart.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from crawlers.archive import WarcArchive
from crawlers.state import CrawlState, HighWater, source_key, text_digest
from crawlers.stats import CrawlStats
from pipeline.records import DeadLetter, RawPost, utc_now

CHECKPOINT_EVERY = 100
CHECKPOINT_S = 2.0


class Collector:
    """Route spider events to callbacks and the crawl state (reactor thread only)."""

    def __init__(self, stats: CrawlStats, *, on_post: Callable[[RawPost], None],
                 on_dead_letter: Callable[[DeadLetter], None],
                 on_progress: Callable[[CrawlStats], None] | None = None,
                 on_checkpoint: Callable[[], None] | None = None,
                 archive: WarcArchive | None = None, state: CrawlState | None = None,
                 checkpoint_every: int = CHECKPOINT_EVERY,
                 checkpoint_s: float = CHECKPOINT_S) -> None:
        self.stats = stats
        self._on_post, self._on_dead_letter = on_post, on_dead_letter
        self._on_progress, self._on_checkpoint = on_progress, on_checkpoint
        self._archive, self._state = archive, state
        self._every, self._every_s = checkpoint_every, checkpoint_s
        self._last_checkpoint = time.monotonic()
        self._delivered: set[str] = set()
        self._observed: dict[str, set[str]] = defaultdict(set)
        self._newest: HighWater = {}
        self._partial: set[str] = set()
        self._failed: set[str] = set()

    def on_item(self, item: Any, **_: Any) -> None:
        """Handle one spider event (connected to ``signals.item_scraped``)."""
        event = item.get("event") if isinstance(item, dict) else None
        key = source_key(item.get("platform", "?"), item.get("source", "?")) if event else ""
        if event == "post":
            self._post(item["post"])
        elif event == "page":
            self.stats.pages_by_source[item["source"]] += 1
            self._observed.setdefault(key, set())  # a source with pages, even empty ones
        elif event == "partial":
            self._partial.add(key)
        elif event == "dead_letter":
            self._failed.add(key)
            self.stats.dead_letters += 1
            self._on_dead_letter(item["dead_letter"])
        elif event == "failure":
            failure = item["failure"]
            self._failed.add(source_key(item["platform"], failure.source))
            self.stats.failures_by_reason[failure.reason] += 1
            self.stats.failures.append(failure)
        if self._on_progress is not None:
            self._on_progress(self.stats)
        self._maybe_checkpoint()

    def _post(self, post: RawPost) -> None:
        key = source_key(post.platform, post.source)
        if post.doc_id in self._delivered:
            self.stats.duplicate_posts += 1
            return
        self._delivered.add(post.doc_id)
        self._observed[key].add(post.doc_id)
        if key not in self._newest or post.published_at > self._newest[key]:
            self._newest[key] = post.published_at
        seen = self._state.lookup(post.doc_id) if self._state is not None else None
        if seen is None:
            self.stats.posts_by_source[post.source] += 1
        elif seen.deleted:
            self.stats.restored_posts += 1
        elif seen.digest != text_digest(post.text):
            self.stats.edited_posts += 1
            post = post.model_copy(update={"edited": True})
        else:
            self.stats.known_posts += 1
            return
        self._deliver(post)

    def _deliver(self, post: RawPost) -> None:
        if self._archive is not None:
            self._archive.write_post(post)
        self._on_post(post)
        if self._state is not None:
            self._state.record(post)

    def _maybe_checkpoint(self) -> None:
        if self._state is None or not self._state.pending:
            return
        if (self._state.pending >= self._every
                or time.monotonic() - self._last_checkpoint >= self._every_s):
            self.checkpoint()

    def checkpoint(self) -> None:
        """Make delivered posts durable (``on_checkpoint``, archive), then commit the state."""
        if self._on_checkpoint is not None:
            self._on_checkpoint()
        if self._archive is not None:
            self._archive.flush()
        if self._state is not None:
            self._state.commit()
        self.stats.checkpoints += 1
        self._last_checkpoint = time.monotonic()

    def finish(self, finished: bool) -> None:
        """End the crawl: deletions and new marks if it ``finished``, then a last checkpoint."""
        self.stats.finished = finished
        state = self._state
        if state is None:
            return
        if not finished:  # shut down early: keep what was delivered, move no mark
            self.checkpoint()
            return
        complete = [key for key in self._observed
                    if key not in self._partial and key not in self._failed]
        for key in sorted(complete):
            for last in state.missing(key, self._observed[key]):
                self.stats.deleted_posts += 1
                self._deliver(last.model_copy(update={"deleted": True,
                                                      "collected_at": utc_now()}))
        self.checkpoint()
        marks = dict(state.marks)
        for key, newest in self._newest.items():
            if key not in self._failed and (key not in marks or newest > marks[key]):
                marks[key] = newest
        state.save_marks(marks)
