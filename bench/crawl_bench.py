"""Crawl throughput and memory: the fixture corpus against ``scrapy bench``, in one run.

1. ``scrapy bench`` (Scrapy's own loopback benchmark) runs as a subprocess from this venv;
   its pages/min is read from its log (pages crawled over the spider's elapsed time).
2. A fixture corpus of ``--posts`` posts is generated into a temp dir, served by
   ``python -m crawlers.fixture_server`` in its own process (as ``scrapy bench`` serves its
   pages), and crawled by ``python -m crawlers.run`` with a state dir (durable checkpoints
   included). Its pages/s, posts/s and peak RSS (from ``wait4``) are measured.

Prints both and the ratio of pages/min (target >= 0.5).

    python bench/crawl_bench.py [--posts 5000] [--concurrent-requests 16] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
TARGET_RATIO = 0.5


def scrapy_bench(seconds: int) -> dict[str, Any]:
    """Run ``scrapy bench`` for ``seconds`` and return its pages, elapsed time and pages/min."""
    scrapy = VENV_BIN / "scrapy"
    with tempfile.TemporaryDirectory() as cwd:  # outside any Scrapy project
        proc = subprocess.run([str(scrapy), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
                              cwd=cwd, capture_output=True, text=True, timeout=seconds + 120,
                              check=False)
    log = proc.stderr
    if proc.returncode != 0:
        raise RuntimeError(f"scrapy bench failed ({proc.returncode}): {log[-2000:]}")
    pages = int(_stat(log, "response_received_count"))
    elapsed = _stat(log, "elapsed_time_seconds")
    rates = [int(m) for m in re.findall(r"Crawled \d+ pages \(at (\d+) pages/min\)", log)]
    return {"pages": pages, "elapsed_s": elapsed, "pages_per_min": pages / elapsed * 60,
            "logstats_pages_per_min": rates[1:]}


def _stat(log: str, name: str) -> float:
    match = re.search(rf"'{name}': ([0-9.]+)", log)
    if match is None:
        raise RuntimeError(f"scrapy bench log has no {name}")
    return float(match.group(1))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"fixture server did not listen on port {port}")


def fixture_crawl(posts: int, concurrency: int, seed: int = 11) -> dict[str, Any]:
    """Generate, serve and crawl a corpus of ``posts`` posts; return throughput and memory."""
    from crawlers.sitegen import generate_sites

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        generate_sites(seed, posts, tmp / "sites")
        expected = len((tmp / "sites" / "expected_posts.jsonl").read_text().splitlines())
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "crawlers.fixture_server", "--port", str(port),
             "--sites", str(tmp / "sites")], env=env, cwd=tmp,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(port)
            started = time.monotonic()
            with (tmp / "crawl.log").open("w") as log:
                crawl = subprocess.Popen(
                    [sys.executable, "-m", "crawlers.run", "--watchlist",
                     str(ROOT / "fixtures" / "watchlist.toml"), "--exclude-tag", "misbehaving",
                     "--base-url", f"http://127.0.0.1:{port}", "--out", str(tmp / "posts.jsonl"),
                     "--state-dir", str(tmp / "state"), "--stats", str(tmp / "stats.json"),
                     "--concurrent-requests", str(concurrency), "--no-autothrottle",
                     "--log-level", "WARNING"], env=env, cwd=tmp, stdout=log, stderr=log)
                _, status, usage = os.wait4(crawl.pid, 0)
                crawl.returncode = os.waitstatus_to_exitcode(status)
            wall = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
        if crawl.returncode != 0:
            raise RuntimeError(f"crawl failed: {(tmp / 'crawl.log').read_text()[-2000:]}")
        stats = json.loads((tmp / "stats.json").read_text())
    elapsed = stats["elapsed_s"]
    return {"corpus_posts": posts, "expected_posts": expected, "posts": stats["posts"],
            "pages": stats["pages_fetched"], "failures": stats["failures_by_reason"],
            "crawl_s": elapsed, "process_wall_s": wall,
            "pages_per_s": stats["pages_fetched"] / elapsed,
            "posts_per_s": stats["posts"] / elapsed,
            "pages_per_min": stats["pages_fetched"] / elapsed * 60,
            "posts_per_s_with_startup": stats["posts"] / wall,
            "peak_rss_mb": usage.ru_maxrss / 1024, "concurrent_requests": concurrency}


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print the table; exit 1 if a crawl lost posts."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--concurrent-requests", type=int, default=16,
                        help="the crawl's concurrency (scrapy bench uses Scrapy's default, 16)")
    parser.add_argument("--scrapy-bench-seconds", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    base = scrapy_bench(args.scrapy_bench_seconds)
    ours = fixture_crawl(args.posts, args.concurrent_requests)
    ratio = ours["pages_per_min"] / base["pages_per_min"]
    rows = [
        ("scrapy bench", f"{base['pages']}", "-", f"{base['elapsed_s']:.1f}",
         f"{base['pages_per_min'] / 60:.1f}", "-", f"{base['pages_per_min']:.0f}", "-"),
        (f"fixture crawl ({ours['expected_posts']} posts)", f"{ours['pages']}",
         f"{ours['posts']}", f"{ours['crawl_s']:.1f}", f"{ours['pages_per_s']:.1f}",
         f"{ours['posts_per_s']:.1f}", f"{ours['pages_per_min']:.0f}",
         f"{ours['peak_rss_mb']:.0f}"),
    ]
    header = ("run", "pages", "posts", "seconds", "pages/s", "posts/s", "pages/min", "peak MB")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(f"\nratio of pages/min, fixture crawl / scrapy bench: {ratio:.2f} "
          f"({verdict} the {TARGET_RATIO} target)")
    print(f"crawl process wall time incl. interpreter and Scrapy start: "
          f"{ours['process_wall_s']:.1f} s ({ours['posts_per_s_with_startup']:.1f} posts/s); "
          f"concurrency {ours['concurrent_requests']}, autothrottle off, state dir on; "
          f"scrapy bench logstats pages/min: {base['logstats_pages_per_min']}")
    if args.json:
        args.json.write_text(json.dumps({"scrapy_bench": base, "fixture_crawl": ours,
                                         "ratio": ratio}, indent=2) + "\n")
    lost = ours["expected_posts"] - ours["posts"]
    if lost or ours["failures"]:
        print(f"crawl lost {lost} posts, failures {ours['failures']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
