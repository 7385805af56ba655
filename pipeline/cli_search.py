"""``centinela search``: query the embedded store, print a table or JSON Lines."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.settings import Settings

console = Console()
err = Console(stderr=True)


def run_search(settings: Settings, filters: dict[str, Any], *, as_json: bool) -> int:
    """Search the embedded store with ``filters``; return the exit status."""
    from indexer.embedded import EmbeddedStore
    from indexer.query import SearchQuery

    try:
        query = SearchQuery(**{k: v for k, v in filters.items() if v is not None})
    except ValidationError as error:
        err.print(f"error: {error.errors()[0]['loc']}: {error.errors()[0]['msg']}")
        return 2
    path = settings.paths.store
    if not path.exists():
        err.print(f"no store at {path}: run `centinela run` first")
        return 2
    with EmbeddedStore(path) as store:
        hits = store.search(query)
    if as_json:
        for hit in hits:
            print(hit.post.model_dump_json())
        return 0
    table = Table(title=f"{len(hits)} post(s)", show_lines=True)
    for column in ("platform/source", "published", "ad", "prices", "places", "contacts", "text"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        post, nlp = hit.post, hit.post.nlp
        # Every cell comes from scraped, attacker-controlled text: no rich markup.
        cells = (
            f"{post.platform}/{post.source}",
            post.published_at.strftime("%Y-%m-%d"),
            f"{nlp.score:.2f}" + (" ad" if nlp.is_smuggling_ad else ""),
            ", ".join(f"{p.amount:,.0f} {p.currency}" for p in nlp.prices),
            ", ".join(f"{p.name} ({p.role})" for p in nlp.places),
            ", ".join(c.value for c in nlp.contacts),
            hit.snippet or post.text[:160],
        )
        table.add_row(*(escape(cell) for cell in cells))
    console.print(table)
    return 0
