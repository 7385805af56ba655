"""Alert commands: ``centinela alert`` (the streaming worker) and ``centinela alerts …``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from indexer.alerts.rules import Rule
from pipeline.settings import get_settings

alerts_app = typer.Typer(
    help=(
        "Check, list and try out alert rules (YAML files, see fixtures/rules/README.md).\n\n"
        "\b\n"
        "Example:  centinela alerts validate fixtures/rules"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)

RulesDir = Annotated[
    Path | None,
    typer.Argument(help="Folder of rule files (default: settings paths.rules_dir)."),
]


def alert(
    idle_exit: Annotated[
        float | None,
        typer.Option(help="Exit after this many idle seconds (default: run until a signal)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    """Consume centinela.enriched.v1, percolate against the alert rules and send the emails.

    The rule files are synced into the rules index at start; broken rules are reported and
    skipped. At most one email per (rule, post), across restarts (state in var/).

    \b
    Example:  centinela alert --idle-exit 60
              (mail server: CENTINELA_SMTP__HOST=127.0.0.1 CENTINELA_SMTP__PORT=1025)
    """
    from pipeline.alert_worker import run_alert_worker
    from pipeline.logs import configure_logging
    from pipeline.workers import WorkerOptions

    configure_logging(verbose)
    stats = run_alert_worker(get_settings(), WorkerOptions(idle_exit_s=idle_exit))
    typer.echo(f"alert: {stats.consumed} consumed, {stats.batches} batches, "
               f"{stats.dead_letters} dead letters")


@alerts_app.command("validate")
def validate(folder: RulesDir = None) -> None:
    """Check every rule file; print each problem as file:line: field: message.

    Exits 1 when a rule is broken (the other rules still load and run in the workers).

    \b
    Example:  centinela alerts validate fixtures/rules
    """
    from indexer.alerts import load_rules
    from indexer.alerts.percolate import compile_rule

    folder = folder or get_settings().paths.rules_dir
    loaded = load_rules(folder)
    for error in loaded.errors:
        typer.echo(f"error: {error}", err=True)
    for rule in loaded.rules:
        compile_rule(rule)
    for name in loaded.not_evaluable_embedded:
        typer.echo(f"note: {name!r} has a raw_query: streaming mode only")
    typer.echo(f"{len(loaded.rules)} rule(s) valid, {len(loaded.errors)} problem(s) in {folder}")
    raise typer.Exit(1 if loaded.errors else 0)


@alerts_app.command("list")
def list_rules(folder: RulesDir = None) -> None:
    """List the rules: name, pacing, recipients and conditions.

    \b
    Example:  centinela alerts list fixtures/rules
    """
    from indexer.alerts import load_rules
    from indexer.alerts.dry_run import describe_rule, pacing

    loaded = load_rules(folder or get_settings().paths.rules_dir)
    for rule in loaded.rules:
        state = "" if rule.enabled else " [disabled]"
        typer.echo(f"{rule.name}{state}\n  to: {', '.join(rule.recipients)} · {pacing(rule)}"
                   f"\n  when: {describe_rule(rule)}")
    for error in loaded.errors:
        typer.echo(f"error: {error}", err=True)
    raise typer.Exit(1 if loaded.errors else 0)


@alerts_app.command("test")
def test_rule(
    rule: Annotated[str, typer.Argument(help="A rule name from the rules folder, or a YAML file.")],
    data: Annotated[Path, typer.Option(help="EnrichedPost JSON Lines to try the rule on.")],
    rules_dir: Annotated[Path | None, typer.Option(help="Folder of rule files.")] = None,
    elasticsearch: Annotated[
        bool, typer.Option(help="Percolate with the real Elasticsearch (needed for raw_query).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per firing post.")] = False,
) -> None:
    """Show which posts of a file would fire the rule, and why (no email is sent).

    \b
    Example:  centinela alerts test "Routes to Houston" --data posts.jsonl
    """
    from indexer.alerts.dry_run import dry_run, percolate_dry_run, read_posts

    found = _find_rule(rule, rules_dir)
    if found.condition.raw_query is not None and not elasticsearch:
        typer.echo(f"rule {found.name!r} has a raw_query: add --elasticsearch", err=True)
        raise typer.Exit(2)
    posts, errors = read_posts(data)
    for error in errors:
        typer.echo(f"skipped bad line: {error}", err=True)
    if elasticsearch:
        from indexer.elastic.client import client_from_settings

        matches = percolate_dry_run(client_from_settings(get_settings().elasticsearch), found,
                                    posts)
    else:
        matches = dry_run(found, posts)
    by_id = {post.doc_id: post for post in posts}
    for match in matches:
        if as_json:
            typer.echo(json.dumps({"rule": match.rule, "doc_id": match.doc_id,
                                   "url": by_id[match.doc_id].url, "reasons": match.reasons},
                                  ensure_ascii=False))
        else:
            typer.echo(f"FIRES {match.doc_id} {by_id[match.doc_id].url}")
            typer.echo("".join(f"  - {reason}\n" for reason in match.reasons), nl=False)
    typer.echo(f"{found.name}: {len(matches)} of {len(posts)} post(s) would fire"
               f"{f', {len(errors)} bad line(s)' if errors else ''}", err=as_json)
    raise typer.Exit(1 if errors else 0)


def _find_rule(name: str, rules_dir: Path | None) -> Rule:
    """Return the rule named ``name`` (or the only rule of the file ``name``), else exit 2."""
    from indexer.alerts import load_rule_file, load_rules

    path = Path(name)
    if path.suffix in {".yaml", ".yml"} and path.is_file():
        loaded, errors = load_rule_file(path)
        rules = [rule for rule, _ in loaded]
    else:
        ruleset = load_rules(rules_dir or get_settings().paths.rules_dir)
        rules = [rule for rule in ruleset.rules if rule.name.casefold() == name.casefold()]
        errors = ruleset.errors
        if not rules:
            known = ", ".join(repr(rule.name) for rule in ruleset.rules)
            typer.echo(f"no rule named {name!r}; known: {known}", err=True)
    for error in errors:
        typer.echo(f"error: {error}", err=True)
    if len(rules) != 1:
        if len(rules) > 1:
            typer.echo(f"{name} holds {len(rules)} rules: pass one rule name", err=True)
        raise typer.Exit(2)
    return rules[0]


def register(app: typer.Typer) -> None:
    """Add ``alert`` and the ``alerts`` group to the main application."""
    app.command()(alert)
    app.add_typer(alerts_app, name="alerts")
