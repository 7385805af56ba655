"""The rules index: one percolator query per alert rule, and the batch percolation of posts.

Its mapping is the posts mapping (``indexer/mappings``) so that raw queries may reference any
post field, with four deliberate differences, all so that the percolator agrees with the
Python matcher:

- ``dynamic: false`` and no ``_meta``: a percolated document may carry fields the rules index
  does not map (they are ignored, not rejected);
- ``text`` is analysed with ``alert_words``: split on anything but letters and digits
  (the tokens of ``indexer.normalise.words``; the standard tokenizer keeps ``wa.me``,
  ``8,500`` or ``el_guero`` as one token, the Python matcher does not), then lowercased and
  ASCII-folded; combining marks are dropped first, as ``fold`` does after NFKD;
- ``nlp.score`` is a ``double`` (a ``float`` would make 0.7 < 0.7 in a ``min_score`` range);
- ``alert.phone_keys`` (see ``percolate.percolator_document``), ``rule`` and the
  ``query`` field of type ``percolator``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch, helpers

from indexer.alerts.errors import AlertError
from indexer.alerts.percolate import compile_rule, percolator_document
from indexer.alerts.rules import Rule
from indexer.mappings import load_index_body
from pipeline.records import EnrichedPost

RULES_INDEX = "centinela-rules"

_ALERT_WORDS = {
    "char_filter": {
        "drop_marks": {"type": "pattern_replace", "pattern": "\\p{M}+", "replacement": ""}
    },
    "tokenizer": {"alert_words": {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"}},
    "analyzer": {
        "alert_words": {
            "type": "custom",
            "char_filter": ["drop_marks"],
            "tokenizer": "alert_words",
            "filter": ["lowercase", "asciifolding"],
        }
    },
}


def rules_index_name(prefix: str = "") -> str:
    """Return ``<prefix>centinela-rules``."""
    return f"{prefix}{RULES_INDEX}"


def rules_index_body() -> dict[str, Any]:
    """Return the settings and mappings of the rules index (see the module docstring)."""
    body = copy.deepcopy(load_index_body())
    analysis = body["settings"].setdefault("analysis", {})
    for kind, entries in _ALERT_WORDS.items():
        analysis.setdefault(kind, {}).update(entries)
    mappings = body["mappings"]
    mappings["dynamic"] = False
    mappings.pop("_meta", None)
    properties = mappings["properties"]
    properties["text"]["analyzer"] = "alert_words"
    properties["nlp"]["properties"]["score"] = {"type": "double"}
    properties["alert"] = {"properties": {"phone_keys": {"type": "keyword"}}}
    properties["rule"] = {"type": "keyword"}
    properties["query"] = {"type": "percolator"}
    return body


def ensure_rules_index(client: Elasticsearch, prefix: str = "") -> str:
    """Create the rules index if it does not exist; return its name."""
    name = rules_index_name(prefix)
    if not client.indices.exists(index=name):
        body = rules_index_body()
        client.indices.create(
            index=name, settings=body["settings"], mappings=body["mappings"], ignore=400
        )
    return name


@dataclass
class SyncReport:
    """What ``sync_rules`` did: rules indexed, removed, and the ones Elasticsearch refused."""

    indexed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def sync_rules(client: Elasticsearch, rules: Sequence[Rule], *, prefix: str = "") -> SyncReport:
    """Index every enabled rule's query by rule name, delete the others; report refusals.

    A rule Elasticsearch refuses (an unknown query type in a ``raw_query``...) is reported in
    ``errors`` and left out of the index; the other rules are indexed all the same.
    """
    index = ensure_rules_index(client, prefix)
    report = SyncReport()
    wanted = {rule.name: rule for rule in rules if rule.enabled}
    actions = [
        {"_op_type": "index", "_index": index, "_id": name,
         "_source": {"rule": name, "query": compile_rule(rule)}}
        for name, rule in wanted.items()
    ]
    for ok, item in helpers.streaming_bulk(
        client, actions, raise_on_error=False, raise_on_exception=False, max_retries=2
    ):
        result = item["index"]
        if ok:
            report.indexed.append(str(result["_id"]))
        else:
            report.errors[str(result["_id"])] = _reason(result.get("error"))
    stale = set(_indexed_names(client, index)) - set(report.indexed)
    for name in sorted(stale):
        client.delete(index=index, id=name, ignore=404)
        if name not in report.errors:
            report.deleted.append(name)
    client.indices.refresh(index=index)
    return report


def percolate(
    client: Elasticsearch, posts: Sequence[EnrichedPost], *, prefix: str = "",
    max_rules: int = 10_000,
) -> list[tuple[str, int]]:
    """Percolate ``posts`` in one request; return (rule name, index of the post) pairs.

    Raises ``AlertError`` when more than ``max_rules`` rules matched the batch (never a
    silent truncation): raise ``max_rules`` or send smaller batches.
    """
    if not posts:
        return []
    response = client.search(
        index=rules_index_name(prefix),
        query={"percolate": {
            "field": "query", "documents": [percolator_document(p) for p in posts],
        }},
        _source=False,
        size=max_rules,
    )
    hits = response["hits"]
    if int(hits["total"]["value"]) > len(hits["hits"]):
        raise AlertError(
            f"{hits['total']['value']} rules matched a batch of {len(posts)} posts, over "
            f"max_rules={max_rules}: send smaller batches"
        )
    pairs: list[tuple[str, int]] = []
    for hit in hits["hits"]:
        slots = hit.get("fields", {}).get("_percolator_document_slot", [0])
        pairs += [(str(hit["_id"]), int(slot)) for slot in slots]
    return pairs


def _indexed_names(client: Elasticsearch, index: str) -> list[str]:
    client.indices.refresh(index=index)
    return [
        str(hit["_id"])
        for hit in helpers.scan(client, index=index, query={"_source": False}, size=1000)
    ]


def _reason(error: Any) -> str:
    if isinstance(error, dict):
        cause = error.get("caused_by") or {}
        text = f"{error.get('type')}: {error.get('reason')}"
        if isinstance(cause, dict) and cause.get("reason"):
            text += f" ({cause.get('type')}: {cause.get('reason')})"
        return text
    return str(error)
