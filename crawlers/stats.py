"""What a crawl did: posts per source, pages fetched, failures by reason, dead letters."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from twisted.python.failure import Failure

FailureReason = str


@dataclass
class FetchFailure:
    """A page that could not be fetched: the source, the URL, why, and the detail."""

    source: str
    url: str
    reason: FailureReason
    message: str


@dataclass
class CrawlStats:
    """Counters of one crawl, updated as events arrive (from the reactor thread).

    ``posts_by_source`` counts new posts; edits, deletions and restored (deleted, then seen
    again) posts are counted apart. ``finished`` is False when the crawl was shut down early.
    """

    posts_by_source: Counter[str] = field(default_factory=Counter)
    pages_by_source: Counter[str] = field(default_factory=Counter)
    failures_by_reason: Counter[str] = field(default_factory=Counter)
    failures: list[FetchFailure] = field(default_factory=list)
    dead_letters: int = 0
    duplicate_posts: int = 0
    known_posts: int = 0
    edited_posts: int = 0
    deleted_posts: int = 0
    restored_posts: int = 0
    warc_records: int = 0
    checkpoints: int = 0
    finished: bool = False
    out_duplicates_removed: int = 0
    elapsed_s: float = 0.0

    @property
    def posts(self) -> int:
        """Posts yielded, all sources."""
        return sum(self.posts_by_source.values())

    @property
    def pages_fetched(self) -> int:
        """Pages fetched and parsed, all sources."""
        return sum(self.pages_by_source.values())

    def to_dict(self) -> dict[str, Any]:
        """Return the counters as plain JSON-ready data."""
        return {
            "posts": self.posts, "pages_fetched": self.pages_fetched,
            "posts_by_source": dict(sorted(self.posts_by_source.items())),
            "pages_by_source": dict(sorted(self.pages_by_source.items())),
            "failures_by_reason": dict(sorted(self.failures_by_reason.items())),
            "failures": [vars(f) for f in self.failures],
            "dead_letters": self.dead_letters, "duplicate_posts": self.duplicate_posts,
            "known_posts": self.known_posts, "edited_posts": self.edited_posts,
            "deleted_posts": self.deleted_posts, "restored_posts": self.restored_posts,
            "warc_records": self.warc_records, "checkpoints": self.checkpoints,
            "finished": self.finished, "out_duplicates_removed": self.out_duplicates_removed,
            "elapsed_s": round(self.elapsed_s, 3),
        }


def classify_failure(failure: Failure) -> FailureReason:
    """Return a short, stable reason for a failed request: ``http_503``, ``timeout``..."""
    exc = failure.value
    name = type(exc).__name__
    response = getattr(exc, "response", None)
    if name == "HttpError" and response is not None:
        return f"http_{response.status}"
    message = str(exc).lower()
    if name == "IgnoreRequest":
        if "robots" in message:
            return "robots_txt"
        if "redirect" in message:
            return "redirect_loop"
        return "ignored"
    if "timeout" in name.lower() or "timed out" in message:
        return "timeout"
    if name == "DownloadCancelledError" or "maxsize" in message or "cancelled" in message:
        return "too_large"
    if "connection" in name.lower() or "dns" in name.lower():
        return "connection"
    return name
