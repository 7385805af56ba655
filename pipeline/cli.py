"""The ``centinela`` command: one entry point for every mode and stage.

Heavy imports (Scrapy, spaCy, Elasticsearch) happen inside the commands that need them, so
``centinela --help`` is instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipeline.records import SCHEMAS
from pipeline.settings import PROJECT_ROOT, get_settings

app = typer.Typer(
    name="centinela",
    help=(
        "Watch public social media for migrant-smuggling advertisements.\n\n"
        "Crawls public posts, extracts prices, places and route roles, contacts and aliases,\n"
        "stores them for search and emails analysts when a post matches an alert rule.\n\n"
        "\b\n"
        "Start with:  centinela run   (embedded mode, no servers needed)\n"
        "then:        centinela search reynosa --max-price-usd 6000\n"
        "Streaming:   centinela services up; centinela run --stream"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


@app.command()
def run(
    sites: Annotated[
        Path, typer.Option(help="Folder of fixture sites to serve on loopback and crawl.")
    ] = PROJECT_ROOT / "fixtures" / "sites",
    watchlist: Annotated[
        Path, typer.Option(help="Watchlist TOML: the sources to crawl.")
    ] = PROJECT_ROOT / "fixtures" / "watchlist.toml",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    stream: Annotated[
        bool,
        typer.Option(
            "--stream",
            help="Streaming mode: local Kafka + Elasticsearch, workers as processes.",
        ),
    ] = False,
    nlp_workers: Annotated[int, typer.Option(help="NLP worker processes (--stream).")] = 2,
) -> None:
    """Run the whole pipeline embedded: crawl, extract, store, alert, then print a summary.

    No servers are needed: the bundled fixture sites are served on loopback, crawled with
    Scrapy over HTTP, enriched by the NLP pipeline, stored in SQLite (var/centinela.sqlite3)
    and checked against the alert rules (emails land in var/outbox/ unless SMTP is set).

    \b
    With --stream the same crawl goes through the real services instead: Kafka (KRaft) and
    Elasticsearch are installed and started locally (`centinela services up`), two
    `centinela nlp` workers and one `centinela index` worker run as processes, and the
    posts end up in the Elasticsearch alias centinela-posts.

    \b
    Example:  centinela run && centinela search "reynosa"
              centinela run --stream --nlp-workers 2
    """
    from pipeline.cli_run import run_stream_with_progress, run_with_progress
    from pipeline.logs import configure_logging

    configure_logging()
    settings = get_settings()
    if stream:
        code = run_stream_with_progress(
            settings, sites=sites, watchlist=watchlist, nlp_workers=nlp_workers
        )
    else:
        code = run_with_progress(settings, sites=sites, watchlist=watchlist, quiet=quiet)
    raise typer.Exit(code)


@app.command()
def search(
    text: Annotated[str | None, typer.Argument(help="Words or a quoted phrase.")] = None,
    platform: Annotated[str | None, typer.Option(help="facebook, tiktok or telegram.")] = None,
    source: Annotated[str | None, typer.Option(help="A source id from the watchlist.")] = None,
    place: Annotated[str | None, typer.Option(help="A place as written or canonical.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166 alpha-2 country code.")] = None,
    role: Annotated[
        str | None, typer.Option(help="origin, transit, crossing, destination (with --place).")
    ] = None,
    min_price_usd: Annotated[float | None, typer.Option(help="Lowest price in USD.")] = None,
    max_price_usd: Annotated[float | None, typer.Option(help="Highest price in USD.")] = None,
    contact: Annotated[str | None, typer.Option(help="A phone, handle or email.")] = None,
    alias: Annotated[str | None, typer.Option(help="An alias such as 'El Güero'.")] = None,
    ads: Annotated[bool, typer.Option("--ads", help="Only posts classified as ads.")] = False,
    limit: Annotated[int, typer.Option(help="How many posts to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines of EnrichedPost.")] = False,
    elasticsearch: Annotated[
        bool, typer.Option("--elasticsearch", help="Search the Elasticsearch alias instead.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the results to this file.")
    ] = None,
) -> None:
    """Search the posts stored by `centinela run`, with full text and facet filters.

    Every search that shows results is an export: it is first logged in
    var/audit/exports.jsonl (time, OS user, query, result count, destination), and nothing is
    shown when that log cannot be written. With privacy.contacts = hash, --contact is hashed
    with the deployment's key and matches the stored tokens (give phones in full).

    \b
    Examples:
      centinela search reynosa
      centinela search --place Houston --role destination --max-price-usd 9000
      centinela search --contact "+52 899 555 0142" --json -o matches.jsonl
      centinela search --elasticsearch --alias "El Güero"
    """
    from pipeline.cli_search import run_search

    query = {
        "text": text, "platform": platform, "source": source, "place": place,
        "country": country, "role": role, "min_price_usd": min_price_usd,
        "max_price_usd": max_price_usd, "contact": contact, "alias": alias,
        "only_ads": ads, "limit": limit,
    }
    code = run_search(
        get_settings(), query, as_json=as_json, elasticsearch=elasticsearch, output=output
    )
    raise typer.Exit(code)


@app.command()
def extract(
    input: Annotated[  # noqa: A002 - the flag is --input
        Path | None, typer.Option("--input", "-i", help="JSON Lines file; stdin when absent.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSON Lines file; stdout when absent.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (one core each).")] = 1,
    batch_size: Annotated[int, typer.Option(help="Texts per nlp.pipe batch.")] = 64,
    max_line_bytes: Annotated[int, typer.Option(help="Longer lines are rejected.")] = 512 * 1024,
    dead_letters: Annotated[
        Path | None, typer.Option(help="Also write rejected lines as DeadLetter JSON Lines.")
    ] = None,
) -> None:
    """Extract the nlp block from each JSON line {"id", "text", "platform"?, "lang"?}.

    Writes one line per good input: id, lang, is_smuggling_ad, score, prices, places,
    contacts, aliases, services, transport_modes, payment_terms. A bad line (not JSON, no
    text, not UTF-8, too long) is reported on stderr with its line number and the batch goes
    on; the exit status is 1 when any line failed, 0 otherwise.

    \b
    Example:  echo '{"id":"1","text":"Cruce por Reynosa 8 mil dlls"}' | centinela extract
    """
    from pipeline.cli_extract import run_extract_command

    code = run_extract_command(
        input, output, workers=workers, batch_size=batch_size,
        max_line_bytes=max_line_bytes, dead_letters=dead_letters,
    )
    raise typer.Exit(code)


@app.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold JSON Lines (ExtractResult shape).")],
    pred: Annotated[Path, typer.Argument(help="Predicted JSON Lines from centinela extract.")],
) -> None:
    """Score extraction output against gold annotations: P/R/F1 per field, role accuracy.

    \b
    Example:
      centinela extract -i fixtures/gold/dev.jsonl -o /tmp/pred.jsonl
      centinela eval fixtures/gold/dev.jsonl /tmp/pred.jsonl
    """
    from nlp.evaluate import evaluate, format_report

    def read(path: Path) -> list[dict[str, object]]:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    for path in (gold, pred):
        if not path.is_file():
            err.print(f"error: no such file: {path}")
            raise typer.Exit(2)
    typer.echo(format_report(evaluate(read(gold), read(pred))))


@app.command()
def schemas(
    write: Annotated[bool, typer.Option(help="Rewrite fixtures/schemas/*.json.")] = False,
) -> None:
    """Print (or snapshot) the JSON schemas of the shared records.

    \b
    Example:  centinela schemas --write && git diff fixtures/schemas
    """
    folder = PROJECT_ROOT / "fixtures" / "schemas"
    for name, model in SCHEMAS.items():
        text = json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        if write:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.json").write_text(text, encoding="utf-8")
            typer.echo(f"wrote {folder / (name + '.json')}")
        else:
            typer.echo(f"# {name}\n{text}")


def _mount_subcommands() -> None:
    from pipeline.cli_alerts import register as register_alerts
    from pipeline.cli_privacy import register as register_privacy
    from pipeline.cli_reprocess import register as register_reprocess
    from pipeline.cli_stream import register
    from pipeline.kibana import register as register_kibana
    from pipeline.services.cli import app as services_app

    register(app)
    register_alerts(app)
    register_kibana(app)
    register_reprocess(app)
    register_privacy(app)
    app.add_typer(services_app, name="services")


_mount_subcommands()


def main() -> None:
    """Console-script entry point."""
    from pydantic import ValidationError

    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
    except ValidationError as error:
        if error.title != "Settings":
            raise
        # values are left out: they may be secrets (passwords, privacy.hash_key)
        problems = "\n".join(
            f"  {'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors(include_input=False, include_url=False)
        )
        err.print(f"configuration error (centinela.toml / CENTINELA_* env):\n{problems}",
                  markup=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
