"""Versioned indices behind the ``centinela-posts`` alias: create, status, roll.

Writers and readers only ever name the alias. The indices behind it are
``<prefix>centinela-posts-v<mapping version>-<yyyymmddhhmmss>``; a roll creates a new one
from the current mapping, copies the live one into it with ``_reindex``, checks the counts
and moves the alias in one ``_aliases`` call (remove + add), so a reader never sees the alias
point at zero or two indices. The old index is kept until ``prune`` deletes it.

A roll copies what the live index holds when ``_reindex`` runs: pause the indexer during a
roll (or replay the enriched topic afterwards; writes are idempotent) so no post written to
the old index in between is left behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch, TransportError

from indexer.elastic.errors import AliasError
from indexer.mappings import MAPPING_VERSION, load_index_body
from pipeline.records import utc_now

ALIAS = "centinela-posts"
REINDEX_TIMEOUT_S = 600.0
_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_.-]*$|^$")


@dataclass(frozen=True)
class IndexStatus:
    """One index behind (or once behind) the alias."""

    name: str
    mapping_version: int
    docs: int
    live: bool


@dataclass(frozen=True)
class AliasStatus:
    """The alias and its indices, oldest first; ``live`` is None when the alias is missing."""

    alias: str
    live: str | None
    indices: tuple[IndexStatus, ...]


def alias_name(prefix: str = "") -> str:
    """Return the alias every reader and writer uses: ``<prefix>centinela-posts``."""
    if not _PREFIX.match(prefix):
        raise ValueError(f"index prefix {prefix!r} must be lowercase letters, digits, _ . -")
    return f"{prefix}{ALIAS}"


def index_name(prefix: str, created: datetime, version: int = MAPPING_VERSION) -> str:
    """Return the concrete index name for mapping ``version`` created at ``created`` (UTC)."""
    return f"{alias_name(prefix)}-v{version}-{created:%Y%m%d%H%M%S}"


def _index_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(alias_name(prefix))}-v(\d+)-(\d{{14}})$")


def live_index(client: Elasticsearch, prefix: str = "") -> str | None:
    """Return the index the alias points at, None without alias; AliasError if several."""
    alias = alias_name(prefix)
    if not client.indices.exists_alias(name=alias):
        return None
    names: list[str] = sorted(client.indices.get_alias(name=alias))
    if len(names) != 1:
        raise AliasError(f"alias {alias} points at {len(names)} indices: {names}")
    return names[0]


def _new_index(client: Elasticsearch, prefix: str, now: Callable[[], datetime]) -> str:
    """Create an index from the current mapping, one second later if the name is taken."""
    created = now()
    for _ in range(120):
        name = index_name(prefix, created)
        if not client.indices.exists(index=name):
            body = load_index_body()
            client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"])
            return name
        created += timedelta(seconds=1)
    raise AliasError(f"no free index name for {alias_name(prefix)} near {now():%Y%m%d%H%M%S}")


def create(
    client: Elasticsearch, prefix: str = "", *, now: Callable[[], datetime] = utc_now
) -> str:
    """Return the live index, first creating one and pointing the alias at it if none exists."""
    live = live_index(client, prefix)
    if live is not None:
        return live
    name = _new_index(client, prefix, now)
    client.indices.put_alias(index=name, name=alias_name(prefix))
    return name


def _count(client: Elasticsearch, index: str) -> int:
    """Return the number of posts (top-level documents, not nested ones) in ``index``."""
    return int(client.count(index=index)["count"])


def status(client: Elasticsearch, prefix: str = "") -> AliasStatus:
    """Return the alias, the index it points at and every versioned index with its count.

    Counts are of posts a search can see: writes newer than the last refresh (at most a
    second by default) are not counted yet.
    """
    alias = alias_name(prefix)
    pattern = _index_pattern(prefix)
    found: dict[str, Any] = client.indices.get_alias(index=f"{alias}-v*")
    matches = sorted(
        (match.group(2), name, int(match.group(1)))
        for name in found
        if (match := pattern.match(name)) is not None
    )
    indices = [
        IndexStatus(
            name=name,
            mapping_version=version,
            docs=_count(client, name),
            live=alias in found[name].get("aliases", {}),
        )
        for _created, name, version in matches
    ]
    live = next((index.name for index in indices if index.live), None)
    return AliasStatus(alias=alias, live=live, indices=tuple(indices))


def roll(client: Elasticsearch, prefix: str = "", *, now: Callable[[], datetime] = utc_now) -> str:
    """Move the alias onto a fresh index of the current mapping holding every live post.

    Returns the new index name. If the copy fails or the counts differ, the new index is
    deleted, the alias is left where it was and AliasError is raised.
    """
    alias = alias_name(prefix)
    old = live_index(client, prefix)
    if old is None:
        raise AliasError(f"alias {alias} does not exist; run create first")
    new = _new_index(client, prefix, now)
    try:
        client.indices.refresh(index=old)  # _reindex copies only what a search can see
        try:
            result = client.reindex(
                body={"source": {"index": old}, "dest": {"index": new}},
                refresh=True,
                wait_for_completion=True,
                request_timeout=REINDEX_TIMEOUT_S,
            )
        except TransportError as error:
            raise AliasError(f"reindex {old} → {new} failed: {str(error)[:1000]}") from error
        if result.get("failures"):
            raise AliasError(f"reindex {old} → {new} failed: {result['failures'][:3]}")
        before, after = _count(client, old), _count(client, new)
        if before != after:
            raise AliasError(f"reindex {old} → {new} copied {after} of {before} posts")
    except Exception:
        client.indices.delete(index=new, ignore_unavailable=True)
        raise
    client.indices.update_aliases(
        body={
            "actions": [
                {"remove": {"index": old, "alias": alias}},
                {"add": {"index": new, "alias": alias}},
            ]
        }
    )
    return new


def prune(client: Elasticsearch, prefix: str = "", *, keep: int = 1) -> list[str]:
    """Delete the indices the alias no longer points at, but the ``keep`` newest; return them.

    ``keep=1`` leaves the previous index so a roll can be undone by moving the alias back.
    """
    if keep < 0:
        raise ValueError(f"keep must be 0 or more, not {keep}")
    retired = [index.name for index in status(client, prefix).indices if not index.live]
    doomed = retired[: max(len(retired) - keep, 0)]
    for name in doomed:
        client.indices.delete(index=name)
    return doomed
