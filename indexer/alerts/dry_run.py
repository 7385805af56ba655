"""What ``centinela alerts list`` and ``alerts test`` show: rule summaries and dry runs.

A dry run evaluates one rule on a file of EnrichedPosts without state, mail or pacing:
it says which posts would fire and why. ``first_post_by_author`` is judged within the file
(a post is first when no earlier post in the file has the same platform and author).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from indexer.alerts.matchers import Matcher, PercolatorMatcher, PythonMatcher
from indexer.alerts.rules import Match, MatchContext, Rule
from indexer.normalise import fold
from pipeline.records import EnrichedPost

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


def read_posts(path: Path) -> tuple[list[EnrichedPost], list[str]]:
    """Read JSON Lines of EnrichedPosts; return the posts and one error per bad line."""
    posts: list[EnrichedPost] = []
    errors: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                posts.append(EnrichedPost.model_validate_json(line))
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"]) or "line"
                errors.append(f"{path}:{number}: {where}: {first['msg']}")
    return posts, errors


def file_contexts(posts: Sequence[EnrichedPost]) -> dict[str, MatchContext]:
    """Return each post's context, ``first_post_by_author`` judged in publication order."""
    seen: set[str] = set()
    contexts = {}
    for post in sorted(posts, key=lambda p: p.published_at):
        author = f"{post.platform}:{fold(post.author.handle)}"
        contexts[post.doc_id] = MatchContext(first_post_by_author=author not in seen)
        seen.add(author)
    return contexts


def dry_run(
    rule: Rule, posts: Sequence[EnrichedPost], matcher: Matcher | None = None
) -> list[Match]:
    """Return the matches of ``rule`` on ``posts`` (Python matcher unless one is given)."""
    return (matcher or PythonMatcher()).match([rule], posts, file_contexts(posts))


def percolate_dry_run(
    client: Elasticsearch, rule: Rule, posts: Sequence[EnrichedPost]
) -> list[Match]:
    """Dry-run ``rule`` through the real percolator, in a scratch rules index deleted after."""
    from indexer.alerts.rules_index import rules_index_name, sync_rules

    prefix = f"centinela-dry-run-{uuid.uuid4().hex[:8]}-"
    try:
        report = sync_rules(client, [rule.model_copy(update={"enabled": True})], prefix=prefix)
        if report.errors:
            raise ValueError(f"Elasticsearch refused the rule: {report.errors[rule.name]}")
        return dry_run(rule, posts, PercolatorMatcher(client, prefix=prefix))
    finally:
        client.indices.delete(index=rules_index_name(prefix), ignore=404)


def describe_rule(rule: Rule) -> str:
    """Return a one-line summary of the conditions a rule sets."""
    c = rule.condition
    if c.raw_query is not None:
        return "raw_query (Elasticsearch only)"
    parts = [f"{name}={list(value)}" for name, value in (
        ("platforms", c.platforms), ("text_any", c.text_any), ("text_all", c.text_all),
        ("countries", c.countries), ("contacts", c.contacts), ("aliases", c.aliases),
    ) if value]
    parts += [f"place={p.name}" + (f"/{p.role}" if p.role else "") for p in c.places]
    parts += [f"{name}={value}" for name, value in (
        ("min_price_usd", c.min_price_usd), ("max_price_usd", c.max_price_usd),
        ("currency", c.currency), ("min_score", c.min_score),
    ) if value is not None]
    if c.first_post_by_author:
        parts.append("first_post_by_author")
    parts.append("ads only" if c.only_ads else "ads and non-ads")
    return ", ".join(parts)


def pacing(rule: Rule) -> str:
    """Return ``"each match"``, ``"throttle 30 min"`` or ``"digest 60 min"``."""
    if rule.digest_minutes:
        return f"digest {rule.digest_minutes} min"
    if rule.throttle_minutes:
        return f"throttle {rule.throttle_minutes} min"
    return "each match"
