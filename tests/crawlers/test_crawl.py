"""Real-HTTP crawls of the fixture sites through ``python -m crawlers.run`` subprocesses.

Scrapy's reactor starts once per process, so every crawl here is its own subprocess.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crawlers.fixture_server import FixtureServer
from tests.crawlers.conftest import PROJECT, WATCHLIST


@dataclass
class CrawlOutput:
    posts: list[dict[str, Any]]
    dead_letters: list[dict[str, Any]]
    stats: dict[str, Any]
    stderr: str


def run_crawl(tmp: Path, base_url: str, *extra: str,
              watchlist: Path = WATCHLIST) -> CrawlOutput:
    out, dead, stats = tmp / "posts.jsonl", tmp / "dead.jsonl", tmp / "stats.json"
    proc = subprocess.run(
        [sys.executable, "-m", "crawlers.run", "--watchlist", str(watchlist),
         "--base-url", base_url, "--out", str(out), "--dead-letters", str(dead),
         "--stats", str(stats), "--log-level", "WARNING", *extra],
        cwd=tmp, capture_output=True, text=True, timeout=120, check=False,
        env={"PYTHONPATH": str(PROJECT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]

    def lines(path: Path) -> list[dict[str, Any]]:
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]

    return CrawlOutput(lines(out), lines(dead), json.loads(stats.read_text()), proc.stderr)


@pytest.fixture(scope="module")
def full_crawl(server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlOutput:
    return run_crawl(tmp_path_factory.mktemp("crawl"), server.base_url)


def test_full_crawl_yields_exactly_the_expected_posts(
        full_crawl: CrawlOutput, expected_posts: dict[str, dict[str, Any]]) -> None:
    got = {p["doc_id"]: p for p in full_crawl.posts}
    assert len(got) == len(full_crawl.posts), "a post was emitted twice"
    assert set(got) == set(expected_posts)
    for doc_id, want in expected_posts.items():
        post = got[doc_id]
        assert post["text"] == want["text"], doc_id
        assert post["published_at"].replace("Z", "+00:00") == want["published_at"], doc_id
        assert (post["platform"], post["source"], post["native_id"]) == (
            want["platform"], want["source"], want["native_id"])
        assert post["author"]["handle"] == want["author"]
        assert post["edited"] is want["edited"], doc_id


def test_full_crawl_counts_every_source_and_page(
        full_crawl: CrawlOutput, expected_posts: dict[str, dict[str, Any]]) -> None:
    by_source: dict[str, int] = {}
    for rec in expected_posts.values():
        by_source[rec["source"]] = by_source.get(rec["source"], 0) + 1
    assert full_crawl.stats["posts_by_source"] == dict(sorted(by_source.items()))
    assert full_crawl.stats["posts"] == len(expected_posts)
    assert full_crawl.stats["duplicate_posts"] == 0
    assert full_crawl.stats["pages_fetched"] >= 190


def test_misbehaving_pages_end_as_counted_failures(full_crawl: CrawlOutput) -> None:
    assert full_crawl.stats["failures_by_reason"] == {
        "http_404": 1, "http_429": 1, "http_503": 1, "redirect_loop": 1, "robots_txt": 1,
        "too_large": 1,
    }
    failed = {f["source"]: f["reason"] for f in full_crawl.stats["failures"]}
    assert failed == {"9999999999": "http_404", "bad_429": "http_429", "bad_5xx": "http_503",
                      "bad_loop": "redirect_loop", "privado.cuenta": "robots_txt",
                      "bad_big": "too_large"}


def test_malformed_pages_become_dead_letters_with_original_bytes(
        full_crawl: CrawlOutput, sites_dir: Path) -> None:
    assert full_crawl.stats["dead_letters"] == len(full_crawl.dead_letters) == 3
    by_page = {d["error_message"].split(": ", 1)[0].rsplit("/", 1)[-1]: d
               for d in full_crawl.dead_letters}
    assert set(by_page) == {"truncated-state", "broken-html", "wrong-charset"}
    for name, letter in by_page.items():
        assert letter["stage"] == "crawl" and letter["error_type"] == "PageError"
        original = (sites_dir / "bad" / name / "index.html").read_bytes()
        assert base64.b64decode(letter["payload_b64"]) == original
    assert "JSON" in by_page["truncated-state"]["error_message"]
    assert "utf-8" in by_page["wrong-charset"]["error_message"]


def test_slow_page_past_the_timeout_is_a_timeout(server: FixtureServer, tmp_path: Path) -> None:
    watchlist = tmp_path / "slow.toml"
    watchlist.write_text('[[sources]]\nplatform = "telegram"\nsource_id = "bad_slow"\n'
                         'start_url = "{base_url}/bad/slow"\n')
    out = run_crawl(tmp_path, server.base_url, "--download-timeout", "0.5",
                    "--retry-times", "1", watchlist=watchlist)
    assert out.posts == []
    assert out.stats["failures_by_reason"] == {"timeout": 1}


def test_crawl_runs_once_per_process(server: FixtureServer, tmp_path: Path) -> None:
    script = (
        "from crawlers.run import crawl\n"
        "from crawlers.watchlist import Source\n"
        "from pipeline.settings import CrawlSettings\n"
        f"src = [Source(platform='telegram', source_id='chemen_ayiti_usa', "
        f"start_url='{server.base_url}/s/chemen_ayiti_usa')]\n"
        "posts = []\n"
        "stats = crawl(src, on_post=posts.append, on_dead_letter=print, "
        "settings=CrawlSettings(), log_level='WARNING')\n"
        "assert stats.posts == len(posts) > 0, stats\n"
        "try:\n"
        "    crawl(src, on_post=posts.append, on_dead_letter=print, settings=CrawlSettings())\n"
        "except RuntimeError as exc:\n"
        "    print('second:', exc)\n"
        "print('posts:', len(posts))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=False,
                          env={"PYTHONPATH": str(PROJECT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "second: crawl() can run once per process" in proc.stdout
    assert "posts: 26" in proc.stdout


def test_retry_after_is_honoured_then_counted(server: FixtureServer, tmp_path: Path) -> None:
    watchlist = tmp_path / "429.toml"
    watchlist.write_text('[[sources]]\nplatform = "telegram"\nsource_id = "bad_429"\n'
                         'start_url = "{base_url}/bad/429"\n')
    out = run_crawl(tmp_path, server.base_url, "--retry-times", "2", "--log-level", "INFO",
                    watchlist=watchlist)
    assert out.stats["failures_by_reason"] == {"http_429": 1}
    assert out.stderr.count("Retry-After 1.0s") == 2, "one wait per retry, none after the last"


def test_unreachable_host_is_a_connection_failure(tmp_path: Path) -> None:
    watchlist = tmp_path / "down.toml"
    watchlist.write_text('[[sources]]\nplatform = "facebook"\nsource_id = "1"\n'
                         'start_url = "{base_url}/groups/1"\n')
    out = run_crawl(tmp_path, "http://127.0.0.1:9", "--retry-times", "0", watchlist=watchlist)
    assert out.posts == [] and out.dead_letters == []
    assert out.stats["failures_by_reason"] == {"connection": 1}
