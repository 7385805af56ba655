"""What ``centinela reprocess`` will do: which archived RawPosts are selected, and where they are.

The posts come from a source (``reprocess_sources``): the RawPost JSON Lines a crawl writes
beside its WARC files (``<archive dir>/posts.jsonl``, see ``crawlers/archive.py``), the
WARC files themselves, or a replay of the raw Kafka topic. When a post appears several
times (edits, re-crawls), the last copy wins, as it does in the index. Input that is not a
valid RawPost is a DeadLetter (stage ``reprocess``), never skipped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from pipeline.records import DeadLetter, RawPost
from pipeline.reprocess_sources import JsonLinesSource, Position, PostSource, archive_file

__all__ = ["STAGE", "Plan", "Selection", "VersionLookup", "archive_file", "plan_reprocess"]

STAGE = "reprocess"
LOOKUP_CHUNK = 1000
VersionLookup = Callable[[list[str]], dict[str, str]]
"""Given doc_ids, return the nlp_version each currently has in the live index (if indexed)."""


@dataclass(frozen=True)
class Selection:
    """Which archived posts to re-process; an empty tuple or None means "no filter"."""

    platforms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    nlp_version_not: str | None = None

    def __post_init__(self) -> None:
        for moment in (self.since, self.until):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"{moment.isoformat()} has no timezone; give e.g. +00:00")

    def matches(self, post: RawPost) -> bool:
        """Tell whether ``post`` passes the platform, source and published_at filters."""
        if self.platforms and post.platform not in self.platforms:
            return False
        if self.sources and post.source not in self.sources:
            return False
        if self.since is not None and post.published_at < self.since:
            return False
        return self.until is None or post.published_at < self.until

    def describe(self) -> str:
        """One line for logs and the dry-run report."""
        parts = [
            f"platform in {list(self.platforms)}" if self.platforms else "",
            f"source in {list(self.sources)}" if self.sources else "",
            f"published_at >= {self.since.isoformat()}" if self.since else "",
            f"published_at < {self.until.isoformat()}" if self.until else "",
            f"indexed nlp_version != {self.nlp_version_not}" if self.nlp_version_not else "",
        ]
        return " and ".join(p for p in parts if p) or "every archived post"


@dataclass
class Plan:
    """The selected posts: ``positions[doc_id]`` is where the source holds its last copy."""

    source: str
    scanned: int = 0
    ends: dict[int, int] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    groups: dict[str, tuple[str, str]] = field(default_factory=dict)
    dead_letters: list[DeadLetter] = field(default_factory=list)

    @property
    def selected(self) -> int:
        """How many distinct posts will be re-processed."""
        return len(self.positions)

    def by_source(self) -> Counter[tuple[str, str]]:
        """Selected posts per (platform, source)."""
        return Counter(self.groups[doc_id] for doc_id in self.positions)


ScanProgress = Callable[[int, int | None], None]
PROGRESS_EVERY = 500


def plan_reprocess(
    source: PostSource | Path, selection: Selection, lookup: VersionLookup | None = None,
    on_progress: ScanProgress | None = None,
) -> Plan:
    """Scan the source and return the posts ``selection`` picks (reads, never writes).

    A path is read as RawPost JSON Lines.
    """
    if isinstance(source, Path):
        source = JsonLinesSource(source)
    plan = Plan(source=source.label)
    for position, item in source.scan():
        lane, offset = position
        plan.ends[lane] = max(offset, plan.ends.get(lane, offset))
        if isinstance(item, DeadLetter):
            plan.dead_letters.append(item)
            continue
        plan.scanned += 1
        if on_progress is not None and plan.scanned % PROGRESS_EVERY == 0:
            on_progress(*source.progress())
        try:
            post = RawPost.model_validate_json(item)
        except ValidationError as error:
            plan.dead_letters.append(
                DeadLetter.from_error(STAGE, error, item, **source.where(position)))
            continue
        plan.positions.pop(post.doc_id, None)
        if selection.matches(post):
            plan.positions[post.doc_id] = position  # re-inserted: dict order = source order
            plan.groups[post.doc_id] = (post.platform, post.source)
    if on_progress is not None:
        on_progress(*source.progress())
    if selection.nlp_version_not is not None:
        if lookup is None:
            raise ValueError("--nlp-version-not needs the live index to look versions up")
        _drop_current(plan, selection.nlp_version_not, lookup)
    return plan


def _drop_current(plan: Plan, version: str, lookup: VersionLookup) -> None:
    """Keep only posts not indexed, or indexed with an nlp_version other than ``version``."""
    for chunk in _chunks(list(plan.positions), LOOKUP_CHUNK):
        current = lookup(chunk)
        for doc_id in chunk:
            if current.get(doc_id) == version:
                del plan.positions[doc_id]


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
