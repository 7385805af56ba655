"""``centinela reprocess``: archived posts → new index version → verified alias swap."""

from __future__ import annotations

import functools
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pipeline.annotator_pool import load_annotator
from pipeline.reprocess_plan import Selection
from pipeline.settings import get_settings

err = Console(stderr=True)
HELP = (
    "Re-run NLP at the current version over archived posts into a new index version.\n\n"
    "Reads the RawPost JSON Lines of an archive (DIR/posts.jsonl, written by a crawl with "
    "--archive-dir DIR), keeps the posts the filters select, enriches them with --workers "
    "processes, bulk-indexes them into a NEW index (seeded with a copy of the live one), "
    "checks its counts and a sample against a fresh extraction, and only then moves the "
    "alias in one atomic call. Progress is checkpointed after every flushed batch: --resume "
    "continues an interrupted run. Nothing is re-alerted: the run never writes to the "
    "enriched topic.\n\n"
    "\b\n"
    "Example:  centinela reprocess --dry-run\n"
    "          centinela reprocess --archive var/archive --workers 2\n"
    "          centinela reprocess --platform telegram --since 2026-01-01T00:00:00+00:00\n"
    "          centinela reprocess --nlp-version-not 0.1.0+rules1 --resume"
)


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.utcoffset() is None:
        raise typer.BadParameter(f"{value} has no timezone; add e.g. +00:00")
    return moment


def reprocess(  # noqa: PLR0913 - one option per filter, as the issue lists them
    archive: Annotated[Path | None, typer.Option(help="Archive dir or RawPost JSON Lines.")]
    = None,
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
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be done.")]
    = False,
) -> None:
    from indexer.elastic.client import client_from_settings
    from pipeline.cli_reprocess_report import print_report
    from pipeline.dead_letters import DeadLetterFile
    from pipeline.reprocess import ReprocessError, ReprocessOptions, run_reprocess

    settings = get_settings()
    selection = Selection(tuple(platform or ()), tuple(source or ()), _moment(since),
                          _moment(until), nlp_version_not)
    options = ReprocessOptions(
        archive=archive or settings.paths.archive,
        checkpoint=checkpoint or settings.paths.data_dir / "reprocess.checkpoint.json",
        selection=selection, workers=workers, batch_size=batch_size, sample_size=sample,
        resume=resume, swap=swap, dry_run=dry_run,
    )
    client = client_from_settings(settings.elasticsearch)
    letters_path = dead_letters or settings.paths.dead_letters
    letters = DeadLetterFile(Path(os.devnull) if dry_run else letters_path)
    columns = (TextColumn("reprocess"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]} posts/s"), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    try:
        with Progress(*columns, console=err, transient=False) as progress:
            task = progress.add_task("reprocess", total=None, rate="-")

            def on_progress(done: int, total: int) -> None:
                speed = progress.tasks[task].speed
                progress.update(task, completed=done, total=total,
                                rate=f"{speed:,.0f}" if speed else "-")

            report = run_reprocess(client, settings.elasticsearch, options,
                                   functools.partial(load_annotator, nlp_version), letters,
                                   on_progress=on_progress)
    except (ReprocessError, FileNotFoundError, ValueError) as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from error
    finally:
        letters.close()
        client.close()
    raise typer.Exit(print_report(report, selection, err))


def register(app: typer.Typer) -> None:
    """Add ``centinela reprocess`` to ``app``."""
    app.command("reprocess", help=HELP)(reprocess)
