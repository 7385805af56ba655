"""``centinela search``: query the embedded store (or Elasticsearch), print a table or JSON Lines.

Every search that outputs results is an export: it is logged in the audit log first
(``pipeline/audit.py``), and it fails without output when the log cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.audit import AuditError, Export, destination_of, log_export
from pipeline.settings import Settings

if TYPE_CHECKING:
    from indexer.privacy import ContactPrivacy
    from indexer.query import SearchQuery
    from pipeline.records import EnrichedPost

err = Console(stderr=True)

Hit = tuple["EnrichedPost", "str | None"]


def run_search(
    settings: Settings,
    filters: dict[str, Any],
    *,
    as_json: bool,
    elasticsearch: bool = False,
    output: Path | None = None,
) -> int:
    """Search with ``filters``, log the export, then print or write the hits; return the status."""
    from indexer.errors import CentinelaIndexerError
    from indexer.normalise import phone_suffix
    from indexer.privacy import ContactPrivacy
    from indexer.query import SearchQuery

    try:
        query = SearchQuery(**{k: v for k, v in filters.items() if v is not None})
    except ValidationError as error:
        err.print(f"error: {error.errors()[0]['loc']}: {error.errors()[0]['msg']}")
        return 2
    privacy = ContactPrivacy.from_settings(settings.privacy)
    try:
        stored_query = privacy.protect_query(query)
        if privacy.mode == "hash" and query.contact and phone_suffix(query.contact):
            err.print("note: contacts are hashed in this deployment: a phone matches only in "
                      "full, with its country code (+52 899 555 0142)")
        found = _hits(settings, query, privacy, elasticsearch)
    except CentinelaIndexerError as error:
        err.print(f"error: {escape(str(error))}")
        return 2
    if found is None:
        return 2
    if output is not None and not output.parent.is_dir():
        err.print(f"error: cannot write {output}: no directory {output.parent}")
        return 2
    store, hits = found
    where = destination_of(sys.stdout) if output is None else str(output.resolve())
    try:
        log_export(settings.paths.audit_log, Export(
            command="search", store=store,
            query={**stored_query.model_dump(mode="json", exclude_defaults=True),
                   "limit": query.limit},
            results=len(hits), format="json" if as_json else "table", destination=where,
        ))
    except AuditError as error:
        err.print(f"error: {escape(str(error))}")
        return 1
    # logged first: an output that then fails over-reports in the log, never under-reports
    try:
        if output is None:
            _write(sys.stdout, hits, as_json=as_json)
        else:
            with output.open("w", encoding="utf-8") as handle:
                _write(handle, hits, as_json=as_json)
    except BrokenPipeError:
        raise
    except OSError as error:
        err.print(f"error: cannot write {output or 'stdout'}: {error.strerror or error}")
        return 2
    return 0


def _hits(
    settings: Settings, query: SearchQuery, privacy: ContactPrivacy, elasticsearch: bool
) -> tuple[str, list[Hit]] | None:
    """Return where the posts came from and the hits, or None (reported) when there is no store."""
    if elasticsearch:
        from indexer.elastic import alias_name, client_from_settings, search

        es = settings.elasticsearch
        alias = alias_name(es.index_prefix)
        client = client_from_settings(es)
        try:
            posts = search(client, alias, query, privacy)
        except Exception as error:  # noqa: BLE001 - any client error ends the command, reported
            err.print(f"error: Elasticsearch search on {alias} at {es.url} failed: "
                      f"{escape(str(error))}")
            return None
        finally:
            client.close()
        return f"elasticsearch:{es.url}/{alias}", [(post, None) for post in posts]
    from indexer.embedded import EmbeddedStore

    path = settings.paths.store
    if not path.exists():
        err.print(f"no store at {path}: run `centinela run` first")
        return None
    with EmbeddedStore(path, privacy) as store:
        hits = store.search(query)
    return f"embedded:{path}", [(hit.post, hit.snippet) for hit in hits]


def _write(stream: TextIO, hits: list[Hit], *, as_json: bool) -> None:
    if as_json:
        for post, _snippet in hits:
            stream.write(post.model_dump_json() + "\n")
        stream.flush()
        return
    table = Table(title=f"{len(hits)} post(s)", show_lines=True)
    for column in ("platform/source", "published", "ad", "prices", "places", "contacts", "text"):
        table.add_column(column, overflow="fold")
    for post, snippet in hits:
        nlp = post.nlp
        # Every cell comes from scraped, attacker-controlled text: no rich markup.
        cells = (
            f"{post.platform}/{post.source}",
            post.published_at.strftime("%Y-%m-%d"),
            f"{nlp.score:.2f}" + (" ad" if nlp.is_smuggling_ad else ""),
            ", ".join(f"{p.amount:,.0f} {p.currency}" for p in nlp.prices),
            ", ".join(f"{p.name} ({p.role})" for p in nlp.places),
            ", ".join(c.value for c in nlp.contacts),
            snippet or post.text[:160],
        )
        table.add_row(*(escape(cell) for cell in cells))
    Console(file=stream).print(table)
