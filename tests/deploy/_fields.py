"""Field catalogue of an index mapping, and the fields Kibana saved objects reference.

Both sides are read independently of ``deploy/kibana/build.py``: the mapping from its JSON, the
references from the generated NDJSON (KQL queries, columns, sort, visState aggregations and the
Vega map's Elasticsearch body).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AGGREGATABLE_TYPES = {
    "keyword", "long", "integer", "short", "byte", "double", "float", "half_float",
    "scaled_float", "date", "boolean", "geo_point", "ip",
}
_KQL_FIELD = re.compile(r"(?P<field>[A-Za-z_][\w.]*)\s*(?::|>=|<=|>|<)")


@dataclass(frozen=True)
class MappedField:
    """One leaf of a mapping (a multi-field is its own leaf, e.g. ``author.handle.folded``)."""

    type: str
    nested_path: str | None
    indexed: bool
    doc_values: bool

    @property
    def aggregatable(self) -> bool:
        return self.type in AGGREGATABLE_TYPES and self.doc_values


def catalogue(properties: dict[str, Any], prefix: str = "",
              nested: str | None = None) -> dict[str, MappedField]:
    """Every leaf field of ``properties`` by dotted path, multi-fields and nested paths included."""
    fields: dict[str, MappedField] = {}
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        kind = spec.get("type", "object")
        if "properties" in spec:
            inner = path if kind == "nested" else nested
            fields.update(catalogue(spec["properties"], f"{path}.", inner))
            continue
        fields[path] = MappedField(kind, nested, spec.get("index", True) is not False,
                                   spec.get("doc_values", True) is not False)
        for sub, sub_spec in spec.get("fields", {}).items():
            fields[f"{path}.{sub}"] = MappedField(
                sub_spec["type"], nested, sub_spec.get("index", True) is not False,
                sub_spec.get("doc_values", True) is not False)
    return fields


def nested_paths(properties: dict[str, Any], prefix: str = "") -> set[str]:
    """The dotted paths of every ``nested`` object in ``properties``."""
    paths: set[str] = set()
    for name, spec in properties.items():
        if "properties" in spec:
            if spec.get("type") == "nested":
                paths.add(f"{prefix}{name}")
            paths |= nested_paths(spec["properties"], f"{prefix}{name}.")
    return paths


def kql_fields(query: str) -> set[str]:
    """Field names a (simple) KQL query filters on: the names before ``:``, ``>=``, ``<`` ..."""
    without_strings = re.sub(r'"[^"]*"', '""', query)
    return {match["field"] for match in _KQL_FIELD.finditer(without_strings)}


@dataclass
class References:
    """Fields a set of saved objects uses, by how Elasticsearch must serve them."""

    searched: set[str]
    aggregated: set[str]
    sorted: set[str]
    shown: set[str]
    nested_aggregated: dict[str, str]  # field -> the nested path its aggregation runs under
    time_fields: set[str]


def _walk_es_body(node: Any, path: str | None, refs: References) -> None:
    if isinstance(node, dict):
        inner = node.get("nested", {}).get("path", path) if "nested" in node else path
        for key, value in node.items():
            if key == "field" and isinstance(value, str):
                if inner is None:
                    refs.aggregated.add(value)
                else:
                    refs.nested_aggregated[value] = inner
            else:
                _walk_es_body(value, inner, refs)
    elif isinstance(node, list):
        for item in node:
            _walk_es_body(item, path, refs)


def references(objects: list[dict[str, Any]]) -> References:
    """Collect every field the saved objects reference."""
    refs = References(set(), set(), set(), set(), {}, set())
    for obj in objects:
        attributes = obj["attributes"]
        if obj["type"] == "index-pattern":
            refs.time_fields.add(attributes["timeFieldName"])
        meta = attributes.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
        if meta:
            refs.searched |= kql_fields(json.loads(meta)["query"]["query"])
        refs.shown |= set(attributes.get("columns", []))
        refs.sorted |= {field for field, _direction in attributes.get("sort", [])}
        if "visState" in attributes:
            state = json.loads(attributes["visState"])
            for agg in state["aggs"]:
                if "field" in agg["params"]:
                    refs.aggregated.add(agg["params"]["field"])
            if state["type"] == "vega":
                spec = json.loads(state["params"]["spec"])
                for data in spec["data"]:
                    if "url" in data:
                        refs.searched.add(data["url"]["%timefield%"])
                        _walk_es_body(data["url"]["body"], None, refs)
    return refs


def load_ndjson(path: Path) -> list[dict[str, Any]]:
    """Parse an NDJSON file (one JSON object per non-empty line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
