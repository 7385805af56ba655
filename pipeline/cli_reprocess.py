"""``centinela reprocess``: archived posts → new index version → verified alias swap."""

from __future__ import annotations

import dataclasses
import functools
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pipeline.annotator_pool import load_annotator
from pipeline.reprocess_plan import Selection
from pipeline.settings import Settings, get_settings

if TYPE_CHECKING:
    from pipeline.reprocess import ReprocessOptions

err = Console(stderr=True)
HELP = (
    "Re-run NLP at the current version over archived posts into a new index version.\n\n"
    "Reads archived RawPosts: the JSON Lines of an archive (DIR/posts.jsonl, written by a "
    "crawl with --archive-dir DIR); or its WARC files, re-parsed with the crawl's page "
    "parsers (--from-warc, or --archive naming a .warc.gz file or a folder of them without "
    "posts.jsonl); or a replay of the raw Kafka topic (--from-kafka) from the beginning, "
    "from --kafka-offset N (every partition, or P:N for partition P) or from the first "
    "message published at or after --kafka-since, up to the end offsets seen at start. Keeps "
    "the posts the filters select (--since/--until are on published_at), enriches them with "
    "--workers processes, bulk-indexes them into a NEW index (seeded with a copy of the live "
    "one), checks its counts and a sample against a fresh extraction, and only then moves "
    "the alias in one atomic call. Progress is checkpointed after every flushed batch (line, "
    "post number, or offset per partition): --resume continues an interrupted run. Nothing "
    "is re-alerted unless --alert: then, after the swap, the alert rules run over the "
    "re-processed posts (never twice the same email per rule and post).\n\n"
    "\b\n"
    "Example:  centinela reprocess --dry-run\n"
    "          centinela reprocess --archive var/archive --workers 2\n"
    "          centinela reprocess --archive var/archive/crawl-20260101T000000Z.warc.gz\n"
    "          centinela reprocess --archive var/archive --from-warc --platform facebook\n"
    "          centinela reprocess --from-kafka --kafka-since 2026-01-01T00:00:00+00:00\n"
    "          centinela reprocess --from-kafka --kafka-offset 0:1200 --kafka-offset 1:900\n"
    "          centinela reprocess --platform telegram --since 2026-01-01T00:00:00+00:00\n"
    "          centinela reprocess --nlp-version-not 0.1.0+rules1 --alert --resume"
)


def _moment(value: str | None, option: str = "") -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(f"{option} {value!r} is not an ISO time") from error
    if moment.utcoffset() is None:
        raise typer.BadParameter(f"{value} has no timezone; add e.g. +00:00")
    return moment


