"""Run the extractor over a gold file and print the evaluation and throughput.

python -m nlp.devrun fixtures/gold/dev.jsonl [--errors 30] [--write-levels]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from nlp.evaluate import evaluate, format_report
from nlp.extractor import Extractor
from pipeline.records import ExtractRequest, ExtractResult


def main(argv: list[str] | None = None) -> None:
    """Annotate the gold posts, score them and optionally record the levels."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--origin", default=None, help="only posts of this origin")
    parser.add_argument("--write-levels", action="store_true")
    args = parser.parse_args(argv)
    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line]
    if args.origin:
        gold = [g for g in gold if g.get("origin") == args.origin]
    extractor = Extractor.load()
    requests = [
        ExtractRequest(id=g["id"], text=g["text"], platform=g.get("platform")) for g in gold
    ]
    started = time.perf_counter()
    annotations = extractor.annotate(requests)
    elapsed = time.perf_counter() - started
    pred = [
        ExtractResult(id=r.id, **a.model_dump()).model_dump()
        for r, a in zip(requests, annotations, strict=True)
    ]
    report = evaluate(gold, pred)
    print(format_report(report))
    print(f"throughput: {len(gold) / elapsed:.0f} posts/s ({elapsed:.2f} s for {len(gold)} posts)")
    for line in report.errors[: args.errors]:
        print(line)
    if args.write_levels:
        path = args.gold.parent / "levels.json"
        path.write_text(json.dumps(report.levels(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
