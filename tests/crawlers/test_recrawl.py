"""Re-crawls with a state dir over real HTTP: new posts only, edits updated, deletions marked.

Each test generates small fixture sites into a temp dir, crawls them, changes them with
:class:`crawlers.sitegen.SiteChanges` (as a site changes between two visits) and crawls again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawlers.fixture_server import FixtureServer
from crawlers.sitegen import EXPECTED, SiteChanges, generate_sites
from tests.crawlers.test_crawl import CrawlOutput, run_crawl

SEED, POSTS = 7, 300
TELEGRAM, FACEBOOK, TIKTOK = "viajes_seguros_norte", "ViajesElPrimoOficial", "rumo.eua.br"
WATCHLIST = f"""
[[sources]]
platform = "telegram"
source_id = "{TELEGRAM}"
start_url = "{{base_url}}/s/{TELEGRAM}"

[[sources]]
platform = "facebook"
source_id = "{FACEBOOK}"
start_url = "{{base_url}}/{FACEBOOK}"

[[sources]]
platform = "tiktok"
source_id = "{TIKTOK}"
start_url = "{{base_url}}/@{TIKTOK}"
"""


class Site:
    """Generated sites in a temp dir, served on loopback, regenerated with changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sites = root / "sites"
        self.state = root / "state"
        self.watchlist = root / "watchlist.toml"
        self.watchlist.write_text(WATCHLIST, encoding="utf-8")
        self.runs = 0
        generate_sites(SEED, POSTS, self.sites)

    def expected(self) -> dict[str, dict[str, Any]]:
        lines = (self.sites / EXPECTED).read_text(encoding="utf-8").splitlines()
        return {r["doc_id"]: r for r in map(json.loads, lines)
                if r["source"] in (TELEGRAM, FACEBOOK, TIKTOK)}

    def change(self, changes: SiteChanges) -> None:
        generate_sites(SEED, POSTS, self.sites, changes)

    def crawl(self, base_url: str, *extra: str) -> CrawlOutput:
        self.runs += 1
        tmp = self.root / f"run{self.runs}"
        tmp.mkdir()
        return run_crawl(tmp, base_url, "--state-dir", str(self.state), "--no-autothrottle",
                         *extra,
                         watchlist=self.watchlist)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    s = Site(tmp_path)
    with FixtureServer(s.sites) as server:
        yield s, server.base_url


def _ids(out: CrawlOutput) -> list[str]:
    return [p["doc_id"] for p in out.posts]


def test_new_posts_in_a_source_are_the_only_ones_fetched(site: tuple[Site, str]) -> None:
    s, base_url = site
    before = s.expected()
    first = s.crawl(base_url)
    assert sorted(_ids(first)) == sorted(before)

    s.change(SiteChanges(add={TELEGRAM: 3, FACEBOOK: 2, TIKTOK: 2}))
    after = s.expected()
    second = s.crawl(base_url)
    new = set(after) - set(before)
    assert len(new) == 7
    assert sorted(_ids(second)) == sorted(new), "exactly the new posts, each once"
    assert second.stats["posts"] == 7 and second.stats["edited_posts"] == 0
    assert all(not p["edited"] and not p["deleted"] for p in second.posts)
    pages = first.stats["pages_by_source"], second.stats["pages_by_source"]
    assert pages[1][TELEGRAM] < pages[0][TELEGRAM], "stopped paginating the Telegram feed"
    assert pages[1][FACEBOOK] < pages[0][FACEBOOK], "stopped paginating the Facebook feed"
    for post in second.posts:
        assert post["text"] == after[post["doc_id"]]["text"]

    # a page that fails in the middle of a source read in full: no deletions from it
    next(s.sites.glob(f"s/{TELEGRAM}/_q_before=*.html")).unlink()
    third = s.crawl(base_url, "--full", "--retry-times", "0")
    assert third.stats["failures_by_reason"] == {"http_404": 1}
    assert third.posts == [] and third.stats["posts"] == third.stats["deleted_posts"] == 0
    assert third.stats["known_posts"] > 0


def test_edits_update_and_deletions_are_marked_not_lost(site: tuple[Site, str]) -> None:
    s, base_url = site
    before = s.expected()
    s.crawl(base_url)
    natives = {src: sorted((r["native_id"] for r in before.values() if r["source"] == src
                            and "_" not in r["native_id"]), key=int)
               for src in (TELEGRAM, FACEBOOK, TIKTOK)}
    edited_native = natives[TELEGRAM][-5]
    deleted = {(TELEGRAM, natives[TELEGRAM][3]), (TIKTOK, natives[TIKTOK][-2])}
    # a Facebook post that has comments: they disappear with it
    with_comments = next(r["native_id"].split("_")[0] for r in before.values()
                         if r["source"] == FACEBOOK and "_" in r["native_id"])
    deleted.add((FACEBOOK, with_comments))
    s.change(SiteChanges(delete=frozenset(deleted),
                         edit=frozenset({(TELEGRAM, edited_native)})))
    after = s.expected()
    gone = set(before) - set(after)
    assert len(gone) > len(deleted), "the comments of the Facebook post are gone too"

    second = s.crawl(base_url, "--full")
    got = {p["doc_id"]: p for p in second.posts}
    assert len(got) == len(second.posts)
    marked = {d for d, p in got.items() if p["deleted"]}
    assert marked == gone
    for doc_id in gone:
        assert got[doc_id]["text"] == before[doc_id]["text"], "last seen copy kept"
        assert got[doc_id]["published_at"].replace("Z", "+00:00") == before[doc_id][
            "published_at"]
    (edit,) = [p for p in second.posts if not p["deleted"]]
    assert edit["native_id"] == edited_native and edit["edited"] is True
    assert edit["text"] == after[edit["doc_id"]]["text"] != before[edit["doc_id"]]["text"]
    assert second.stats["deleted_posts"] == len(gone)
    assert second.stats["edited_posts"] == 1 and second.stats["posts"] == 0

    third = s.crawl(base_url, "--full")
    assert third.posts == [], "a deletion or an edit is reported once"
    assert third.stats["known_posts"] == len(after)
