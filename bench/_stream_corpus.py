"""The streaming benchmark's corpus and its NLP-alone measurement.

The corpus is the RawPosts a crawl of the fixture sites yields, replicated with fresh native
ids (hence fresh doc_ids) to the size asked for. The enriched twin of the corpus is built by
annotating each distinct text once and replicating the result the same way, so the raw-bulk
and indexer phases index exactly the documents the end-to-end phase produces.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.records import EnrichedPost, ExtractRequest, RawPost, enrich, make_doc_id  # noqa: E402


def crawl_fixture_posts(workdir: Path) -> list[RawPost]:
    """Crawl the fixture sites over loopback (``python -m crawlers.run``); return the posts."""
    from crawlers.fixture_server import FixtureServer

    out = workdir / "crawl-posts.jsonl"
    with FixtureServer() as server:
        done = subprocess.run(
            [sys.executable, "-m", "crawlers.run", "--watchlist",
             str(ROOT / "fixtures" / "watchlist.toml"), "--base-url", server.base_url,
             "--out", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"fixture crawl failed:\n{done.stderr[-2000:]}")
    posts = [RawPost.model_validate_json(line) for line in out.read_text().splitlines() if line]
    if not posts:
        raise RuntimeError("the fixture crawl yielded no posts")
    return posts


def _copy(post: RawPost | EnrichedPost, generation: str, copy: int) -> dict[str, Any]:
    native_id = f"{post.native_id}-{generation}{copy}"
    return {"native_id": native_id, "doc_id": make_doc_id(post.platform, post.source, native_id)}


def replicate(base: list[RawPost], count: int, generation: str = "b") -> list[RawPost]:
    """Return ``count`` RawPosts cycling ``base``, each with a fresh native id and doc_id."""
    return [
        base[n % len(base)].model_copy(update=_copy(base[n % len(base)], generation, n))
        for n in range(count)
    ]


def enriched_twins(base: list[RawPost], count: int, generation: str = "b") -> list[EnrichedPost]:
    """Return the EnrichedPosts of ``replicate(base, count, generation)``: one annotate per text."""
    from nlp import Extractor

    extractor = Extractor.load()
    requests = [ExtractRequest(id=p.doc_id, text=p.text, platform=p.platform, lang=p.lang_hint)
                for p in base]
    annotations = extractor.annotate(requests)
    enriched = [enrich(p, a, extractor.version) for p, a in zip(base, annotations, strict=True)]
    return [
        enriched[n % len(base)].model_copy(update=_copy(enriched[n % len(base)], generation, n))
        for n in range(count)
    ]


def _nlp_worker(texts: list[str], batch_size: int, barrier: Any, out: Any) -> None:
    """One NLP-alone process: load, warm up, wait for its peer, annotate, report the time."""
    from nlp import Extractor

    extractor = Extractor.load()
    requests = [ExtractRequest(id=str(n), text=text) for n, text in enumerate(texts)]
    extractor.annotate(requests[:batch_size])  # lazy tables and caches, as a worker's 1st batch
    barrier.wait()
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(requests), batch_size):
        extractor.annotate(requests[start : start + batch_size])
    out.put((len(requests), time.perf_counter() - started, time.process_time() - cpu))


def nlp_alone(
    posts: list[RawPost], processes: int, batch_size: int
) -> tuple[float, float, float]:
    """Run ``Extractor.annotate`` over ``posts`` split across ``processes`` processes at once.

    Returns (posts/s of all processes together, seconds of the slowest, CPU ms per post);
    loading and a warm-up batch are excluded, as they are for a long-running worker.
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    queue = context.Queue()
    texts = [post.text for post in posts]
    shares = [texts[n::processes] for n in range(processes)]
    children = [context.Process(target=_nlp_worker, args=(share, batch_size, barrier, queue))
                for share in shares]
    for child in children:
        child.start()
    results = [queue.get(timeout=1800) for _ in children]
    for child in children:
        child.join()
    slowest = max(seconds for _count, seconds, _cpu in results)
    cpu_ms = 1000 * sum(cpu for _count, _seconds, cpu in results) / len(posts)
    return sum(count for count, _seconds, _cpu in results) / slowest, slowest, cpu_ms