def reprocess(  # noqa: PLR0913 - one option per filter, as the issue lists them
    archive: Annotated[Path | None, typer.Option(
        help="Archive dir, RawPost JSON Lines, or WARC file.")] = None,
    from_warc: Annotated[bool, typer.Option(
        "--from-warc", help="Re-parse the archive's WARC files, not posts.jsonl.")] = False,
    from_kafka: Annotated[bool, typer.Option(
        "--from-kafka", help="Replay the raw Kafka topic instead of an archive.")] = False,
    kafka_since: Annotated[str | None, typer.Option(
        help="Replay messages published (Kafka timestamp) at or after this ISO time.")] = None,
    kafka_offset: Annotated[list[str] | None, typer.Option(
        help="Replay from this offset: N (every partition) or P:N (repeatable).")] = None,
    platform: Annotated[list[str] | None, typer.Option(help="Only this platform (repeatable).")]
    = None,
    source: Annotated[list[str] | None, typer.Option(help="Only this source (repeatable).")]
    = None,
    since: Annotated[str | None, typer.Option(help="published_at >= this ISO time.")] = None,
    until: Annotated[str | None, typer.Option(help="published_at < this ISO time.")] = None,
    nlp_version_not: Annotated[
        str | None, typer.Option(help="Only posts whose indexed nlp_version is not this.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="NLP worker processes.")] = 1,
    batch_size: Annotated[int, typer.Option(min=1, help="Posts per NLP batch.")] = 64,
    sample: Annotated[int, typer.Option(min=0, help="Posts re-checked field by field.")] = 20,
    checkpoint: Annotated[Path | None, typer.Option(help="Checkpoint file.")] = None,
    dead_letters: Annotated[Path | None, typer.Option(help="Dead-letter JSON Lines.")] = None,
    nlp_version: Annotated[
        str | None, typer.Option(help="Label the new posts with this nlp_version.")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the run in the checkpoint.")]
    = False,
    swap: Annotated[bool, typer.Option(help="Move the alias once verified.")] = True,
    alert: Annotated[bool, typer.Option(
        "--alert", help="After the swap, run the alert rules over the re-processed posts.")]
    = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be done.")]
    = False,
) -> None:
    from indexer.elastic.client import client_from_settings
    from pipeline.cli_reprocess_report import print_report
    from pipeline.dead_letters import DeadLetterFile
    from pipeline.reprocess import ReprocessError, run_reprocess
    from pipeline.reprocess_alerts import ReprocessAlerter

    settings = get_settings()
    selection = Selection(tuple(platform or ()), tuple(source or ()), _moment(since),
                          _moment(until), nlp_version_not)
    try:
        options = _options(settings, archive, from_warc, from_kafka, kafka_since,
                           kafka_offset or [], selection, checkpoint)
    except ValueError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from error
    options = dataclasses.replace(options, workers=workers, batch_size=batch_size,
                                  sample_size=sample, resume=resume, swap=swap, dry_run=dry_run)
    if alert and not swap:
        err.print("error: --alert runs after the alias swap; drop --no-swap", highlight=False)
        raise typer.Exit(2)
    client = client_from_settings(settings.elasticsearch)
    letters_path = dead_letters or settings.paths.dead_letters
    letters = DeadLetterFile(Path(os.devnull) if dry_run else letters_path)
    try:
        with Progress(*_columns(), console=err, transient=False) as progress:
            show = _Shown(progress, "messages" if from_kafka else "bytes")
            alerter = (ReprocessAlerter(settings, on_progress=show.alerting)
                       if alert and not dry_run else None)
            report = run_reprocess(client, settings.elasticsearch, options,
                                   functools.partial(load_annotator, nlp_version), letters,
                                   on_progress=show, alerter=alerter)
    except (ReprocessError, FileNotFoundError, ValueError) as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from error
    finally:
        letters.close()
        client.close()
    if alert and dry_run:
        report.notes.append(f"--alert: would run the alert rules over the "
                            f"{report.plan.selected:,} re-processed posts after the swap")
    raise typer.Exit(print_report(report, selection, err))


def _options(
    settings: Settings, archive: Path | None, from_warc: bool, from_kafka: bool,
    kafka_since: str | None, kafka_offset: list[str], selection: Selection,
    checkpoint: Path | None,
) -> ReprocessOptions:
    """Build the options; ValueError (printed as ``error: ...``) for a bad combination."""
    from pipeline.reprocess import ReprocessOptions
    from pipeline.reprocess_kafka import KafkaReplay, parse_offsets

    if (kafka_since is not None or kafka_offset) and not from_kafka:
        raise ValueError("--kafka-since and --kafka-offset need --from-kafka")
    if from_kafka and (archive is not None or from_warc):
        raise ValueError("--from-kafka replays the raw topic: drop --archive/--from-warc")
    kafka = None
    if from_kafka:
        if kafka_since is not None and kafka_offset:
            raise ValueError("give --kafka-since or --kafka-offset, not both")
        kafka = KafkaReplay(settings.kafka, since=_moment(kafka_since, "--kafka-since"),
                            offsets=parse_offsets(kafka_offset))
    return ReprocessOptions(
        archive=None if from_kafka else archive or settings.paths.archive,
        from_warc=from_warc, kafka=kafka, selection=selection,
        checkpoint=checkpoint or settings.paths.data_dir / "reprocess.checkpoint.json",
    )


def _columns() -> tuple[TextColumn | BarColumn | MofNCompleteColumn | TimeElapsedColumn
                        | TimeRemainingColumn, ...]:
    return (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} {task.fields[unit]}/s"), TimeElapsedColumn(),
            TextColumn("ETA"), TimeRemainingColumn())


class _Shown:
    """The ``on_progress`` of ``run_reprocess``: one progress bar per phase, with rate and ETA."""

    UNITS = {"scan": "", "reprocess": "posts", "alert": "posts"}

    def __init__(self, progress: Progress, scan_unit: str) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.unit = scan_unit

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if phase not in self.tasks:
            unit = self.UNITS.get(phase) or self.unit
            label = "scan source" if phase == "scan" else phase
            self.tasks[phase] = self.progress.add_task(label, total=total, rate="-", unit=unit)
        task = self.tasks[phase]
        speed = self.progress.tasks[task].speed
        self.progress.update(task, completed=done, total=total,
                             rate=f"{speed:,.0f}" if speed else "-")

    def alerting(self, done: int, total: int) -> None:
        self("alert", done, total)


def register(app: typer.Typer) -> None:
    """Add ``centinela reprocess`` to ``app``."""
    app.command("reprocess", help=HELP)(reprocess)
