"""Where ``centinela reprocess`` reads RawPosts from: JSON Lines, WARC, or a Kafka replay.

Every source yields ``(position, RawPost JSON bytes)`` in a fixed order, the same on every
read, so a position is a stable checkpoint. A position is ``(lane, offset)``: lane 0 and a
1-based line number (JSON Lines) or post number (WARC: the n-th post parsed from the
archive's response records, in file and record order); for Kafka the partition and the
message offset. A source may also yield a ``DeadLetter`` in place of bytes (a WARC page that
did not parse); invalid RawPost bytes become dead letters in the plan, located by
``where(position)``. The WARC and Kafka sources live in ``reprocess_warc`` and
``reprocess_kafka``; ``open_source`` picks one (and imports only the one it needs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from crawlers.archive import POSTS_FILE
from pipeline.records import DeadLetter

if TYPE_CHECKING:
    from pipeline.reprocess_kafka import KafkaReplay

Position = tuple[int, int]
"""``(lane, offset)``: ``(0, line or post number)`` for files, ``(partition, offset)`` for Kafka."""
Entry = tuple[Position, bytes | DeadLetter]
Done = Mapping[int, int]
"""Per lane, the last position already handled: a read resumes after it."""
WARC_SUFFIXES = (".warc.gz", ".warc")


class ReprocessError(RuntimeError):
    """The run cannot start or go on as asked (bad checkpoint, version mismatch...)."""


class SourceError(ReprocessError):
    """The source cannot be read: missing or unreadable file, absent topic, no broker."""


class PostSource(Protocol):
    """An ordered, re-readable stream of archived RawPosts."""

    kind: str
    """``jsonl``, ``warc`` or ``kafka``."""
    label: str
    """One line for the report: what is read."""
    unit: str
    """What ``progress`` counts: ``bytes`` or ``messages``."""

    def identity(self) -> dict[str, Any]:
        """JSON-able description saved in the checkpoint; a resumed run must match it."""
        ...

    def scan(self, done: Done | None = None) -> Iterator[Entry]:
        """Yield the entries in order, skipping those at or before ``done[lane]``."""
        ...

    def fetch(self, positions: set[Position]) -> Iterator[Entry]:
        """Yield the entries at ``positions`` (for the verification sample)."""
        ...

    def progress(self) -> tuple[int, int | None]:
        """``(done, total)`` of the current scan, in ``unit``."""
        ...

    def where(self, position: Position) -> dict[str, Any]:
        """DeadLetter fields locating ``position`` (line, or topic/partition/offset)."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


def after(position: Position, done: Done | None) -> bool:
    """Tell whether ``position`` comes after what ``done`` says was already handled."""
    lane, offset = position
    return done is None or offset > done.get(lane, -1)


def fetch_by_scan(source: PostSource, positions: set[Position]) -> Iterator[Entry]:
    """``fetch`` for sources read front to back: scan, keep the wanted, stop when all seen."""
    left = set(positions)
    if not left:
        return
    for position, item in source.scan():
        if position in left and isinstance(item, bytes):
            left.discard(position)
            yield position, item
            if not left:
                return


class JsonLinesSource:
    """RawPost JSON Lines (``DIR/posts.jsonl`` of a crawl archive, or any such file)."""

    kind = "jsonl"
    unit = "bytes"

    def __init__(self, path: Path) -> None:
        """Read ``path``, or ``path/posts.jsonl`` when ``path`` is a folder."""
        self.path = archive_file(path)
        self.label = f"archive {self.path}"
        self._done = 0
        self._total = self.path.stat().st_size

    def identity(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": str(self.path.resolve())}

    def scan(self, done: Done | None = None) -> Iterator[Entry]:
        self._done = 0
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                self._done += len(raw)
                stripped = raw.rstrip(b"\r\n")
                if stripped.strip() and after((0, number), done):
                    yield (0, number), stripped

    def fetch(self, positions: set[Position]) -> Iterator[Entry]:
        return fetch_by_scan(self, positions)

    def progress(self) -> tuple[int, int | None]:
        return self._done, self._total

    def where(self, position: Position) -> dict[str, Any]:
        return {"line": position[1]}

    def close(self) -> None:
        return None


def archive_file(path: Path) -> Path:
    """Return the posts file of an archive: ``path`` itself, or ``path/posts.jsonl``."""
    found = path / POSTS_FILE if path.is_dir() else path
    if not found.is_file():
        raise FileNotFoundError(f"no archived posts at {found} (expected a RawPost JSON Lines)")
    return found


def warc_files(path: Path) -> list[Path]:
    """The WARC files at ``path``: the file itself, or a folder's ``*.warc.gz``/``*.warc``."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(WARC_SUFFIXES))
    raise FileNotFoundError(f"no archive at {path}")


def is_warc(path: Path) -> bool:
    """Tell whether ``path`` should be read as WARC: a WARC file, or a folder with WARC
    files and no ``posts.jsonl``."""
    if path.is_file():
        return path.name.endswith(WARC_SUFFIXES)
    return path.is_dir() and not (path / POSTS_FILE).is_file() and bool(warc_files(path))


def open_source(
    *, archive: Path | None, from_warc: bool = False, kafka: KafkaReplay | None = None,
    saved: Mapping[str, Any] | None = None,
) -> PostSource:
    """Open the source asked for: a Kafka replay (reusing the offset ranges of the ``saved``
    checkpoint identity), else ``archive`` as WARC (``from_warc``, a WARC file, or a folder
    of WARC files without posts.jsonl) or as RawPost JSON Lines."""
    if kafka is not None:
        from pipeline.reprocess_kafka import KafkaSource

        if archive is not None or from_warc:
            raise ReprocessError("choose one source: an archive or --from-kafka, not both")
        ranges = saved.get("ranges") if saved and saved.get("kind") == "kafka" else None
        if ranges is None:
            return KafkaSource(kafka)
        try:
            return KafkaSource(kafka, {int(p): (int(r[0]), int(r[1])) for p, r in ranges.items()})
        except (AttributeError, TypeError, ValueError, IndexError) as error:
            raise ReprocessError(f"the checkpoint's Kafka ranges are unreadable: {ranges!r}") \
                from error
    if archive is None:
        raise ReprocessError("no source: give --archive or --from-kafka")
    if from_warc or is_warc(archive):
        from pipeline.reprocess_warc import WarcSource

        return WarcSource(archive)
    return JsonLinesSource(archive)
