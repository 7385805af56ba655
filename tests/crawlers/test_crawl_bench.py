"""Smoke test: ``bench/crawl_bench.py`` runs end to end at tiny sizes and prints its table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.crawlers.conftest import PROJECT


def test_crawl_bench_runs_at_tiny_sizes(tmp_path: Path) -> None:
    figures = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "crawl_bench.py"), "--posts", "40",
         "--scrapy-bench-seconds", "1", "--json", str(figures)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "scrapy bench" in proc.stdout and "ratio of pages/min" in proc.stdout
    data = json.loads(figures.read_text())
    crawl = data["fixture_crawl"]
    assert crawl["posts"] == crawl["expected_posts"] > 40, "comments count as posts"
    assert crawl["pages"] > 0 and crawl["peak_rss_mb"] > 10
    assert data["scrapy_bench"]["pages_per_min"] > 0
    assert data["ratio"] == crawl["pages_per_min"] / data["scrapy_bench"]["pages_per_min"]
