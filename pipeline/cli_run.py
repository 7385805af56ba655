"""``centinela run``: progress while it works, a summary table when it is done."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress as Bar
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.embedded import Progress, RunSummary, run_embedded
from pipeline.settings import Settings

console = Console()


def run_with_progress(settings: Settings, *, sites: Path, watchlist: Path, quiet: bool) -> int:
    """Run the embedded pipeline, drawing progress; return the process exit status."""
    if not sites.is_dir():
        console.print(f"[red]no fixture sites at {sites}[/red]")
        return 2
    if not watchlist.is_file():
        console.print(f"[red]no watchlist at {watchlist}[/red]")
        return 2
    problem = _store_privacy_problem(settings)
    if problem:
        console.print(f"[red]{escape(problem)}[/red]")
        return 2
    with Bar(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:>6.0f}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=False,
    ) as bar:
        crawled = bar.add_task("posts crawled", total=None)
        enriched = bar.add_task("posts enriched, stored, checked", total=None)
        progress = Progress(
            crawled=lambda n: bar.update(crawled, completed=n),
            enriched=lambda n: bar.update(enriched, completed=n),
            status=lambda text: bar.console.log(text) if not quiet else None,
        )
        summary = run_embedded(settings, sites=sites, watchlist=watchlist, progress=progress)
    console.print(summary_table(summary))
    for error in summary.rule_errors:
        console.print(f"[yellow]rule skipped:[/yellow] {error}")
    console.print(
        f"store: {summary.store_path}   outbox: {summary.outbox}   "
        f"dead letters: {summary.dead_letter_path}\n"
        'next: centinela search "reynosa"   (or --help for filters)'
    )
    return 0


def _store_privacy_problem(settings: Settings) -> str | None:
    """Return why the existing store cannot take posts under ``privacy.contacts``, or None."""
    from indexer.embedded import EmbeddedStore
    from indexer.errors import StoreError
    from indexer.privacy import ContactPrivacy

    if not settings.paths.store.exists():
        return None
    privacy = ContactPrivacy.from_settings(settings.privacy)
    try:
        with EmbeddedStore(settings.paths.store, privacy) as store:
            store.check_privacy()
    except StoreError as error:
        return str(error)
    return None


def summary_table(summary: RunSummary) -> Table:
    """Return the closing table of a run."""
    table = Table(title=f"Centinela run ({summary.seconds:.1f} s)", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("pages fetched", summary.pages_fetched),
        ("posts crawled", summary.posts_crawled),
        ("posts enriched", summary.posts_enriched),
        ("smuggling ads found", summary.ads),
        ("prices extracted", summary.prices),
        ("places extracted", summary.places),
        ("contacts extracted", summary.contacts),
        ("aliases extracted", summary.aliases),
        ("alerts raised", summary.alerts),
        ("posts in the store", summary.store_posts),
        ("dead letters", sum(summary.dead_letters.values())),
    ]
    for what, count in rows:
        table.add_row(what, f"{count:,}")
    for reason, count in sorted(summary.crawl_failures.items()):
        table.add_row(f"  fetch failures: {reason}", f"{count:,}")
    for stage, count in sorted(summary.dead_letters.items()):
        table.add_row(f"  dead letters: {stage}", f"{count:,}")
    return table


def run_stream_with_progress(
    settings: Settings, *, sites: Path, watchlist: Path, nlp_workers: int
) -> int:
    """Run the streaming pipeline once over the fixture sites; return the exit status."""
    from pipeline.stream_mode import run_streaming

    def on_wait(raw_lag: int, enriched_lag: int) -> None:
        console.log(f"waiting: {raw_lag} raw posts to enrich, {enriched_lag} to index")

    summary = run_streaming(
        settings, sites=sites, watchlist=watchlist, nlp_workers=nlp_workers, on_wait=on_wait
    )
    table = Table(title=f"Centinela stream ({summary.seconds:.1f} s)", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("posts published to Kafka", f"{summary.posts_published:,}")
    table.add_row("crawl dead letters", f"{summary.crawl_dead_letters:,}")
    table.add_row("documents in Elasticsearch", f"{summary.documents_indexed:,}")
    console.print(table)
    return 0
