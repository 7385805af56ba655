"""The saved objects' fields against a live Elasticsearch 7.10.2 index built from posts.v1.json.

Kibana builds a data view's field list from ``_field_caps``; this asks the real node the same
question, so "aggregatable"/"searchable" are Elasticsearch's answers, not ours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from tests.deploy._fields import catalogue, load_ndjson, references
from tests.real_services import ElasticsearchService

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def live_index(
    es_client: Elasticsearch,
    elasticsearch_service: ElasticsearchService,
    index_body: dict[str, Any],
) -> str:
    name = elasticsearch_service.index("kibana-fields")
    es_client.indices.create(index=name, settings=index_body["settings"],
                             mappings=index_body["mappings"])
    return name


def test_live_mapping_has_the_same_fields_as_the_file(
    es_client: Elasticsearch, live_index: str, index_body: dict[str, Any]
) -> None:
    live = es_client.indices.get_mapping(index=live_index)[live_index]["mappings"]
    assert catalogue(live["properties"]) == catalogue(index_body["mappings"]["properties"])


def test_field_caps_serve_every_referenced_field(
    es_client: Elasticsearch, live_index: str, deploy_dir: Path
) -> None:
    caps = es_client.field_caps(index=live_index, fields="*")["fields"]
    refs = references(load_ndjson(deploy_dir / "kibana" / "saved_objects.ndjson"))

    def cap(name: str) -> dict[str, Any]:
        assert name in caps, f"{name} unknown to the live node"
        (only,) = caps[name].values()
        return dict(only)

    for name in refs.time_fields:
        assert cap(name)["type"] == "date"
    for name in refs.searched:
        assert cap(name)["searchable"], name
    for name in refs.aggregated | refs.sorted | set(refs.nested_aggregated):
        assert cap(name)["aggregatable"], name
    for name in refs.shown:
        cap(name)
    assert caps["nlp.places"]["nested"]["type"] == "nested"
