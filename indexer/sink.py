"""The contract every destination of enriched posts fulfils (store, Elasticsearch, alerts).

It is the stage runner's ``Sink``, re-exported here for the indexer's own readers.
"""

from pipeline.runner import Sink

__all__ = ["Sink"]
