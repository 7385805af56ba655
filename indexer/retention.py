"""Retention: which posts are past ``privacy.retention_days``, and deleting them from the stores.

A post is past retention when it was both published and last collected before the cutoff
(``now - retention_days``): a post still being re-crawled is kept, one no longer seen goes.
The embedded store deletes with ``EmbeddedStore.purge``; Elasticsearch with
``delete_by_query`` on the alias, refreshed afterwards. ``leftovers`` lists what else under the
data dir holds post data and is *not* purged (archive, dead letters, outbox, alert state,
audit log), with how much of it is older than the cutoff where that is cheap to tell.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from pipeline.records import utc_now
from pipeline.settings import PathsSettings

EXPUNGE_TIMEOUT_S = 600.0


def cutoff_for(days: int, now: datetime | None = None) -> datetime:
    """Return the moment before which posts are past a retention of ``days``."""
    if days < 1:
        raise ValueError(f"retention must be at least 1 day, not {days}")
    return (now or utc_now()) - timedelta(days=days)


def older_than_query(cutoff: datetime) -> dict[str, Any]:
    """Return the Elasticsearch query of the posts published and last collected before cutoff."""
    moment = cutoff.astimezone(UTC).isoformat()
    return {"bool": {"filter": [
        {"range": {"published_at": {"lt": moment}}},
        {"range": {"collected_at": {"lt": moment}}},
    ]}}


@dataclass(frozen=True)
class ElasticPurge:
    """What a purge did (or, dry, would do) in Elasticsearch."""

    matched: int
    deleted: int
    failures: int
    version_conflicts: int


def purge_elasticsearch(
    client: Elasticsearch,
    alias: str,
    cutoff: datetime,
    *,
    dry_run: bool = False,
    expunge: bool = False,
) -> ElasticPurge:
    """Delete the posts past ``cutoff`` behind ``alias``; refresh; optionally expunge deletes.

    ``expunge`` force-merges the indices so deleted documents also leave the segment files
    (costly on a big index; otherwise Elasticsearch drops them at its own merges).
    """
    query = older_than_query(cutoff)
    matched = int(client.count(index=alias, body={"query": query})["count"])
    if dry_run or matched == 0:
        return ElasticPurge(matched, 0, 0, 0)
    response = client.delete_by_query(
        index=alias, body={"query": query}, conflicts="proceed", refresh=True,
        wait_for_completion=True, request_timeout=EXPUNGE_TIMEOUT_S,
    )
    if expunge:
        client.indices.forcemerge(
            index=alias, only_expunge_deletes=True, request_timeout=EXPUNGE_TIMEOUT_S
        )
    return ElasticPurge(
        matched=matched,
        deleted=int(response.get("deleted", 0)),
        failures=len(response.get("failures", [])),
        version_conflicts=int(response.get("version_conflicts", 0)),
    )


@dataclass(frozen=True)
class Leftover:
    """Post data under the data dir that ``centinela purge`` leaves alone."""

    path: Path
    what: str


def _old_lines(path: Path, cutoff: datetime, fields: tuple[str, ...]) -> tuple[int, int]:
    """Return (lines older than cutoff by all of ``fields``, all lines) of a JSON Lines file."""
    old = total = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            total += 1
            try:
                record = json.loads(line)
                old += all(datetime.fromisoformat(record[name]) < cutoff for name in fields)
            except (ValueError, KeyError, TypeError):
                continue
    return old, total


def _warc_files(folder: Path, cutoff: datetime) -> tuple[int, int]:
    stamp = cutoff.strftime("%Y%m%dT%H%M%S")
    files = sorted(folder.glob("crawl-*.warc.gz"))
    return sum(f.name[len("crawl-"):][:15] < stamp for f in files), len(files)


def _old_files(folder: Path, pattern: str, cutoff: datetime) -> tuple[int, int]:
    files = list(folder.glob(pattern))
    limit = cutoff.timestamp()
    return sum(f.stat().st_mtime < limit for f in files), len(files)


def leftovers(paths: PathsSettings, cutoff: datetime) -> Iterator[Leftover]:
    """Yield what else holds post data and is not purged, with its age where cheap to tell."""
    posts = paths.archive / "posts.jsonl"
    if posts.is_file():
        old, total = _old_lines(posts, cutoff, ("published_at", "collected_at"))
        yield Leftover(posts, f"{old} of {total} archived post(s) older than the cutoff "
                              "(evidence for `centinela reprocess`)")
    if paths.archive.is_dir():
        old, total = _warc_files(paths.archive, cutoff)
        if total:
            yield Leftover(paths.archive, f"{old} of {total} WARC file(s) from before the cutoff")
    if paths.dead_letters.is_file():
        old, total = _old_lines(paths.dead_letters, cutoff, ("first_seen_at",))
        yield Leftover(paths.dead_letters, f"{old} of {total} dead letter(s) older than the "
                                           "cutoff (they hold the original payloads)")
    if paths.outbox.is_dir():
        old, total = _old_files(paths.outbox, "*.eml", cutoff)
        yield Leftover(paths.outbox, f"{old} of {total} alert email(s) older than the cutoff")
    if paths.alert_state.is_file():
        yield Leftover(paths.alert_state, "alert history, sent emails and queued digests")
    if paths.audit_log.is_file():
        yield Leftover(paths.audit_log, "the export audit log (kept on purpose)")
