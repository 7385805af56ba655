"""Responsible-use commands: ``centinela purge`` (retention) and ``centinela privacy …``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from pipeline.settings import Settings, get_settings

privacy_app = typer.Typer(
    help=(
        "How this deployment keeps contacts (privacy.contacts: clear, hash or redact).\n\n"
        "\b\n"
        "Example:  centinela privacy status\n"
        "          centinela privacy token \"+52 899 555 0142\""
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)


def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be deleted; delete nothing.")
    ] = False,
    days: Annotated[
        int | None,
        typer.Option(min=1, help="Retention days for this run (default: privacy.retention_days)."),
    ] = None,
    elasticsearch: Annotated[
        bool, typer.Option("--elasticsearch", help="Also purge the Elasticsearch alias.")
    ] = False,
    expunge_deletes: Annotated[
        bool,
        typer.Option("--expunge-deletes",
                     help="With --elasticsearch: force-merge so deleted posts leave the disk."),
    ] = False,
) -> None:
    """Delete posts older than the retention period (privacy.retention_days).

    A post is deleted when it was both published and last collected before the cutoff
    (now - retention days). The embedded store (var/centinela.sqlite3) is always purged
    (deleted rows are overwritten); with --elasticsearch the alias centinela-posts too
    (delete_by_query, then refresh). The archive, dead letters, outbox, alert state and the
    audit log are not touched: the command lists them, with how much is older than the cutoff.

    \b
    Examples:
      centinela purge --dry-run                  (what a purge would delete)
      CENTINELA_PRIVACY__RETENTION_DAYS=365 centinela purge --elasticsearch
      centinela purge --days 90
    """
    from pipeline.logs import configure_logging

    configure_logging()
    raise typer.Exit(run_purge(get_settings(), dry_run=dry_run, days=days,
                               elasticsearch=elasticsearch, expunge=expunge_deletes))


def run_purge(
    settings: Settings, *, dry_run: bool, days: int | None, elasticsearch: bool,
    expunge: bool = False, now: datetime | None = None,
) -> int:
    """Purge the stores past retention and report; return the exit status."""
    from indexer.retention import cutoff_for, leftovers

    days = days or settings.privacy.retention_days
    if days is None:
        typer.echo("retention is off (privacy.retention_days is not set): posts are kept "
                   "forever; nothing purged. Set it, or pass --days N for one purge.")
        return 0
    cutoff = cutoff_for(days, now)
    verb = "would delete" if dry_run else "deleted"
    typer.echo(f"retention {days} day(s): cutoff {cutoff:%Y-%m-%d %H:%M:%S} UTC "
               f"(posts published and last collected before it){' [dry run]' if dry_run else ''}")
    typer.echo(_purge_embedded(settings, cutoff, dry_run, verb))
    status = 0
    if elasticsearch:
        line, status = _purge_elasticsearch(settings, cutoff, dry_run, verb, expunge)
        typer.echo(line)
    left = list(leftovers(settings.paths, cutoff))
    if left:
        typer.echo("not touched (apply your own retention to these):")
        width = max(len(str(item.path)) for item in left)
        for item in left:
            typer.echo(f"  {str(item.path):<{width}}  {item.what}")
    if elasticsearch:
        typer.echo("  Kafka topics keep posts for the topics' own retention.ms")
    return status


def _purge_embedded(settings: Settings, cutoff: datetime, dry_run: bool, verb: str) -> str:
    from indexer.embedded import EmbeddedStore
    from indexer.privacy import ContactPrivacy

    path = settings.paths.store
    if not path.exists():
        return f"embedded store {path}: none, skipped"
    with EmbeddedStore(path, ContactPrivacy.from_settings(settings.privacy)) as store:
        before = store.count()
        gone = store.purge(cutoff, dry_run=dry_run)
    return f"embedded store {path}: {verb} {gone} of {before} post(s), {before - gone} kept"


def _purge_elasticsearch(
    settings: Settings, cutoff: datetime, dry_run: bool, verb: str, expunge: bool
) -> tuple[str, int]:
    from indexer.elastic import alias_name, client_from_settings
    from indexer.retention import purge_elasticsearch

    es = settings.elasticsearch
    alias = alias_name(es.index_prefix)
    client = client_from_settings(es)
    try:
        done = purge_elasticsearch(client, alias, cutoff, dry_run=dry_run, expunge=expunge)
    except Exception as error:  # noqa: BLE001 - any client error is reported, exit 1
        return f"elasticsearch {alias} at {es.url}: purge failed: {error}", 1
    finally:
        client.close()
    count = done.matched if dry_run else done.deleted
    line = f"elasticsearch {alias} at {es.url}: {verb} {count} of {done.matched} matching post(s)"
    if done.failures or done.version_conflicts:
        line += f", {done.failures} failure(s), {done.version_conflicts} version conflict(s)"
        return line + " (run it again)", 1
    return line, 0


@privacy_app.command("status")
def status() -> None:
    """Show how contacts are stored, the key id, the retention and the audit log path.

    \b
    Example:  CENTINELA_PRIVACY__CONTACTS=redact centinela privacy status
    """
    from indexer.privacy import ContactPrivacy

    settings = get_settings()
    privacy = ContactPrivacy.from_settings(settings.privacy)
    days = settings.privacy.retention_days
    typer.echo(f"contacts:  {privacy.mode} ({privacy.fingerprint})")
    typer.echo(f"retention: {f'{days} day(s)' if days else 'off (kept forever)'}")
    typer.echo(f"audit log: {settings.paths.audit_log}")


@privacy_app.command("token")
def token(
    contact: Annotated[str, typer.Argument(help="A phone, handle or email as written.")],
) -> None:
    """Print the token a contact is stored as (hash mode), e.g. to search it in Kibana.

    \b
    Example:  centinela privacy token "+52 899 555 0142"
              (then in Kibana: facets.contact_keys : "h:…")
    """
    from indexer.errors import PrivacyError
    from indexer.normalise import contact_key
    from indexer.privacy import ContactPrivacy

    privacy = ContactPrivacy.from_settings(get_settings().privacy)
    if privacy.mode == "clear":
        typer.echo("note: contacts are stored clear here; this is their search key", err=True)
        typer.echo(contact_key(contact))
        return
    try:
        typer.echo(privacy.query_contact(contact))
    except PrivacyError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


def register(app: typer.Typer) -> None:
    """Add ``purge`` and the ``privacy`` group to the main application."""
    app.command()(purge)
    app.add_typer(privacy_app, name="privacy")
