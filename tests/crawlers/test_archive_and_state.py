"""Stretch features over real HTTP: WARC evidence for every response, incremental crawls."""

from __future__ import annotations

import json
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawlers.fixture_server import FixtureServer
from tests.crawlers.test_crawl import run_crawl


def test_warc_archive_and_high_water_mark(server: FixtureServer, tmp_path: Path) -> None:
    archive, state = tmp_path / "archive", tmp_path / "state"
    args = ("--tag", "channel-uk", "--tag", "haiti", "--tag", "page",
            "--archive-dir", str(archive), "--state-dir", str(state))
    first = run_crawl(tmp_path, server.base_url, *args)
    assert first.stats["posts"] > 100 and first.stats["known_posts"] == 0

    bodies: dict[str, bytes] = {}
    (warc,) = archive.glob("*.warc.gz")
    with warc.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                rid = record.rec_headers.get_header("WARC-Record-ID")
                bodies[rid] = record.content_stream().read()
    assert first.stats["warc_records"] == len(bodies) >= first.stats["pages_fetched"]
    archived = [json.loads(x) for x in (archive / "posts.jsonl").read_text().splitlines()]
    assert {p["doc_id"] for p in archived} == {p["doc_id"] for p in first.posts}
    for post in archived:
        page = bodies[post["crawl"]["warc_record_id"]]
        assert post["native_id"].split("_")[0].encode() in page

    marks = json.loads((state / "high_water.json").read_text())
    assert marks["telegram:passage_uk_calais"].endswith("+00:00")

    second = run_crawl(tmp_path, server.base_url, *args)
    assert second.posts == []
    assert second.stats["known_posts"] > 0
    assert second.stats["pages_fetched"] < first.stats["pages_fetched"], "stops paginating"
    assert len(list(archive.glob("*.warc.gz"))) == 2
