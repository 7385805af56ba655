"""The moving parts of a re-processing run: the checkpoint file and the NLP worker pool.

The pool is ``pipeline.annotator_pool`` (bounded, in order, one annotator per worker); here
the workers return finished EnrichedPosts so the parent process only indexes, and "every
line up to N is flushed" is a correct checkpoint.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.annotator_pool import AnnotatorFactory, annotate_in_order
from pipeline.records import DeadLetter, EnrichedPost, RawPost
from pipeline.reprocess_plan import STAGE
from pipeline.stages import Annotator, nlp_stage

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


def enrich_batches(
    batches: Iterable[Batch], factory: AnnotatorFactory, workers: int, depth: int = 0
) -> Generator[tuple[Batch, list[EnrichedPost] | BaseException], None, None]:
    """Yield each batch with its enriched posts (or the error it raised), in input order.

    Make ``depth`` cover a flush's worth of batches so the workers keep busy while the
    caller waits on Elasticsearch.
    """
    return annotate_in_order(batches, factory, enrich_lines, workers, depth)


def batch_dead_letters(batch: Batch, error: BaseException) -> list[DeadLetter]:
    """Dead letters for every line of a batch the NLP stage could not enrich."""
    return [DeadLetter.from_error(STAGE, error, raw, line=number) for number, raw in batch]
