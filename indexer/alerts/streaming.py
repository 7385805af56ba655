"""Streaming alerting: rules synced to the percolator, an engine on it, and the stage's sink.

``open_streaming_engine`` loads the rule files, reports every broken one (YAML or field
errors from the loader, queries Elasticsearch refuses from ``sync_rules``) and builds an
``AlertEngine`` with a ``PercolatorMatcher`` over the rules that remain: one broken rule never
stops the others. ``AlertSink`` is the sink of the ``alert`` stage: ``add`` buffers posts,
``flush`` percolates and mails them, so the stage runner retries a flush that failed because
Elasticsearch was unavailable (nothing is committed before, and dedupe makes the replay safe).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.alerts.engine import AlertEngine, AlertRecord
from indexer.alerts.loader import load_rules
from indexer.alerts.mailer import Mailer, mailer_from_settings
from indexer.alerts.matchers import PercolatorMatcher
from indexer.alerts.rules_index import sync_rules
from pipeline.records import EnrichedPost
from pipeline.settings import Settings

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

log = logging.getLogger(__name__)


@dataclass
class StreamingEngine:
    """The engine, and every rule problem found while starting it (already logged)."""

    engine: AlertEngine
    problems: list[str] = field(default_factory=list)


def open_streaming_engine(
    settings: Settings,
    client: Elasticsearch,
    *,
    rules_dir: Path | None = None,
    state_path: Path | None = None,
    mailer: Mailer | None = None,
) -> StreamingEngine:
    """Load and sync the rules, then return an engine that percolates; report broken rules."""
    folder = rules_dir or settings.paths.rules_dir
    loaded = load_rules(folder)
    problems = [f"skipped: {error}" for error in loaded.errors]
    report = sync_rules(client, loaded.rules, prefix=settings.elasticsearch.index_prefix)
    problems += [
        f"skipped: rule {name!r}: Elasticsearch refused its query: {reason}"
        for name, reason in sorted(report.errors.items())
    ]
    rules = [rule for rule in loaded.rules if rule.name not in report.errors]
    engine = AlertEngine(
        rules,
        state_path or settings.paths.alert_state,
        mailer or mailer_from_settings(settings),
        settings=settings,
        matcher=PercolatorMatcher(client, prefix=settings.elasticsearch.index_prefix),
    )
    problems += [f"skipped: rule {note}" for note in engine.skipped]
    for problem in problems:
        log.error("alert rule %s", problem)
    log.info("alerting on %d rule(s) from %s (%d indexed, %d removed from the rules index)",
             len(engine.rules), folder, len(report.indexed), len(report.deleted))
    return StreamingEngine(engine, problems)


class AlertSink:
    """The alert stage's sink: buffer a batch in ``add``, match and mail it in ``flush``."""

    def __init__(self, engine: AlertEngine) -> None:
        """Hand every flushed batch to ``engine.process``."""
        self.engine = engine
        self.last_records: list[AlertRecord] = []
        self.sent = 0
        self._buffer: list[EnrichedPost] = []

    def add(self, items: Sequence[EnrichedPost]) -> None:
        """Keep ``items`` for the next flush."""
        self._buffer.extend(items)

    def flush(self) -> None:
        """Match the buffered posts, send or queue their alerts; keep them if matching fails."""
        if self._buffer:
            records = self.engine.process(self._buffer)
            self._buffer = []
        else:
            records = self.engine.flush_due()
        self.last_records = records
        self.sent += sum(record.status == "sent" for record in records)
