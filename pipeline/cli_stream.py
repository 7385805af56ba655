"""Streaming commands: ``centinela crawl``, ``nlp``, ``index`` (with ``index admin``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pipeline.logs import configure_logging
from pipeline.settings import PROJECT_ROOT, get_settings

index_app = typer.Typer(
    help=(
        "Consume centinela.enriched.v1 and bulk-index into the alias centinela-posts.\n\n"
        "Without a subcommand, runs the indexer worker until SIGTERM/SIGINT.\n\n"
        "\b\n"
        "Example:  centinela index            (worker)\n"
        "          centinela index admin status"
    ),
    invoke_without_command=True,
    rich_markup_mode=None,
)
admin_app = typer.Typer(
    help="Manage the versioned indices behind the alias.", rich_markup_mode=None
)
index_app.add_typer(admin_app, name="admin")

IdleExit = Annotated[
    float | None,
    typer.Option(help="Exit after this many idle seconds (default: run until a signal)."),
]


def _logging(verbose: bool) -> None:
    configure_logging(verbose)


def crawl(
    watchlist: Annotated[Path, typer.Option(help="Watchlist TOML of sources.")] = PROJECT_ROOT
    / "fixtures"
    / "watchlist.toml",
    base_url: Annotated[
        str | None, typer.Option(help="Base URL substituted for {base_url} in the watchlist.")
    ] = None,
    sites: Annotated[
        Path, typer.Option(help="Fixture sites served on loopback when --base-url is absent.")
    ] = PROJECT_ROOT / "fixtures" / "sites",
) -> None:
    """Crawl the watchlist once and publish every RawPost to centinela.raw.v1 (Kafka).

    \b
    Example:  centinela crawl                     (serves and crawls the fixture sites)
              centinela crawl --base-url https://example.org --watchlist mine.toml
    """
    from pipeline.workers import publish_crawl

    _logging(False)
    settings = get_settings()
    if base_url is not None:
        posts, letters = publish_crawl(settings, watchlist=watchlist, base_url=base_url)
    else:
        from crawlers.fixture_server import FixtureServer

        with FixtureServer(sites) as server:
            posts, letters = publish_crawl(settings, watchlist=watchlist, base_url=server.base_url)
    typer.echo(f"crawl: published {posts} posts, {letters} dead letters")


def nlp(
    idle_exit: IdleExit = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Consume centinela.raw.v1, enrich in batches, produce to centinela.enriched.v1.

    Start several to share the load: they form the consumer group "nlp".
    \b
    Example:  centinela nlp & centinela nlp &
    """
    from pipeline.workers import WorkerOptions, run_nlp_worker

    _logging(verbose)
    stats = run_nlp_worker(get_settings(), WorkerOptions(idle_exit_s=idle_exit))
    typer.echo(
        f"nlp: consumed {stats.consumed}, produced {stats.produced}, "
        f"dead letters {stats.dead_letters}"
    )


@index_app.callback()
def index(
    ctx: typer.Context,
    idle_exit: IdleExit = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Run the indexer worker (no subcommand) or manage indices (``admin``)."""
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.workers import WorkerOptions, run_index_worker

    _logging(verbose)
    stats = run_index_worker(get_settings(), WorkerOptions(idle_exit_s=idle_exit))
    typer.echo(
        f"index: consumed {stats.consumed}, indexed {stats.produced}, "
        f"dead letters {stats.dead_letters}"
    )


@admin_app.command("create")
def admin_create() -> None:
    """Create the first versioned index and point the alias at it (idempotent).

    \b
    Example:  centinela index admin create
    """
    from indexer.elastic.admin import create
    from indexer.elastic.client import client_from_settings

    es = get_settings().elasticsearch
    typer.echo(create(client_from_settings(es), es.index_prefix))


@admin_app.command("status")
def admin_status() -> None:
    """Show the indices behind the alias, their document counts and which one is live.

    \b
    Example:  centinela index admin status
    """
    from dataclasses import asdict

    from indexer.elastic.admin import status
    from indexer.elastic.client import client_from_settings

    es = get_settings().elasticsearch
    report = status(client_from_settings(es), es.index_prefix)
    typer.echo(json.dumps(asdict(report), indent=2, default=str))


@admin_app.command("roll")
def admin_roll() -> None:
    """Build a new index version from the current mapping, reindex, verify, swap the alias.

    Searches keep working during the roll: the alias moves in one atomic call.

    \b
    Example:  centinela index admin roll && centinela index admin status
    """
    from indexer.elastic.admin import roll
    from indexer.elastic.client import client_from_settings

    es = get_settings().elasticsearch
    typer.echo(roll(client_from_settings(es), es.index_prefix))


def register(app: typer.Typer) -> None:
    """Add the streaming commands to the main application."""
    app.command()(crawl)
    app.command()(nlp)
    app.add_typer(index_app, name="index")
