"""The tiny contract every destination of enriched posts fulfils (store, Elasticsearch, alerts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from pipeline.records import EnrichedPost


@runtime_checkable
class Sink(Protocol):
    """Where enriched posts go: ``add`` may buffer, ``flush`` must make them durable."""

    def add(self, posts: Sequence[EnrichedPost]) -> None:
        """Take a batch of posts; re-adding a ``doc_id`` overwrites, never duplicates."""
        ...

    def flush(self) -> None:
        """Persist everything added so far; the caller commits its offsets after this."""
        ...
