"""The moving parts of a re-processing run: checkpoint, batches, NLP worker pool, checks.

The pool is ``pipeline.annotator_pool`` (bounded, in order, one annotator per worker); here
the workers return finished EnrichedPosts so the parent process only indexes, and "every
post up to position N of each lane is flushed" is a correct checkpoint.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from pipeline.annotator_pool import AnnotatorFactory, annotate_in_order
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import DeadLetter, EnrichedPost, RawPost
from pipeline.reprocess_index import Verification, check_counts, compare_sample, sample_ids
from pipeline.reprocess_plan import STAGE, Plan
from pipeline.reprocess_sources import Done, Position, PostSource, ReprocessError
from pipeline.stages import Annotator, nlp_stage

Batch = list[tuple[Position, bytes]]
"""Posts to re-process: ``(position in the source, RawPost JSON)``."""


@dataclass
class Checkpoint:
    """Progress of one run, rewritten atomically after every flushed batch.

    ``done`` maps each lane of the source (``"0"`` for files, the partition for Kafka) to
    the last position whose post is flushed; ``source`` is the source's identity (for
    Kafka, the offset ranges being replayed). ``swapped``: the alias already points at
    ``target_index`` and only the alerts remain (``--alert``).
    """

    target_index: str
    started_at: str
    nlp_version: str
    selection: str
    source: dict[str, Any] = field(default_factory=dict)
    seeded: bool = False
    seeded_docs: int = 0
    done: dict[str, int] = field(default_factory=dict)
    indexed: int = 0
    dead_lettered_ids: list[str] = field(default_factory=list)
    swapped: bool = False

    @classmethod
    def load(cls, path: Path) -> Checkpoint:
        """Read a checkpoint written by ``save``; ReprocessError when it cannot be used."""
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, TypeError, ValueError) as error:
            raise ReprocessError(f"unreadable checkpoint {path} ({error}); delete it to start "
                                 "over") from error

    def done_lanes(self) -> dict[int, int]:
        """``done`` with integer lanes, as sources take it."""
        return {int(lane): offset for lane, offset in self.done.items()}

    def mark_done(self, lanes: dict[int, int]) -> None:
        """Record that every post up to ``lanes[lane]`` is flushed."""
        for lane, offset in lanes.items():
            self.done[str(lane)] = max(offset, self.done.get(str(lane), offset))

    def save(self, path: Path) -> None:
        """Write to ``path`` durably: a temporary file, fsync, then an atomic rename."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)


def enrich_lines(annotator: Annotator, batch: Batch) -> list[EnrichedPost]:
    """Parse and enrich archive lines (already validated by the plan) at the annotator's version."""
    posts = [RawPost.model_validate_json(raw) for _number, raw in batch]
    return list(nlp_stage(annotator).handle(posts))


def enrich_batches(
    batches: Iterable[Batch], factory: AnnotatorFactory, workers: int, depth: int = 0
) -> Generator[tuple[Batch, list[EnrichedPost] | BaseException], None, None]:
    """Yield each batch with its enriched posts (or the error it raised), in input order.

    Make ``depth`` cover a flush's worth of batches so the workers keep busy while the
    caller waits on Elasticsearch. Even one worker is a process of its own: its NLP then
    overlaps the caller's document building and bulk requests.
    """
    return annotate_in_order(batches, factory, enrich_lines, workers, depth, overlap=True)


def batch_dead_letters(
    batch: Batch, error: BaseException, where: Callable[[Position], dict[str, Any]]
) -> list[DeadLetter]:
    """Dead letters (with their doc_id) for every post of a batch the NLP stage failed on."""
    return [
        DeadLetter.from_error(STAGE, error, raw, doc_id=RawPost.model_validate_json(raw).doc_id,
                              **where(position))
        for position, raw in batch
    ]


class RecordingLetters:
    """A dead-letter sink that also remembers which doc_ids it received."""

    def __init__(self, letters: DeadLetterFile) -> None:
        self._letters = letters
        self.doc_ids: set[str] = set()

    def add(self, items: Sequence[DeadLetter]) -> None:
        self.doc_ids.update(item.doc_id for item in items if item.doc_id is not None)
        self._letters.add(items)

    def flush(self) -> None:
        self._letters.flush()


def batches(source: PostSource, wanted: set[Position], done: Done, size: int) -> Iterator[Batch]:
    """The ``wanted`` posts of ``source`` not yet ``done``, in source order, ``size`` a batch."""
    batch: Batch = []
    for position, item in source.scan(done):
        if position in wanted and isinstance(item, bytes):
            batch.append((position, item))
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def verify(
    client: Elasticsearch, source: PostSource, plan: Plan, checkpoint: Checkpoint,
    live: str | None, annotator: Annotator, sample_size: int,
) -> Verification:
    """Check the new index's counts, then a sample against a fresh extraction from the source."""
    failed = set(checkpoint.dead_lettered_ids)
    indexed_ids = [d for d in plan.positions if d not in failed]
    result = check_counts(client, checkpoint.target_index, live, expected=len(indexed_ids),
                          seeded=checkpoint.seeded_docs, started_at=checkpoint.started_at)
    chosen = {plan.positions[d] for d in sample_ids(indexed_ids, sample_size)}
    lines = [(p, raw) for p, raw in source.fetch(chosen) if isinstance(raw, bytes)]
    fresh = enrich_lines(annotator, lines) if lines else []
    compare_sample(client, checkpoint.target_index, fresh, result)
    if len(fresh) != len(chosen):
        result.problems.append(f"sample: {len(chosen) - len(fresh)} post(s) no longer in the "
                               "source")
    return result
