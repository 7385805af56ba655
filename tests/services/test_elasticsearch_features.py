"""The Elasticsearch node has the modules the design needs: analysis-common, percolator,
reindex and painless (and netty4, or no HTTP at all)."""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from tests.real_services import ElasticsearchService

pytestmark = pytest.mark.integration

_SINGLE_SHARD = {"number_of_shards": 1, "number_of_replicas": 0}


def _tokens(es: Elasticsearch, index: str, analyzer: str, text: str) -> list[str]:
    result = es.indices.analyze(index=index, body={"analyzer": analyzer, "text": text})
    return [token["token"] for token in result["tokens"]]


def test_folding_and_spanish_analyzers(
    es_client: Elasticsearch, elasticsearch_service: ElasticsearchService
) -> None:
    index = elasticsearch_service.index("analysis")
    settings = {
        **_SINGLE_SHARD,
        "analysis": {
            "analyzer": {
                "folded": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
                "folded_spanish": {
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding", "spanish_stem"],
                },
            },
            "filter": {"spanish_stem": {"type": "stemmer", "language": "light_spanish"}},
        },
    }
    mappings = {
        "properties": {
            "alias": {"type": "text", "analyzer": "folded"},
            "text": {"type": "text", "analyzer": "spanish"},
        }
    }
    es_client.indices.create(index=index, settings=settings, mappings=mappings)

    assert _tokens(es_client, index, "folded", "El Güero de Nuevo León") == [
        "el", "guero", "de", "nuevo", "leon",
    ]  # fmt: skip
    assert _tokens(es_client, index, "english", "crossings") == ["cross"]
    assert _tokens(es_client, index, "spanish", "viajes seguros") == _tokens(
        es_client, index, "spanish", "viaje seguro"
    )

    es_client.index(
        index=index, id="a", document={"alias": "Don Beto", "text": "Viajes seguros al norte"}
    )
    es_client.index(
        index=index, id="b", document={"alias": "El Güero", "text": "Cruce por Reynosa"}
    )
    es_client.indices.refresh(index=index)

    folded = es_client.search(index=index, query={"match": {"alias": "guero"}})
    assert [hit["_id"] for hit in folded["hits"]["hits"]] == ["b"]
    stemmed = es_client.search(index=index, query={"match": {"text": "viaje seguro"}})
    assert [hit["_id"] for hit in stemmed["hits"]["hits"]] == ["a"]


def test_percolator_round_trip(
    es_client: Elasticsearch, elasticsearch_service: ElasticsearchService
) -> None:
    index = elasticsearch_service.index("rules")
    mappings = {"properties": {"query": {"type": "percolator"}, "text": {"type": "text"}}}
    es_client.indices.create(index=index, settings=_SINGLE_SHARD, mappings=mappings)
    es_client.index(index=index, id="reynosa", document={"query": {"match": {"text": "reynosa"}}})
    es_client.index(
        index=index, id="lancha", document={"query": {"match_phrase": {"text": "en lancha"}}}
    )
    es_client.indices.refresh(index=index)

    document = {"text": "Salida desde Reynosa, 8 mil dlls, pregunta por Don Beto"}
    query = {"percolate": {"field": "query", "document": document}}
    result = es_client.search(index=index, query=query)
    assert [hit["_id"] for hit in result["hits"]["hits"]] == ["reynosa"]


def test_reindex_with_painless_script(
    es_client: Elasticsearch, elasticsearch_service: ElasticsearchService
) -> None:
    source = elasticsearch_service.index("posts-v1")
    dest = elasticsearch_service.index("posts-v2")
    for index in (source, dest):
        es_client.indices.create(index=index, settings=_SINGLE_SHARD)
    for number in range(3):
        es_client.index(index=source, id=f"doc-{number}", document={"price": 1000 * (number + 1)})
    es_client.indices.refresh(index=source)

    script = {"lang": "painless", "source": "ctx._source.price_k = ctx._source.price / 1000"}
    # 7.17's reindex takes no keyword body parameters (8.x does): the body is explicit.
    body = {"source": {"index": source}, "dest": {"index": dest}, "script": script}
    result = es_client.reindex(body=body, refresh=True)
    assert result["created"] == 3
    assert result["failures"] == []
    copied = es_client.get(index=dest, id="doc-2")["_source"]
    assert copied == {"price": 3000, "price_k": 3}
