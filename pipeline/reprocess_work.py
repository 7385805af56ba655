"""The moving parts of a re-processing run: the checkpoint file and the NLP worker pool.

The pool follows ``pipeline/extract.py`` (a ProcessPoolExecutor, one annotator per worker
built by a picklable factory) with two differences a long batch job needs: a bounded number
of batches is in flight (``Executor.map`` would read the whole archive into its queue
first), and the workers return finished EnrichedPosts so the parent process only indexes.
Results come back in submission order, so "every line up to N is flushed" is a correct
checkpoint.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.records import DeadLetter, EnrichedPost, RawPost
from pipeline.reprocess_plan import STAGE
from pipeline.stages import Annotator, nlp_stage

AnnotatorFactory = Callable[[], Annotator]
Batch = list[tuple[int, bytes]]
"""Archive lines to re-process: ``(line number, RawPost JSON)``."""


@dataclass
class Checkpoint:
    """Progress of one run, rewritten atomically after every flushed batch."""

    target_index: str
    started_at: str
    nlp_version: str
    selection: str
    seeded: bool = False
    seeded_docs: int = 0
    position: int = 0
    indexed: int = 0
    dead_lettered_ids: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Checkpoint:
        """Read a checkpoint written by ``save``."""
        return cls(**json.loads(path.read_text(encoding="utf-8")))

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


_worker_annotator: Annotator | None = None


def _init_worker(factory: AnnotatorFactory) -> None:
    global _worker_annotator  # noqa: PLW0603 - one annotator per worker process
    _worker_annotator = factory()


def _enrich_in_worker(batch: Batch) -> list[EnrichedPost]:
    assert _worker_annotator is not None  # noqa: S101 - set by the pool initializer
    return enrich_lines(_worker_annotator, batch)


def enrich_batches(
    batches: Iterable[Batch], factory: AnnotatorFactory, workers: int, depth: int = 0
) -> Generator[tuple[Batch, list[EnrichedPost] | BaseException], None, None]:
    """Yield each batch with its enriched posts (or the error it raised), in input order.

    At most ``depth`` batches (default ``2 × workers``) are submitted and not yet yielded:
    make it cover a flush's worth of batches so the workers keep busy while the caller
    waits on Elasticsearch.
    """
    if workers <= 1:
        annotator = factory()
        for batch in batches:
            yield batch, _guarded(annotator, batch)
        return
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(factory,))
    in_flight: deque[tuple[Batch, Future[list[EnrichedPost]]]] = deque()
    try:
        for batch in batches:
            in_flight.append((batch, pool.submit(_enrich_in_worker, batch)))
            if len(in_flight) >= max(depth, 2 * workers):
                yield _settle(*in_flight.popleft())
        while in_flight:
            yield _settle(*in_flight.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _guarded(annotator: Annotator, batch: Batch) -> list[EnrichedPost] | BaseException:
    try:
        return enrich_lines(annotator, batch)
    except Exception as error:  # noqa: BLE001 - the batch becomes dead letters, the run goes on
        return error


def _settle(
    batch: Batch, future: Future[list[EnrichedPost]]
) -> tuple[Batch, list[EnrichedPost] | BaseException]:
    try:
        return batch, future.result()
    except Exception as error:  # noqa: BLE001 - reported per batch by the caller
        return batch, error


def batch_dead_letters(batch: Batch, error: BaseException) -> list[DeadLetter]:
    """Dead letters for every line of a batch the NLP stage could not enrich."""
    return [DeadLetter.from_error(STAGE, error, raw, line=number) for number, raw in batch]
