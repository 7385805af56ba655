"""Streaming throughput and latency: Kafka → 2 NLP workers → indexer → Elasticsearch.

One run, on the fixture crawl replicated to N posts (fresh doc_ids), each phase under its
own topic/index prefix, against the real local Kafka and Elasticsearch (started if needed,
stopped again if this run started them):

1. NLP alone: ``Extractor.annotate`` in ``--nlp-workers`` processes at once (posts/s);
2. raw ``_bulk``: the same documents (``to_document``) with ``helpers.bulk`` into a fresh
   index of the posts mapping, until searchable;
3. indexer alone: ``centinela index`` draining a pre-filled enriched topic, until searchable;
4. end to end: ``--nlp-workers`` × ``centinela nlp`` + ``centinela index`` draining a
   pre-filled raw topic, until searchable;
5. latency: RawPosts published at half the end-to-end rate, seconds to searchable.

    python bench/stream_bench.py [--posts 50000] [--quick] [--json out.json]

Worker tuning goes through the usual env (``CENTINELA_NLP__BATCH_SIZE``,
``CENTINELA_ELASTICSEARCH__BULK_MAX_DOCS`` ...), which the workers inherit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from _stream_corpus import crawl_fixture_posts, enriched_twins, nlp_alone, replicate
from _stream_latency import latency
from _stream_phases import (
    cleanup,
    cpu_snapshot,
    prefill,
    raw_bulk,
    run_workers,
    service_pids,
    target,
)

from indexer.elastic import client_from_settings, document_bytes, to_document
from pipeline.records import RawPost
from pipeline.services import down, ensure_running
from pipeline.settings import Settings
from pipeline.stream_mode import stop_workers

TARGETS = {"e2e_vs_nlp": 0.8, "indexer_vs_raw_bulk": 0.7, "latency_p95_s": 5.0}


def _load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def _percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def _phase_nlp(args: argparse.Namespace, settings: Settings, posts: list[RawPost],
               result: dict[str, Any]) -> None:
    rate, _seconds, cpu_ms = nlp_alone(posts, args.nlp_workers, settings.nlp.batch_size)
    result.update(nlp_alone=rate, cpu_ms_per_post_nlp_alone=cpu_ms, load_after_nlp=_load())


def run(args: argparse.Namespace, settings: Settings, workdir: Path) -> dict[str, Any]:
    """Run every phase once; return the figures (also what ``--json`` writes)."""
    run_id = f"bench{uuid.uuid4().hex[:6]}"
    prefixes = [f"{run_id}{part}" for part in ("r", "i", "e")]
    client = client_from_settings(settings.elasticsearch, timeout_s=120)
    env = dict(os.environ)
    services = service_pids(settings)
    result: dict[str, Any] = {"posts": args.posts, "nlp_workers": args.nlp_workers,
                              "cpus": os.cpu_count(), "load_start": _load(),
                              "nlp_batch_size": settings.nlp.batch_size,
                              "bulk_max_docs": settings.elasticsearch.bulk_max_docs}
    base = crawl_fixture_posts(workdir)
    posts = replicate(base, args.posts)
    enriched = enriched_twins(base, args.posts)
    result["fixture_posts"] = len(base)
    say = print if args.verbose else (lambda *_a: None)

    say(f"[1/5] NLP alone, {args.nlp_workers} processes (load {_load()})")
    _phase_nlp(args, settings, posts, result)
    try:
        say(f"[2/5] raw _bulk (load {_load()})")
        bodies = [(p.doc_id, document_bytes(to_document(p)).decode("utf-8")) for p in enriched]
        es_before = cpu_snapshot({"elasticsearch": [services["elasticsearch"]]}
                                 if "elasticsearch" in services else {})
        raw = raw_bulk(client, f"{prefixes[0]}-rawbulk", bodies, settings)
        es_after = cpu_snapshot({name: [services[name]] for name in es_before})
        result["raw_bulk"] = raw.wall_rate
        result["cpu_ms_per_post_raw_bulk"] = {
            name: 1000 * (es_after[name] - es_before[name]) / args.posts for name in es_before
        }

        say(f"[3/5] indexer alone (load {_load()})")
        alone = target(settings, env, prefixes[1], workdir)
        result["indexer_prefill_s"] = prefill(alone.settings, settings.kafka.enriched_topic,
                                              enriched)
        timing, cpu, workers = run_workers(alone, client, ["index"], args.posts, services)
        stop_workers(workers)
        result.update(indexer=timing.steady_rate, indexer_wall=timing.wall_rate,
                      cpu_ms_per_post_indexer=cpu)

        say(f"[4/5] end to end (load {_load()})")
        e2e = target(settings, env, prefixes[2], workdir)
        result["e2e_prefill_s"] = prefill(e2e.settings, settings.kafka.raw_topic, posts)
        commands = ["nlp"] * args.nlp_workers + ["index"]
        timing, cpu, workers = run_workers(e2e, client, commands, args.posts, services)
        try:
            result.update(e2e=timing.steady_rate, e2e_wall=timing.wall_rate,
                          cpu_ms_per_post_e2e=cpu, load_after_e2e=_load())
            rate = result["e2e"] / 2
            fresh = replicate(base, max(50, int(rate * args.latency_seconds)), generation="l")
            say(f"[5/5] latency at {rate:.0f} posts/s for {len(fresh)} posts (load {_load()})")
            seconds = latency(e2e, client, fresh, rate)
        finally:
            stop_workers(workers)
    finally:
        if not args.keep_data:
            cleanup(settings, client, prefixes)
    result.update(latency_rate=rate, latency_posts=len(seconds),
                  latency_p50_s=_percentile(seconds, 0.50),
                  latency_p95_s=_percentile(seconds, 0.95), latency_max_s=seconds[-1])
    result["e2e_vs_nlp"] = result["e2e"] / result["nlp_alone"]
    result["indexer_vs_raw_bulk"] = result["indexer"] / result["raw_bulk"]
    result["load_end"] = _load()
    nlp_cpu, e2e_cpu = result["cpu_ms_per_post_nlp_alone"], result["cpu_ms_per_post_e2e"]
    result["nlp_worker_efficiency"] = nlp_cpu / e2e_cpu["nlp workers"]
    result["nlp_cpu_share_e2e"] = nlp_cpu / sum(e2e_cpu.values())
    return result


def _cpu(used: dict[str, float]) -> str:
    total = sum(used.values())
    return ", ".join(f"{name} {ms:.2f}" for name, ms in used.items()) + f"; total {total:.2f}"


def report(result: dict[str, Any]) -> str:
    """Return the human-readable table of ``result``."""
    ok = {
        "e2e_vs_nlp": result["e2e_vs_nlp"] >= TARGETS["e2e_vs_nlp"],
        "indexer_vs_raw_bulk": result["indexer_vs_raw_bulk"] >= TARGETS["indexer_vs_raw_bulk"],
        "latency_p95_s": result["latency_p95_s"] < TARGETS["latency_p95_s"],
    }
    mark = {key: "ok" if passed else "MISSED" for key, passed in ok.items()}
    n = result["nlp_workers"]
    lines = [
        f"posts: {result['posts']} ({result['fixture_posts']} crawled fixture posts replicated), "
        f"cpus {result['cpus']}, NLP batch {result['nlp_batch_size']}, "
        f"bulk {result['bulk_max_docs']} docs",
        f"load average (1/5/15 min): start {result['load_start']}, "
        f"after e2e {result['load_after_e2e']}, end {result['load_end']}",
        f"{'phase':<46}{'posts/s':>10}",
        f"{f'NLP alone ({n} processes, annotate only)':<46}{result['nlp_alone']:>10.1f}",
        f"{'raw _bulk (same documents, until searchable)':<46}{result['raw_bulk']:>10.1f}",
        f"{'indexer alone (steady; wall incl. start-up)':<46}{result['indexer']:>10.1f}"
        f"   (wall {result['indexer_wall']:.1f})",
        f"{f'end to end ({n} nlp + 1 index, steady)':<46}{result['e2e']:>10.1f}"
        f"   (wall {result['e2e_wall']:.1f})",
        f"ratio end-to-end / NLP alone:   {result['e2e_vs_nlp']:.2f}  (target >= 0.8) "
        f"{mark['e2e_vs_nlp']}",
        f"ratio indexer / raw _bulk:      {result['indexer_vs_raw_bulk']:.2f}  (target >= 0.7) "
        f"{mark['indexer_vs_raw_bulk']}",
        f"latency publish → searchable at {result['latency_rate']:.0f} posts/s "
        f"({result['latency_posts']} posts): p50 {result['latency_p50_s']:.2f} s, "
        f"p95 {result['latency_p95_s']:.2f} s (target < 5 s) {mark['latency_p95_s']}, "
        f"max {result['latency_max_s']:.2f} s",
        "CPU ms per post, steady state (less sensitive to other load than posts/s):",
        f"  NLP alone (annotate): {result['cpu_ms_per_post_nlp_alone']:.2f}",
        f"  raw _bulk: {_cpu(result['cpu_ms_per_post_raw_bulk'])}",
        f"  indexer alone: {_cpu(result['cpu_ms_per_post_indexer'])}",
        f"  end to end: {_cpu(result['cpu_ms_per_post_e2e'])}",
        f"NLP share of the NLP workers' CPU: {result['nlp_worker_efficiency']:.2f} "
        "(e2e / NLP alone if the NLP workers had their cores to themselves)",
        f"NLP share of all e2e CPU:          {result['nlp_cpu_share_e2e']:.2f} "
        "(the ceiling of e2e / NLP alone when Kafka and Elasticsearch share those cores)",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="3000 posts, 10 s of latency")
    parser.add_argument("--nlp-workers", type=int, default=2)
    parser.add_argument("--latency-seconds", type=float, default=45.0)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep-services", action="store_true",
                        help="leave Kafka/Elasticsearch running if this run started them")
    parser.add_argument("--keep-data", action="store_true", help="keep the topics and indices")
    parser.add_argument("--verbose", "-v", action="store_true", help="print each phase")
    args = parser.parse_args()
    if args.quick:
        args.posts, args.latency_seconds = 3000, 10.0
    settings = Settings()
    started = ensure_running(settings=settings)
    workdir = Path(tempfile.mkdtemp(prefix="stream-bench-"))
    try:
        result = run(args, settings, workdir)
        shutil.rmtree(workdir)
    except BaseException:
        print(f"stream bench failed; worker logs kept in {workdir}")
        raise
    finally:
        if started and not args.keep_services:
            down(started, settings=settings)
    print(report(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
