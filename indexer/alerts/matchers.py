"""The pluggable matching step of the ``AlertEngine``: Python rules or the ES percolator.

Both return the same ``Match`` objects for the same rules and posts (the conformance test
holds them to it); the engine does everything after matching (dedupe, throttle, digest, mail).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from indexer.alerts._evaluate import evaluate
from indexer.alerts.rules import Match, MatchContext, Rule
from pipeline.records import EnrichedPost

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

log = logging.getLogger(__name__)

RAW_QUERY_REASON = "matched its raw Elasticsearch query"


class Matcher(Protocol):
    """Finds which rules fire on which posts of a batch."""

    def unsupported(self, rule: Rule) -> str | None:
        """Return why this matcher cannot evaluate ``rule``, or None if it can."""
        ...

    def match(
        self, rules: Sequence[Rule], posts: Sequence[EnrichedPost],
        contexts: Mapping[str, MatchContext],
    ) -> list[Match]:
        """Return every (rule, post) match, rules in the given order, posts in batch order."""
        ...


class PythonMatcher:
    """Embedded mode: ``Rule.matches`` on every (rule, post) pair."""

    def unsupported(self, rule: Rule) -> str | None:
        """A rule with a ``raw_query`` needs Elasticsearch."""
        return None if rule.evaluable_embedded else "has raw_query, not evaluable embedded"

    def match(
        self, rules: Sequence[Rule], posts: Sequence[EnrichedPost],
        contexts: Mapping[str, MatchContext],
    ) -> list[Match]:
        """Evaluate each rule on each post in Python."""
        found = []
        for rule in rules:
            for post in posts:
                match = rule.matches(post, contexts[post.doc_id])
                if match is not None:
                    found.append(match)
        return found


class PercolatorMatcher:
    """Streaming mode: one percolate request per batch against the rules index.

    The rules must have been indexed with ``sync_rules``. ``first_post_by_author`` is applied
    after percolation from the engine's ``MatchContext`` (see ``percolate``'s docstring).
    Reasons come from the Python evaluation of the same condition; a raw query's reason is
    ``RAW_QUERY_REASON``.
    """

    def __init__(self, client: Elasticsearch, *, prefix: str = "") -> None:
        """Percolate against ``<prefix>centinela-rules`` through ``client``."""
        self.client = client
        self.prefix = prefix
        self.disagreements = 0

    def unsupported(self, rule: Rule) -> str | None:
        """Every valid rule can be percolated (refused raw queries surface in ``sync_rules``)."""
        return None

    def match(
        self, rules: Sequence[Rule], posts: Sequence[EnrichedPost],
        contexts: Mapping[str, MatchContext],
    ) -> list[Match]:
        """Percolate ``posts`` once and turn the hits of known rules into ``Match``es."""
        from indexer.alerts.rules_index import percolate

        by_name = {rule.name: rule for rule in rules}
        hits = percolate(self.client, posts, prefix=self.prefix)
        slots: dict[str, set[int]] = {}
        for name, slot in hits:
            if name in by_name:
                slots.setdefault(name, set()).add(slot)
        found = []
        for rule in rules:
            for slot in sorted(slots.get(rule.name, ())):
                post = posts[slot]
                match = self._explain(rule, post, contexts[post.doc_id])
                if match is not None:
                    found.append(match)
        return found

    def _explain(self, rule: Rule, post: EnrichedPost, context: MatchContext) -> Match | None:
        condition = rule.condition
        if condition.first_post_by_author and not context.first_post_by_author:
            return None
        if condition.raw_query is not None:
            return Match(rule.name, post.doc_id, (RAW_QUERY_REASON,))
        reasons = evaluate(condition, post, context)
        if reasons is None:
            self.disagreements += 1
            log.warning("rule %r: percolator matched %s, the Python matcher did not",
                        rule.name, post.doc_id)
            reasons = ["matched by the Elasticsearch percolator"]
        return Match(rule.name, post.doc_id, tuple(reasons))
