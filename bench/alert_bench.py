"""Streaming alert throughput and latency with 1,000 rules, next to the NLP-alone rate.

One run, one process, on the same N texts (``fixtures/gold/dev.jsonl`` cycled):

1. NLP alone: ``nlp.Extractor.annotate`` in batches → posts/s. Its output becomes the
   EnrichedPosts of step 2 (real annotations, unique doc ids).
2. Alerts: 1,000 generated rules (watchlisted contacts and aliases, places with a role and a
   price cap, word pairs; values drawn from the annotations and invented ones) synced to the
   real percolator; the real ``AlertEngine`` (SQLite state, dedupe) with a ``SmtpMailer`` to
   aiosmtpd on loopback. Posts are fed to the ``AlertSink`` in batches:
   - percolation alone, then the whole path as fast as possible → posts/s;
   - latency: posts "arrive" at half the saturation rate and each batch takes what arrived;
     latency = SMTP accept (aiosmtpd's DATA handler) − arrival of the post, p50/p95/max.
   Kafka is not in the path (the worker adds one poll and one commit per batch).

    python bench/alert_bench.py [--posts 2000] [--rules 1000] [--batch-size 100]

Needs Elasticsearch running (``centinela services up``); uses a private index prefix and
deletes its rules index at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _alert_support import (  # noqa: E402  (bench/ is the script's folder)
    accepted,
    bench_rules,
    enriched_posts,
    percentile,
    smtp_server,
)
from elasticsearch import Elasticsearch  # noqa: E402

from indexer.alerts import AlertEngine, MatchContext, Rule  # noqa: E402
from indexer.alerts.mailer import SmtpMailer  # noqa: E402
from indexer.alerts.matchers import PercolatorMatcher  # noqa: E402
from indexer.alerts.rules_index import rules_index_name, sync_rules  # noqa: E402
from indexer.alerts.streaming import AlertSink  # noqa: E402
from pipeline.records import EnrichedPost, ExtractRequest  # noqa: E402
from pipeline.settings import Settings, SmtpSettings  # noqa: E402


@dataclass
class Run:
    """What one alerting pass needs."""

    posts: list[EnrichedPost]
    rules: list[Rule]
    settings: Settings
    client: Elasticsearch
    prefix: str
    batch: int

    def sink(self, state: Path) -> AlertSink:
        """A sink over a fresh engine (own state file) that percolates and mails."""
        engine = AlertEngine(
            self.rules, state, SmtpMailer(self.settings.smtp), settings=self.settings,
            matcher=PercolatorMatcher(self.client, prefix=self.prefix),
        )
        return AlertSink(engine)


def _texts(count: int) -> list[str]:
    lines = (ROOT / "fixtures" / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    return list(islice(cycle(texts), count))


def _nlp(texts: list[str], batch: int) -> tuple[list[EnrichedPost], float]:
    from nlp import Extractor

    extractor = Extractor.load()
    requests = [ExtractRequest(id=str(i), text=t) for i, t in enumerate(texts)]
    extractor.annotate(requests[:64])  # warm-up: lazy tables, caches
    started = time.perf_counter()
    annotations = []
    for start in range(0, len(requests), batch):
        annotations += extractor.annotate(requests[start : start + batch])
    rate = len(requests) / (time.perf_counter() - started)
    return enriched_posts(texts, annotations), rate


def _saturation(run: Run, state: Path) -> float:
    sink = run.sink(state)
    with sink.engine:
        started = time.perf_counter()
        for start in range(0, len(run.posts), run.batch):
            sink.add(run.posts[start : start + run.batch])
            sink.flush()
        return len(run.posts) / (time.perf_counter() - started)


def _percolate_only(run: Run) -> tuple[float, int]:
    """Return posts/s of the percolation step alone, and the (rule, post) matches found."""
    matcher = PercolatorMatcher(run.client, prefix=run.prefix)
    contexts = {post.doc_id: MatchContext() for post in run.posts}
    started = time.perf_counter()
    found = 0
    for start in range(0, len(run.posts), run.batch):
        found += len(matcher.match(run.rules, run.posts[start : start + run.batch], contexts))
    return len(run.posts) / (time.perf_counter() - started), found


def _paced(run: Run, state: Path, rate: float) -> dict[str, float]:
    """Feed posts arriving at ``rate``/s; each batch takes what arrived; return arrivals."""
    arrivals: dict[str, float] = {}
    posts = run.posts
    sink = run.sink(state)
    with sink.engine:
        origin = time.monotonic()
        due = [origin + i / rate for i in range(len(posts))]
        taken = 0
        while taken < len(posts):
            now = time.monotonic()
            if due[taken] > now:
                time.sleep(due[taken] - now)
                continue
            arrived = taken
            while arrived < len(posts) and arrived - taken < run.batch and due[arrived] <= now:
                arrivals[posts[arrived].doc_id] = due[arrived]
                arrived += 1
            sink.add(posts[taken:arrived])
            sink.flush()
            taken = arrived
    return arrivals


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args()

    posts, nlp_rate = _nlp(_texts(args.posts), args.batch_size)
    rules = bench_rules(args.rules, posts, random.Random(3))
    client = Elasticsearch([Settings().elasticsearch.url], timeout=60)
    prefix = f"centinela-bench-{uuid.uuid4().hex[:8]}-"
    try:
        sync_started = time.perf_counter()
        report = sync_rules(client, rules, prefix=prefix)
        sync_s = time.perf_counter() - sync_started
        if report.errors:
            print(f"rules refused: {report.errors}", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory() as tmp, smtp_server(Path(tmp) / "inbox") as port:
            smtp = SmtpSettings(host="127.0.0.1", port=port, sender="bench@example.org")
            run = Run(posts, rules, Settings(smtp=smtp), client, prefix, args.batch_size)
            percolate_rate, matches = _percolate_only(run)
            rate = _saturation(run, Path(tmp) / "saturation.sqlite3")
            emails = len(accepted(Path(tmp) / "inbox"))
            arrivals = _paced(run, Path(tmp) / "paced.sqlite3", rate / 2)
            paced = accepted(Path(tmp) / "inbox")[emails:]
            latencies = [at - arrivals[doc] for docs, at in paced for doc in docs]
    finally:
        client.indices.delete(index=rules_index_name(prefix), ignore=404)
        client.close()

    print(f"posts: {len(posts)} (dev set cycled), rules: {len(rules)} "
          f"(synced to the percolator in {sync_s:.1f} s), batch size {args.batch_size}")
    print(f"{'stage':<48}{'posts/s':>10}")
    print(f"{'NLP alone (Extractor.annotate)':<48}{nlp_rate:>10.1f}")
    print(f"{'percolation alone (1 request per batch)':<48}{percolate_rate:>10.1f}")
    print(f"{'alerts: percolate + dedupe + SMTP, saturated':<48}{rate:>10.1f}")
    print(f"matches: {matches}, emails: {emails} "
          "(one per match, no pacing: the worst case for SMTP)")
    if latencies:
        print(f"latency enriched post -> SMTP accept at {rate / 2:.0f} posts/s offered, "
              f"{len(latencies)} alerted posts: p50 {percentile(latencies, 50):.3f} s, "
              f"p95 {percentile(latencies, 95):.3f} s (target < 3 s), "
              f"max {max(latencies):.3f} s")
    print(f"alert rate / NLP rate: {rate / nlp_rate:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
