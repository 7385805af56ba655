"""What ``centinela reprocess`` will do: which archived RawPosts are selected, and where they are.

The archive is the RawPost JSON Lines file a crawl writes beside its WARC files
(``<archive dir>/posts.jsonl``, see ``crawlers/archive.py``), or any such file. A position
is a 1-based line number in that file. When a post appears on several lines (edits,
re-crawls), the last line wins, as it does in the index. A line that is not a valid RawPost
is a DeadLetter (stage ``reprocess``), never skipped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from crawlers.archive import POSTS_FILE
from pipeline.records import DeadLetter, RawPost

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
    """The selected posts: ``positions[doc_id]`` is the archive line holding its last copy."""

    archive: Path
    lines: int = 0
    positions: dict[str, int] = field(default_factory=dict)
    groups: dict[str, tuple[str, str]] = field(default_factory=dict)
    dead_letters: list[DeadLetter] = field(default_factory=list)

    @property
    def selected(self) -> int:
        """How many distinct posts will be re-processed."""
        return len(self.positions)

    def by_source(self) -> Counter[tuple[str, str]]:
        """Selected posts per (platform, source)."""
        return Counter(self.groups[doc_id] for doc_id in self.positions)


def archive_file(path: Path) -> Path:
    """Return the posts file of an archive: ``path`` itself, or ``path/posts.jsonl``."""
    found = path / POSTS_FILE if path.is_dir() else path
    if not found.is_file():
        raise FileNotFoundError(f"no archived posts at {found} (expected a RawPost JSON Lines)")
    return found


def read_lines(path: Path, after: int = 0) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, bytes)`` of the non-blank lines of ``path`` after line ``after``."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number <= after:
                continue
            stripped = raw.rstrip(b"\r\n")
            if stripped.strip():
                yield number, stripped


def plan_reprocess(
    archive: Path, selection: Selection, lookup: VersionLookup | None = None
) -> Plan:
    """Scan the archive and return the posts ``selection`` picks (reads, never writes)."""
    plan = Plan(archive=archive_file(archive))
    for number, raw in read_lines(plan.archive):
        plan.lines = number
        try:
            post = RawPost.model_validate_json(raw)
        except ValidationError as error:
            plan.dead_letters.append(DeadLetter.from_error(STAGE, error, raw, line=number))
            continue
        plan.positions.pop(post.doc_id, None)
        if selection.matches(post):
            plan.positions[post.doc_id] = number  # re-inserted: dict order = archive order
            plan.groups[post.doc_id] = (post.platform, post.source)
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
