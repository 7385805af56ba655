"""Pieces of ``alert_bench.py``: the loopback SMTP server, the posts and the 1,000 rules."""

from __future__ import annotations

import math
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from indexer.alerts import Rule
from indexer.normalise import words
from pipeline.records import (
    Author,
    CrawlInfo,
    EnrichedPost,
    NlpAnnotations,
    make_doc_id,
)

ROLES = ("origin", "transit", "crossing", "destination")


@dataclass
class Inbox:
    """aiosmtpd handler: appends ``<monotonic accept time> <doc ids>`` per email to a file.

    It runs in its own process (``serve``), as a real mail server would: in the benchmark's
    process it would compete for the GIL with the engine it measures. ``time.monotonic`` is
    the system-wide monotonic clock, so both processes' times compare.
    """

    path: Path

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Record the accept time and the ``X-Centinela-Doc-Ids`` header."""
        now = time.monotonic()
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(f"{now} {message['X-Centinela-Doc-Ids']}\n")
        return "250 OK"


def serve(port: int, path: Path) -> None:
    """Run aiosmtpd on 127.0.0.1:``port`` until terminated."""
    stops = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stops)  # the server thread inherits the mask
    controller = Controller(Inbox(path), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait(stops)
    controller.stop()


def accepted(path: Path) -> list[tuple[list[str], float]]:
    """Return (doc ids, accept time) of every email the server accepted so far."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        at, *doc_ids = line.split()
        rows.append((doc_ids, float(at)))
    return rows


@contextmanager
def smtp_server(path: Path) -> Iterator[int]:
    """Start ``serve`` in a child process on a free loopback port; yield the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    root = str(Path(__file__).resolve().parents[1])
    child = subprocess.Popen(
        [sys.executable, __file__, str(port), str(path)], env={**os.environ, "PYTHONPATH": root}
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or child.poll() is not None:
                    raise RuntimeError("the benchmark SMTP server did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        child.terminate()
        child.wait(timeout=30)


def enriched_posts(
    texts: Sequence[str], annotations: Sequence[NlpAnnotations]
) -> list[EnrichedPost]:
    """Return one EnrichedPost per text with its real annotations and a unique doc id."""
    start = datetime(2026, 3, 1, tzinfo=UTC)
    posts = []
    for number, (text, nlp) in enumerate(zip(texts, annotations, strict=True)):
        when = start + timedelta(seconds=number)
        posts.append(EnrichedPost(
            doc_id=make_doc_id("telegram", "bench", str(number)), platform="telegram",
            source="bench", native_id=str(number), url=f"http://127.0.0.1:8080/bench/{number}",
            author=Author(handle=f"bench_author_{number % 97}"), published_at=when,
            collected_at=when, text=text,
            crawl=CrawlInfo(spider="bench", fetched_url="http://127.0.0.1:8080/"),
            nlp=nlp, nlp_version="bench", enriched_at=when,
        ))
    return posts


def bench_rules(count: int, posts: Sequence[EnrichedPost], rng: random.Random) -> list[Rule]:
    """Return ``count`` selective rules, as analysts write them: watchlists, routes, words.

    A fifth of the watchlist values come from the posts (so some rules fire), the rest are
    invented numbers and aliases that never appear.
    """
    contacts = sorted({c.value for p in posts for c in p.nlp.contacts}) or ["+15555550100"]
    aliases = sorted({a.value for p in posts for a in p.nlp.aliases}) or ["El Inventado"]
    places = sorted({pl.name for p in posts for pl in p.nlp.places}) or ["Reynosa"]
    vocab = sorted({w for p in posts for w in words(p.text) if len(w) > 3}) or ["viaje"]
    rules = []
    for number in range(count):
        kind = number % 4
        condition: dict[str, Any]
        if kind == 0:
            entries = [rng.choice(contacts) if rng.random() < 0.2
                       else f"+52 899 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
                       for _ in range(2)]
            condition = {"contacts": entries, "only_ads": False}
        elif kind == 1:
            names = [rng.choice(aliases) if rng.random() < 0.2 else f"El Bench {number}"]
            condition = {"aliases": names}
        elif kind == 2:
            condition = {"places": [{"name": rng.choice(places), "role": rng.choice(ROLES)}],
                         "max_price_usd": rng.choice([3000, 6000, 9000, 12000])}
        else:
            condition = {"text_all": rng.sample(vocab, k=2)}
        rules.append(Rule.model_validate({
            "name": f"bench rule {number:04d}",
            "recipients": [f"desk{number % 23}@example.org"],
            "condition": condition,
        }))
    return rules


def percentile(values: Sequence[float], pct: float) -> float:
    """Return the nearest-rank percentile of ``values`` (non-empty)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
