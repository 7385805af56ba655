"""Re-process archived RawPosts into a new index version, verify it, then swap the alias.

One run: plan (scan the archive, apply the selection) → create an alias-less index from the
current mapping → seed it with a copy of the live index → enrich the selected posts with
parallel workers at the current nlp_version and bulk them in (overwriting their copies) →
after every flushed batch, write the checkpoint → verify counts and a sample against a fresh
extraction → one atomic ``_aliases`` swap. A failed check leaves the alias where it was.

``--resume`` reads the checkpoint and goes on after the last flushed archive line: the lines
before it are indexed already, those after it are re-sent (writes are idempotent on
``doc_id``), so an interruption loses and duplicates nothing.

Alerts: the run writes only to the new index. The streaming alerter (``centinela alert``)
consumes the enriched topic, which a re-processing run never writes to, so old posts are
not alerted on again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from elasticsearch import Elasticsearch

from indexer.elastic.admin import index_name, live_index
from indexer.elastic.sink import ElasticsearchSink
from pipeline.annotator_pool import AnnotatorFactory
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import DeadLetter, RawPost, utc_now
from pipeline.reprocess_index import (
    Verification,
    check_counts,
    compare_sample,
    create_target,
    sample_ids,
    seed_from,
    swap_alias,
    version_lookup,
)
from pipeline.reprocess_plan import Plan, Selection, plan_reprocess, read_lines
from pipeline.reprocess_work import (
    Batch,
    Checkpoint,
    batch_dead_letters,
    enrich_batches,
    enrich_lines,
)
from pipeline.settings import ElasticsearchSettings
from pipeline.stages import Annotator


class ReprocessError(RuntimeError):
    """The run cannot start or go on as asked (bad checkpoint, version mismatch...)."""


@dataclass(frozen=True)
class ReprocessOptions:
    """What to re-process and how."""

    archive: Path
    checkpoint: Path
    selection: Selection = Selection()
    workers: int = 1
    batch_size: int = 64
    flush_every: int = 512
    sample_size: int = 20
    resume: bool = False
    swap: bool = True
    dry_run: bool = False


@dataclass
class ReprocessReport:
    """What a run did (or, with ``dry_run``, would do)."""

    plan: Plan
    live_index: str | None
    target_index: str
    nlp_version: str
    indexed: int = 0
    dead_letters: int = 0
    verification: Verification | None = None
    swapped: bool = False
    elapsed_s: float = 0.0
    notes: list[str] = field(default_factory=list)


class _RecordingLetters:
    """A dead-letter sink that also remembers which doc_ids it received."""

    def __init__(self, letters: DeadLetterFile) -> None:
        self._letters = letters
        self.doc_ids: set[str] = set()

    def add(self, items: Sequence[DeadLetter]) -> None:
        self.doc_ids.update(item.doc_id for item in items if item.doc_id is not None)
        self._letters.add(items)

    def flush(self) -> None:
        self._letters.flush()


def run_reprocess(
    client: Elasticsearch,
    settings: ElasticsearchSettings,
    options: ReprocessOptions,
    factory: AnnotatorFactory,
    dead_letters: DeadLetterFile,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    on_flush: Callable[[Checkpoint], None] | None = None,
) -> ReprocessReport:
    """Run (or with ``dry_run`` only plan) a re-processing; see the module docstring."""
    began = time.monotonic()
    prefix = settings.index_prefix
    live = live_index(client, prefix)
    lookup = version_lookup(client, live) if live is not None else (lambda ids: {})
    plan = plan_reprocess(options.archive, options.selection, lookup)
    annotator = factory()
    report = ReprocessReport(plan, live, index_name(prefix, utc_now()), annotator.version)
    if options.dry_run:
        return report
    resuming = options.resume and options.checkpoint.is_file()
    if plan.dead_letters and not resuming:  # a resumed run reported them the first time
        dead_letters.add(plan.dead_letters)
        dead_letters.flush()
    checkpoint = _start(client, prefix, options, report)
    report.target_index = checkpoint.target_index
    if not checkpoint.seeded and live is not None:
        checkpoint.seeded_docs = seed_from(client, live, checkpoint.target_index)
    checkpoint.seeded = True
    checkpoint.save(options.checkpoint)
    letters = _RecordingLetters(dead_letters)
    letters.doc_ids.update(checkpoint.dead_lettered_ids)
    sink = ElasticsearchSink(client, letters, settings, index=checkpoint.target_index,
                             require_alias=False)
    wanted = sorted(n for n in plan.positions.values() if n > checkpoint.position)
    done = 0
    pending: list[int] = []

    def flush(position: int) -> None:
        sink.flush()
        checkpoint.position = position
        checkpoint.indexed += sum(pending)
        checkpoint.dead_lettered_ids = sorted(letters.doc_ids)
        checkpoint.save(options.checkpoint)
        pending.clear()
        if on_flush is not None:
            on_flush(checkpoint)

    batches = _batches(plan, set(wanted), checkpoint.position, options.batch_size)
    depth = 2 * options.workers + options.flush_every // options.batch_size + 1
    with closing(enrich_batches(batches, factory, options.workers, depth)) as results:
        for batch, outcome in results:
            if isinstance(outcome, BaseException):
                _dead_batch(letters, batch, outcome)
            else:
                sink.add(outcome)
                pending.append(len(outcome))
            done += len(batch)
            if on_progress is not None:
                on_progress(done, len(wanted))
            if sum(pending) >= options.flush_every:
                flush(batch[-1][0])
    flush(max(plan.lines, checkpoint.position))
    report.indexed = checkpoint.indexed
    report.dead_letters = len(letters.doc_ids) + len(plan.dead_letters)
    report.verification = _verify(client, plan, checkpoint, live, annotator, options)
    if report.verification.ok and options.swap:
        swap_alias(client, prefix, checkpoint.target_index)
        report.swapped = True
        options.checkpoint.unlink(missing_ok=True)
    report.elapsed_s = time.monotonic() - began
    return report


def _start(
    client: Elasticsearch, prefix: str, options: ReprocessOptions, report: ReprocessReport
) -> Checkpoint:
    """Load the checkpoint to resume from, or create the target index and a fresh one."""
    path = options.checkpoint
    if options.resume and path.is_file():
        checkpoint = Checkpoint.load(path)
        if checkpoint.nlp_version != report.nlp_version:
            raise ReprocessError(f"checkpoint was for nlp_version {checkpoint.nlp_version}, "
                                 f"the extractor is {report.nlp_version}")
        if checkpoint.selection != options.selection.describe():
            raise ReprocessError(f"checkpoint selected {checkpoint.selection!r}; "
                                 "resume with the same filters")
        if not client.indices.exists(index=checkpoint.target_index):
            raise ReprocessError(f"checkpoint names {checkpoint.target_index}, which is gone")
        return checkpoint
    if path.exists() and not options.resume:
        raise ReprocessError(f"{path} holds an unfinished run: add --resume, or delete it")
    target = create_target(client, prefix)
    checkpoint = Checkpoint(target_index=target, started_at=utc_now().isoformat(),
                            nlp_version=report.nlp_version,
                            selection=options.selection.describe())
    checkpoint.save(path)
    return checkpoint


def _batches(plan: Plan, wanted: set[int], after: int, size: int) -> Iterator[Batch]:
    batch: Batch = []
    for number, raw in read_lines(plan.archive, after):
        if number in wanted:
            batch.append((number, raw))
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def _dead_batch(letters: _RecordingLetters, batch: Batch, error: BaseException) -> None:
    """Every post of a batch the NLP stage failed on becomes a dead letter with its doc_id."""
    items = [
        item.model_copy(update={"doc_id": RawPost.model_validate_json(raw).doc_id})
        for item, (_number, raw) in zip(batch_dead_letters(batch, error), batch, strict=True)
    ]
    letters.add(items)
    letters.flush()


def _verify(
    client: Elasticsearch, plan: Plan, checkpoint: Checkpoint, live: str | None,
    annotator: Annotator, options: ReprocessOptions,
) -> Verification:
    indexed_ids = [d for d in plan.positions if d not in set(checkpoint.dead_lettered_ids)]
    result = check_counts(client, checkpoint.target_index, live, expected=len(indexed_ids),
                          seeded=checkpoint.seeded_docs, started_at=checkpoint.started_at)
    chosen = {plan.positions[d] for d in sample_ids(indexed_ids, options.sample_size)}
    lines = [(n, raw) for n, raw in read_lines(plan.archive) if n in chosen]
    fresh = enrich_lines(annotator, lines) if lines else []
    compare_sample(client, checkpoint.target_index, fresh, result)
    return result
