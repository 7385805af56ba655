"""Re-process archived RawPosts into a new index version, verify it, then swap the alias.

One run: plan (scan the source, apply the selection) → create an alias-less index from the
current mapping → seed it with a copy of the live index → enrich the selected posts with
parallel workers at the current nlp_version and bulk them in (overwriting their copies) →
after every flushed batch, write the checkpoint → verify counts and a sample against a fresh
extraction → one atomic ``_aliases`` swap. A failed check leaves the alias where it was.

The source (``reprocess_sources``) is the archive's RawPost JSON Lines, its WARC files
(re-parsed with the crawl's page parsers), or a replay of the raw Kafka topic.

``--resume`` reads the checkpoint and goes on after the last flushed position of each lane
(line, post number, or Kafka partition offset): what comes before is indexed already, what
comes after is re-sent (writes are idempotent on ``doc_id``), so an interruption loses and
duplicates nothing.

Alerts: the run writes only to the new index, never to the enriched topic the streaming
alerter consumes, so old posts are not alerted on again. An ``alerter`` (``--alert``) runs
the rules over the re-processed posts once the alias has moved (``reprocess_alerts``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from elasticsearch import Elasticsearch

from indexer.elastic.admin import index_name, live_index
from indexer.elastic.sink import ElasticsearchSink
from pipeline.annotator_pool import AnnotatorFactory
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import utc_now
from pipeline.reprocess_alerts import Alerter, AlertOutcome
from pipeline.reprocess_index import (
    Verification,
    create_target,
    seed_from,
    swap_alias,
    version_lookup,
)
from pipeline.reprocess_kafka import KafkaReplay
from pipeline.reprocess_plan import Plan, Selection, plan_reprocess
from pipeline.reprocess_sources import PostSource, ReprocessError, SourceError, open_source
from pipeline.reprocess_work import (
    Checkpoint,
    RecordingLetters,
    batch_dead_letters,
    batches,
    enrich_batches,
    verify,
)
from pipeline.settings import ElasticsearchSettings

__all__ = ["ReprocessError", "ReprocessOptions", "ReprocessReport", "SourceError",
           "open_source", "run_reprocess"]

Progress = Callable[[str, int, int | None], None]
"""``on_progress(phase, done, total)``: phase ``scan`` (in the source's unit), ``reprocess``
(posts), ``alert`` (posts)."""


@dataclass(frozen=True, kw_only=True)
class ReprocessOptions:
    """What to re-process and how. The source: ``kafka``, else ``archive`` (WARC when
    ``from_warc`` or when it is a WARC file or a folder of WARC files without posts.jsonl)."""

    checkpoint: Path
    archive: Path | None = None
    from_warc: bool = False
    kafka: KafkaReplay | None = None
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
    alerts: AlertOutcome | None = None
    elapsed_s: float = 0.0
    notes: list[str] = field(default_factory=list)


def run_reprocess(
    client: Elasticsearch,
    settings: ElasticsearchSettings,
    options: ReprocessOptions,
    factory: AnnotatorFactory,
    dead_letters: DeadLetterFile,
    *,
    on_progress: Progress | None = None,
    on_flush: Callable[[Checkpoint], None] | None = None,
    alerter: Alerter | None = None,
) -> ReprocessReport:
    """Run (or with ``dry_run`` only plan) a re-processing; see the module docstring."""
    began = time.monotonic()
    prefix = settings.index_prefix
    live = live_index(client, prefix)
    path = options.checkpoint
    saved = Checkpoint.load(path) if options.resume and path.is_file() else None
    source = open_source(archive=options.archive, from_warc=options.from_warc,
                         kafka=options.kafka, saved=saved.source if saved else None)
    with closing(source):
        annotator = factory()
        if saved is not None:
            _check_resume(client, saved, options, annotator.version, source.identity())
        lookup = version_lookup(client, live) if live is not None else (lambda ids: {})
        scan = None if on_progress is None else _phase(on_progress, "scan")
        plan = plan_reprocess(source, options.selection, lookup, scan)
        report = ReprocessReport(plan, live, index_name(prefix, utc_now()), annotator.version)
        if options.dry_run:
            return report
        if plan.dead_letters and saved is None:  # a resumed run reported them the first time
            dead_letters.add(plan.dead_letters)
            dead_letters.flush()
        checkpoint = saved or _start(client, prefix, options, report, source.identity())
        report.target_index = checkpoint.target_index
        report.dead_letters = len(plan.dead_letters)
        if not checkpoint.swapped:
            _index(client, settings, options, source, plan, checkpoint, factory, dead_letters,
                   report, on_progress, on_flush)
            report.verification = verify(client, source, plan, checkpoint, live, annotator,
                                         options.sample_size)
    verified = report.verification is not None and report.verification.ok
    if not checkpoint.swapped and verified and options.swap:
        swap_alias(client, prefix, checkpoint.target_index)
        checkpoint.swapped = True
        checkpoint.save(options.checkpoint)
    if checkpoint.swapped:
        report.swapped = True
        if alerter is not None:
            report.alerts = alerter(client, checkpoint.target_index, checkpoint.started_at)
        options.checkpoint.unlink(missing_ok=True)
    report.elapsed_s = time.monotonic() - began
    return report


def _index(
    client: Elasticsearch, settings: ElasticsearchSettings, options: ReprocessOptions,
    source: PostSource, plan: Plan, checkpoint: Checkpoint, factory: AnnotatorFactory,
    dead_letters: DeadLetterFile, report: ReprocessReport,
    on_progress: Progress | None, on_flush: Callable[[Checkpoint], None] | None,
) -> None:
    """Seed the target, then enrich and bulk-index the planned posts not yet flushed."""
    if not checkpoint.seeded and report.live_index is not None:
        checkpoint.seeded_docs = seed_from(client, report.live_index, checkpoint.target_index)
    checkpoint.seeded = True
    checkpoint.save(options.checkpoint)
    letters = RecordingLetters(dead_letters)
    letters.doc_ids.update(checkpoint.dead_lettered_ids)
    sink = ElasticsearchSink(client, letters, settings, index=checkpoint.target_index,
                             require_alias=False)
    done_before = checkpoint.done_lanes()
    wanted = {p for p in plan.positions.values() if p[1] > done_before.get(p[0], -1)}
    seen: dict[int, int] = {}
    pending: list[int] = []

    def flush() -> None:
        sink.flush()
        checkpoint.mark_done(seen)
        checkpoint.indexed += sum(pending)
        checkpoint.dead_lettered_ids = sorted(letters.doc_ids)
        checkpoint.save(options.checkpoint)
        pending.clear()
        if on_flush is not None:
            on_flush(checkpoint)

    done = 0
    todo = batches(source, wanted, done_before, options.batch_size)
    depth = 2 * options.workers + options.flush_every // options.batch_size + 1
    with closing(enrich_batches(todo, factory, options.workers, depth)) as results:
        for batch, outcome in results:
            if isinstance(outcome, BaseException):
                letters.add(batch_dead_letters(batch, outcome, source.where))
                letters.flush()
            else:
                sink.add(outcome)
                pending.append(len(outcome))
            for (lane, offset), _raw in batch:
                seen[lane] = offset
            done += len(batch)
            if on_progress is not None:
                on_progress("reprocess", done, len(wanted))
            if sum(pending) >= options.flush_every:
                flush()
    seen.update(plan.ends)
    flush()
    report.indexed = checkpoint.indexed
    report.dead_letters = len(letters.doc_ids) + len(plan.dead_letters)


def _check_resume(
    client: Elasticsearch, checkpoint: Checkpoint, options: ReprocessOptions, version: str,
    source: dict[str, object],
) -> None:
    """Refuse to resume a checkpoint made for another extractor, selection or source."""
    if checkpoint.nlp_version != version:
        raise ReprocessError(f"checkpoint was for nlp_version {checkpoint.nlp_version}, "
                             f"the extractor is {version}")
    if checkpoint.selection != options.selection.describe():
        raise ReprocessError(f"checkpoint selected {checkpoint.selection!r}; "
                             "resume with the same filters")
    if checkpoint.source != source:
        raise ReprocessError(f"checkpoint read {checkpoint.source}; resume with the same source")
    if not client.indices.exists(index=checkpoint.target_index):
        raise ReprocessError(f"checkpoint names {checkpoint.target_index}, which is gone")


def _start(
    client: Elasticsearch, prefix: str, options: ReprocessOptions, report: ReprocessReport,
    source: dict[str, object],
) -> Checkpoint:
    """Create the target index and a fresh checkpoint (refused over an unfinished run)."""
    path = options.checkpoint
    if path.exists():
        raise ReprocessError(f"{path} holds an unfinished run: add --resume, or delete it")
    target = create_target(client, prefix)
    checkpoint = Checkpoint(target_index=target, started_at=utc_now().isoformat(),
                            nlp_version=report.nlp_version,
                            selection=options.selection.describe(), source=dict(source))
    checkpoint.save(path)
    return checkpoint


def _phase(on_progress: Progress, phase: str) -> Callable[[int, int | None], None]:
    return lambda done, total: on_progress(phase, done, total)
