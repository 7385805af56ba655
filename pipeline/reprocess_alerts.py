"""``centinela reprocess --alert``: the alert rules over the re-processed posts, after the swap.

Off by default: a re-processing run writes only to its new index, never to the enriched
topic the alerter consumes, so old posts are not alerted on again. With ``--alert`` the posts
this run re-processed (``enriched_at`` at or after the run's start, in the new index, read
in ``published_at`` order) go through the same engine as the streaming alerter: the rule
files synced to the percolator, the SMTP (or outbox) mailer, and the same alert state file,
so an email already sent for a (rule, doc_id) is never sent again, by either. Digests and
throttled batches the run queued are sent at its end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from elasticsearch import Elasticsearch, helpers

from indexer.alerts.engine import AlertRecord
from indexer.alerts.mailer import Mailer
from indexer.alerts.streaming import open_streaming_engine
from indexer.elastic.document import from_document
from pipeline.records import EnrichedPost
from pipeline.reprocess_index import count
from pipeline.settings import Settings

BATCH = 200


@dataclass
class AlertOutcome:
    """What re-alerting did."""

    posts: int = 0
    sent: int = 0
    not_sent: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, records: list[AlertRecord]) -> None:
        """Count the emails the engine tried."""
        self.sent += sum(record.status == "sent" for record in records)
        self.not_sent += sum(record.status != "sent" for record in records)


Alerter = Callable[[Elasticsearch, str, str], AlertOutcome]
"""``alerter(client, index, started_at)``: alert on the posts re-processed since then."""


class ReprocessAlerter:
    """The ``Alerter`` of ``--alert``: rules, mailer and state from ``settings``."""

    def __init__(self, settings: Settings, *, mailer: Mailer | None = None,
                 batch_size: int = BATCH,
                 on_progress: Callable[[int, int], None] | None = None) -> None:
        """Alert as the streaming alerter configured by ``settings`` does."""
        self.settings = settings
        self.mailer = mailer
        self.batch_size = batch_size
        self.on_progress = on_progress

    def __call__(self, client: Elasticsearch, index: str, started_at: str) -> AlertOutcome:
        """Percolate, dedupe and email the posts of ``index`` enriched since ``started_at``."""
        started = open_streaming_engine(self.settings, client, mailer=self.mailer)
        outcome = AlertOutcome(problems=list(started.problems))
        total = count(client, index, _since(started_at))
        with started.engine as engine:
            for batch in reprocessed_posts(client, index, started_at, self.batch_size):
                outcome.add(engine.process(batch))
                outcome.posts += len(batch)
                if self.on_progress is not None:
                    self.on_progress(outcome.posts, total)
            outcome.sent += engine.flush_all_digests()
        return outcome


def reprocessed_posts(
    client: Elasticsearch, index: str, started_at: str, batch_size: int = BATCH
) -> Iterator[list[EnrichedPost]]:
    """Yield, in batches and ``published_at`` order, the posts enriched since ``started_at``."""
    client.indices.refresh(index=index)
    body = {"query": _since(started_at), "sort": [{"published_at": "asc"}, {"doc_id": "asc"}]}
    batch: list[EnrichedPost] = []
    for hit in helpers.scan(client, query=body, index=index, size=batch_size,
                            preserve_order=True):
        batch.append(from_document(hit["_source"]))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _since(started_at: str) -> dict[str, object]:
    return {"range": {"enriched_at": {"gte": started_at}}}
