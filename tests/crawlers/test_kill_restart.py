"""A crawl killed with SIGKILL mid-way and restarted on the same state loses nothing.

The posts file is appended to across both runs (``--append``); posts delivered after the last
checkpoint of the killed run are delivered again (downstream is idempotent on doc_id), and
the finished run compacts the file to one line per doc_id.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from crawlers.collect import CHECKPOINT_EVERY
from crawlers.fixture_server import DEFAULT_SITES, FixtureServer
from tests.crawlers.conftest import PROJECT, WATCHLIST


def _command(base_url: str, tmp: Path, stats: str) -> list[str]:
    return [sys.executable, "-m", "crawlers.run", "--watchlist", str(WATCHLIST),
            "--base-url", base_url, "--exclude-tag", "misbehaving", "--append",
            "--out", str(tmp / "posts.jsonl"), "--state-dir", str(tmp / "state"),
            "--stats", str(tmp / stats), "--concurrent-requests", "2", "--no-autothrottle",
            "--log-level", "WARNING"]


def _complete_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    data = path.read_bytes()
    return data[: data.rfind(b"\n") + 1].decode().splitlines()


def test_killed_crawl_restarts_without_loss(
        tmp_path: Path, expected_posts: dict[str, dict[str, Any]]) -> None:
    out = tmp_path / "posts.jsonl"
    env = {"PYTHONPATH": str(PROJECT), "PATH": "/usr/bin:/bin"}
    with FixtureServer(DEFAULT_SITES, delay_s=0.01) as server, \
            (tmp_path / "stderr1.txt").open("w") as err:
        first = subprocess.Popen(_command(server.base_url, tmp_path, "stats1.json"),
                                 cwd=tmp_path, env=env, stdout=err, stderr=err)
        deadline = time.monotonic() + 60
        while len(_complete_lines(out)) < 0.4 * len(expected_posts):
            assert first.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, "the crawl wrote too little"
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
        assert not (tmp_path / "stats1.json").exists(), "killed before the end"
        before_restart = {json.loads(line)["doc_id"] for line in _complete_lines(out)}
        assert len(before_restart) < len(expected_posts)

        second = subprocess.run(_command(server.base_url, tmp_path, "stats2.json"),
                                cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=120, check=False)
    assert second.returncode == 0, second.stderr[-3000:]
    stats = json.loads((tmp_path / "stats2.json").read_text())
    assert stats["finished"] is True

    final = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ids = [p["doc_id"] for p in final]
    assert set(ids) == set(expected_posts), "no doc_id lost, none invented"
    assert len(ids) == len(set(ids)), "the stored result holds every doc_id once"

    redelivered = len(before_restart) + stats["posts"] - len(expected_posts)
    print(f"killed after {len(before_restart)} posts; restart delivered {stats['posts']}, "
          f"{redelivered} of them again; {stats['known_posts']} skipped as already recorded")
    assert stats["known_posts"] > 0, "the restart skipped what the killed run checkpointed"
    assert 0 <= redelivered <= CHECKPOINT_EVERY, "only the last window is re-delivered"
    assert stats["out_duplicates_removed"] == redelivered
