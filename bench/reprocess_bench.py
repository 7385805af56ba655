"""Re-processing throughput: posts/s with N workers against N × the NLP-alone rate.

Generates an archive of ``--posts`` RawPosts (the fixture posts replicated with new native
ids, hence new doc_ids) as JSON Lines, measures the NLP-alone rate (``annotate`` on one core,
no I/O) on a sample, then runs ``run_reprocess`` over the whole archive with ``--workers``
processes into a real Elasticsearch index (started with ``ensure_running`` when needed) and
prints posts/s and the ratio posts/s ÷ (N × NLP-alone) (target ≥ 0.8). The NLP-alone rate
is measured before and after the run and averaged, so load from other processes on the
machine weighs on both sides of the ratio alike. The rate is of the
whole run: planning the archive, NLP, bulk indexing, checkpoints, verification and swap.
A second ratio divides it by an NLP-only pool of N workers (``centinela extract``), which
shows the cost of the re-processing machinery apart from how many cores the machine really
gives N workers (other processes, Elasticsearch itself).

    python bench/reprocess_bench.py [--posts 100000] [--workers 2] [--nlp-sample 4000]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.elastic import client_from_settings  # noqa: E402
from pipeline.annotator_pool import load_annotator  # noqa: E402
from pipeline.dead_letters import DeadLetterFile  # noqa: E402
from pipeline.extract import run_extract  # noqa: E402
from pipeline.records import ExtractRequest, RawPost, make_doc_id  # noqa: E402
from pipeline.reprocess import ReprocessOptions, run_reprocess  # noqa: E402
from pipeline.services import ELASTICSEARCH, default_ports, down, ensure_running  # noqa: E402
from pipeline.settings import ElasticsearchSettings, Settings  # noqa: E402

TARGET = 0.8


def _archive(path: Path, count: int) -> list[RawPost]:
    """Write ``count`` RawPosts to ``path``; return the first few hundred for the NLP sample."""
    rows = [json.loads(line) for line in
            (ROOT / "fixtures" / "sites" / "expected_posts.jsonl").read_text().splitlines()]
    collected = datetime.now(UTC)
    sample: list[RawPost] = []
    with path.open("w", encoding="utf-8") as out:
        for copy, row in enumerate(islice(cycle(rows), count)):
            native = f"{row['native_id']}-r{copy}"
            post = RawPost(
                doc_id=make_doc_id(row["platform"], row["source"], native),
                platform=row["platform"], source=row["source"], native_id=native,
                url=f"http://127.0.0.1/{row['source']}/{native}",
                author={"handle": row["author"]},
                published_at=datetime.fromisoformat(row["published_at"]),
                collected_at=collected, text=row["text"],
                crawl={"spider": row["platform"], "fetched_url": "http://127.0.0.1/bench"},
            )
            out.write(post.model_dump_json() + "\n")
            if copy < len(rows):
                sample.append(post)
    return sample


def _nlp_alone(posts: list[RawPost], count: int, batch_size: int) -> float:
    """Posts/s of the annotator alone on one core over ``count`` posts (after a warm-up)."""
    annotator = load_annotator()
    requests = [ExtractRequest(id=p.doc_id, text=p.text, platform=p.platform,
                               lang=p.lang_hint) for p in islice(cycle(posts), count)]
    annotator.annotate(requests[:batch_size])
    began = time.perf_counter()
    for start in range(0, len(requests), batch_size):
        annotator.annotate(requests[start : start + batch_size])
    return len(requests) / (time.perf_counter() - began)


def _nlp_pool(posts: list[RawPost], count: int, batch_size: int, workers: int) -> float:
    """Posts/s of ``centinela extract`` (NLP only, no index) with ``workers`` processes."""
    lines = b"".join(
        ExtractRequest(id=p.doc_id, text=p.text, platform=p.platform).model_dump_json().encode()
        + b"\n" for p in islice(cycle(posts), count))
    began = time.perf_counter()
    outcome = run_extract(io.BytesIO(lines), io.StringIO(), load_annotator,
                          batch_size=batch_size, workers=workers)
    return outcome.extracted / (time.perf_counter() - began)


def main() -> int:
    """Run the benchmark and print its figures; exit 1 when the run did not verify."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--nlp-sample", type=int, default=4000)
    args = parser.parse_args()

    settings = Settings()
    started = ensure_running([ELASTICSEARCH], settings=settings)
    url = f"http://127.0.0.1:{default_ports(settings)[ELASTICSEARCH]}"
    es_settings = ElasticsearchSettings(url=url, index_prefix=f"bench-{uuid.uuid4().hex[:8]}-")
    client = client_from_settings(es_settings, timeout_s=120)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            began = time.perf_counter()
            sample = _archive(folder / "posts.jsonl", args.posts)
            print(f"archive: {args.posts:,} posts in {time.perf_counter() - began:.1f} s")
            before = _nlp_alone(sample, args.nlp_sample, args.batch_size)
            print(f"NLP alone, 1 worker, before: {before:,.0f} posts/s "
                  f"({args.nlp_sample:,} posts)")
            options = ReprocessOptions(archive=folder, checkpoint=folder / "cp.json",
                                       workers=args.workers, batch_size=args.batch_size,
                                       flush_every=2048)
            letters = DeadLetterFile(folder / "dead_letters.jsonl")
            report = run_reprocess(client, es_settings, options, load_annotator, letters)
            letters.close()
            after = _nlp_alone(sample, args.nlp_sample, args.batch_size)
            print(f"NLP alone, 1 worker, after: {after:,.0f} posts/s")
            alone = (before + after) / 2
            pool = _nlp_pool(sample, args.nlp_sample * args.workers, args.batch_size,
                             args.workers)
            print(f"NLP alone, {args.workers} workers (centinela extract): {pool:,.0f} posts/s")
    finally:
        client.indices.delete(index=f"{es_settings.index_prefix}*", ignore_unavailable=True)
        client.close()
        if started:
            down([ELASTICSEARCH], settings=settings)
    rate = report.indexed / report.elapsed_s
    ratio = rate / (args.workers * alone)
    check = report.verification
    print(f"reprocess, {args.workers} workers: {report.indexed:,} posts in "
          f"{report.elapsed_s:.1f} s = {rate:,.0f} posts/s; dead letters {report.dead_letters}; "
          f"verified {check is not None and check.ok}; swapped {report.swapped}")
    print(f"ratio posts/s ÷ ({args.workers} × NLP alone) = {ratio:.2f} (target ≥ {TARGET})")
    print(f"ratio posts/s ÷ NLP-only pool of {args.workers} = {rate / pool:.2f} "
          "(what indexing, checkpoints and checks cost on this machine)")
    return 0 if check is not None and check.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
