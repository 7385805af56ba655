"""Elasticsearch side of a re-processing run: the new index, its checks, the alias swap.

The new index is created from the current mapping and is NOT behind the alias while it is
built (refresh off, for bulk speed). When selection filters leave posts out, the new index
is first seeded with a copy of the live one (``_reindex``, ``op_type=create``) so the swap
loses nothing; the re-processed posts then overwrite their copies. The alias moves in one
``_aliases`` call (remove old + add new): a search on the alias sees the old index or the
new one, never none, never both. The old index is kept (``centinela index admin`` prunes).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from indexer.elastic.admin import _new_index, alias_name, live_index
from indexer.elastic.document import from_document
from indexer.elastic.errors import AliasError
from pipeline.records import EnrichedPost, utc_now

REINDEX_TIMEOUT_S = 3600.0
IGNORED_FIELDS = frozenset({"enriched_at"})


def create_target(
    client: Elasticsearch, prefix: str, *, now: Callable[[], datetime] = utc_now
) -> str:
    """Create a new, alias-less index from the current mapping with refresh turned off."""
    name = _new_index(client, prefix, now)
    client.indices.put_settings(index=name, body={"index": {"refresh_interval": "-1"}})
    return name


def seed_from(client: Elasticsearch, source: str, target: str) -> int:
    """Copy every post of ``source`` into ``target`` without overwriting; return the count."""
    client.indices.refresh(index=source)
    result = client.reindex(
        body={"conflicts": "proceed", "source": {"index": source},
              "dest": {"index": target, "op_type": "create"}},
        refresh=True, wait_for_completion=True, request_timeout=REINDEX_TIMEOUT_S,
    )
    if result.get("failures"):
        raise AliasError(f"seeding {target} from {source} failed: {result['failures'][:3]}")
    return count(client, source)


def version_lookup(client: Elasticsearch, index: str) -> Callable[[list[str]], dict[str, str]]:
    """Return a function giving the nlp_version each doc_id has in ``index`` (if any)."""

    def lookup(doc_ids: list[str]) -> dict[str, str]:
        found = client.mget(index=index, body={"ids": doc_ids}, _source_includes=["nlp_version"])
        return {
            doc["_id"]: str(doc["_source"].get("nlp_version"))
            for doc in found["docs"] if doc.get("found")
        }

    return lookup


def count(client: Elasticsearch, index: str, query: dict[str, Any] | None = None) -> int:
    """Return the number of posts in ``index`` (matching ``query`` when given)."""
    body = {"query": query} if query is not None else None
    return int(client.count(index=index, body=body)["count"])


@dataclass
class Verification:
    """What the checks found; ``ok`` only when every check passed."""

    expected: int
    reprocessed: int
    total: int
    live_total: int | None
    seeded: int
    sampled: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the counts agree and the sample matched field by field."""
        return not self.problems


def check_counts(
    client: Elasticsearch, target: str, live: str | None, *,
    expected: int, seeded: int, started_at: str,
) -> Verification:
    """Refresh ``target`` and compare its counts with what the run selected and seeded."""
    client.indices.put_settings(index=target, body={"index": {"refresh_interval": None}})
    client.indices.refresh(index=target)
    reprocessed = count(client, target, {"range": {"enriched_at": {"gte": started_at}}})
    total = count(client, target)
    live_total = count(client, live) if live is not None else None
    result = Verification(expected, reprocessed, total, live_total, seeded)
    if reprocessed != expected:
        result.problems.append(f"{reprocessed} re-processed posts indexed, expected {expected}")
    if live_total is not None and live_total != seeded:
        result.problems.append(
            f"live index {live} has {live_total} posts, {seeded} when it was copied: "
            "something wrote to it during the run (pause the indexer, then --resume)"
        )
    if not max(seeded, expected) <= total <= seeded + expected:
        result.problems.append(f"{target} has {total} posts; expected between "
                               f"{max(seeded, expected)} and {seeded + expected}")
    return result


def compare_sample(
    client: Elasticsearch, target: str, fresh: list[EnrichedPost], result: Verification
) -> None:
    """Compare indexed posts with a fresh extraction of the same posts, field by field."""
    if not fresh:
        return
    found = client.mget(index=target, body={"ids": [post.doc_id for post in fresh]})
    for post, doc in zip(fresh, found["docs"], strict=True):
        result.sampled += 1
        if not doc.get("found"):
            result.problems.append(f"sample {post.doc_id}: missing from {target}")
            continue
        indexed = from_document(doc["_source"]).model_dump(mode="json")
        expected = post.model_dump(mode="json")
        differing = sorted(k for k in expected if k not in IGNORED_FIELDS
                           and indexed.get(k) != expected[k])
        if differing:
            result.problems.append(f"sample {post.doc_id}: fields differ: {differing}")


def sample_ids(doc_ids: list[str], size: int, seed: int | None = None) -> list[str]:
    """Pick up to ``size`` doc_ids at random."""
    return random.Random(seed).sample(doc_ids, min(size, len(doc_ids)))  # noqa: S311


def swap_alias(client: Elasticsearch, prefix: str, target: str) -> str | None:
    """Point the alias at ``target`` in one atomic call; return the index it left."""
    alias = alias_name(prefix)
    old = live_index(client, prefix)
    actions: list[dict[str, Any]] = []
    if old is not None:
        actions.append({"remove": {"index": old, "alias": alias}})
    actions.append({"add": {"index": target, "alias": alias}})
    client.indices.update_aliases(body={"actions": actions})
    return old
