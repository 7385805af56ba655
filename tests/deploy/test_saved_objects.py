"""Kibana saved objects: generated file up to date, references resolve, fields exist in the mapping.

The mapping is ``indexer/mappings/posts.v1.json`` (what the indexer creates); the live-node
variant of the field check is in ``test_saved_objects_es.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pipeline.services import ELASTICSEARCH_VERSION
from tests.deploy._fields import catalogue, kql_fields, load_ndjson, nested_paths, references


@pytest.fixture(scope="module")
def objects(deploy_dir: Path) -> list[dict[str, Any]]:
    return load_ndjson(deploy_dir / "kibana" / "saved_objects.ndjson")


def test_committed_ndjson_is_what_the_builder_writes(
    deploy_dir: Path, kibana_builder: ModuleType
) -> None:
    committed = (deploy_dir / "kibana" / "saved_objects.ndjson").read_text(encoding="utf-8")
    assert committed == kibana_builder.render(kibana_builder.build()), (
        "run: python deploy/kibana/build.py"
    )


def test_builder_targets_the_tested_elastic_version(kibana_builder: ModuleType) -> None:
    assert kibana_builder.KIBANA_VERSION == ELASTICSEARCH_VERSION


def test_the_expected_objects_are_there(objects: list[dict[str, Any]]) -> None:
    kinds = [obj["type"] for obj in objects]
    assert kinds.count("index-pattern") == 1
    assert kinds.count("search") == 3
    assert kinds.count("dashboard") == 1
    pattern = objects[0]
    assert pattern["type"] == "index-pattern"
    assert pattern["attributes"] == {"title": "centinela-posts", "timeFieldName": "published_at"}
    ids = [obj["id"] for obj in objects]
    assert len(ids) == len(set(ids))
    vis_types = {json.loads(o["attributes"]["visState"])["type"]
                 for o in objects if o["type"] == "visualization"}
    assert vis_types == {"histogram", "table", "vega"}


def test_every_reference_points_at_an_object_in_the_file(objects: list[dict[str, Any]]) -> None:
    known = {(obj["type"], obj["id"]) for obj in objects}
    for obj in objects:
        names = {ref["name"] for ref in obj["references"]}
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in known, (obj["id"], ref)
        meta = obj["attributes"].get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
        if meta and "indexRefName" in json.loads(meta):
            assert json.loads(meta)["indexRefName"] in names, obj["id"]
        if obj["type"] == "dashboard":
            panels = json.loads(obj["attributes"]["panelsJSON"])
            assert len(panels) == 5
            assert {panel["panelRefName"] for panel in panels} == names


def test_every_referenced_field_is_in_the_index_mapping(
    objects: list[dict[str, Any]], index_body: dict[str, Any]
) -> None:
    properties = index_body["mappings"]["properties"]
    fields = catalogue(properties)
    refs = references(objects)
    used = (refs.searched | refs.aggregated | refs.sorted | refs.shown | refs.time_fields
            | set(refs.nested_aggregated))
    assert {"platform", "facets.contact_values", "facets.alias_values", "facets.crossings",
            "facets.min_price_usd", "published_at"} <= refs.aggregated
    assert refs.nested_aggregated == {"nlp.places.role": "nlp.places",
                                      "nlp.places.location": "nlp.places"}
    assert len(used) >= 15
    missing = sorted(name for name in used if name not in fields)
    assert not missing, f"fields not in posts.v1.json: {missing}"
    for name in refs.time_fields:
        assert fields[name].type == "date"
    for name in refs.searched:
        assert fields[name].indexed, f"{name} is not indexed: KQL cannot filter on it"
        assert fields[name].nested_path is None, f"{name} is nested: KQL needs a nested query"
    for name in refs.aggregated | refs.sorted:
        assert fields[name].aggregatable, f"{name} cannot be aggregated or sorted on"
        assert fields[name].nested_path is None, f"{name} is nested: use a facets.* field"
    paths = nested_paths(properties)
    for name, path in refs.nested_aggregated.items():
        assert path in paths and fields[name].nested_path == path, (name, path)
        assert fields[name].aggregatable, name


def test_the_field_check_catches_a_missing_and_a_nested_field(
    index_body: dict[str, Any],
) -> None:
    fields = catalogue(index_body["mappings"]["properties"])
    assert "facets.contact_value" not in fields
    assert fields["nlp.contacts.value"].nested_path == "nlp.contacts"
    assert fields["author.handle.folded"].type == "keyword"
    assert not fields["nlp.places.raw"].indexed
    assert not fields["text"].aggregatable


def test_kql_field_extraction() -> None:
    assert kql_fields('nlp.is_smuggling_ad : true and published_at >= "now-24h"') == {
        "nlp.is_smuggling_ad", "published_at"}
    assert kql_fields('text : "a: b" or (facets.crossings : * and x.y<3)') == {
        "text", "facets.crossings", "x.y"}
    assert kql_fields("") == set()
