"""The Elasticsearch side of the indexer: documents, index admin, bulk sink, search.

Every function takes the client injected (build one with ``client_from_settings``)::

    client = client_from_settings(settings.elasticsearch)
    prefix = settings.elasticsearch.index_prefix
    create(client, prefix)                       # versioned index + alias, if missing
    sink = ElasticsearchSink(client, dead_letters, settings.elasticsearch)
    posts = search(client, alias_name(prefix), SearchQuery(text="guero", role="crossing"))
"""

from __future__ import annotations

from indexer.elastic.admin import (
    ALIAS,
    AliasStatus,
    IndexStatus,
    alias_name,
    create,
    index_name,
    live_index,
    prune,
    roll,
    status,
)
from indexer.elastic.client import client_from_settings
from indexer.elastic.document import document_bytes, from_document, to_document
from indexer.elastic.errors import AliasError, ElasticError, IndexUnavailableError
from indexer.elastic.search import build_query, search
from indexer.elastic.sink import ElasticsearchSink, SinkStats, full_jitter_delay, is_retryable

__all__ = [
    "ALIAS",
    "AliasError",
    "AliasStatus",
    "ElasticError",
    "ElasticsearchSink",
    "IndexStatus",
    "IndexUnavailableError",
    "SinkStats",
    "alias_name",
    "build_query",
    "client_from_settings",
    "create",
    "document_bytes",
    "from_document",
    "full_jitter_delay",
    "index_name",
    "is_retryable",
    "live_index",
    "prune",
    "roll",
    "search",
    "status",
    "to_document",
]
