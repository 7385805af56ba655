"""Re-processing straight from the crawl's WARC files: same posts, same doc_ids, resumable."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, helpers

from indexer.elastic import alias_name, live_index
from pipeline.dead_letters import DeadLetterFile, read_dead_letters
from pipeline.records import RawPost
from pipeline.reprocess import ReprocessOptions, run_reprocess
from pipeline.reprocess_plan import Selection, plan_reprocess
from pipeline.reprocess_sources import JsonLinesSource, SourceError, open_source
from pipeline.reprocess_warc import WarcSource
from pipeline.reprocess_work import Checkpoint
from pipeline.settings import ElasticsearchSettings
from tests.reprocess.conftest import V2, v2_factory


class Interrupted(Exception):
    """Raised by the test hook to stop a run mid-way."""


@pytest.fixture(scope="module")
def warc_only(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the crawl's WARC file(s) and no posts.jsonl."""
    folder = tmp_path_factory.mktemp("warc-only")
    for warc in archive.glob("*.warc.gz"):
        shutil.copy(warc, folder / warc.name)
    return folder


def _posts(source: WarcSource | JsonLinesSource) -> dict[str, RawPost]:
    return {p.doc_id: p for _pos, raw in source.scan() if isinstance(raw, bytes)
            for p in [RawPost.model_validate_json(raw)]}


def test_warc_gives_the_posts_and_doc_ids_of_the_jsonl_archive(
    archive: Path, warc_only: Path, archived_posts: dict[str, RawPost],
) -> None:
    assert isinstance(open_source(archive=warc_only), WarcSource)  # no posts.jsonl: WARC
    assert isinstance(open_source(archive=archive), JsonLinesSource)
    from_warc = open_source(archive=archive, from_warc=True)
    assert isinstance(from_warc, WarcSource)

    jsonl_plan = plan_reprocess(archive, Selection())
    warc_plan = plan_reprocess(from_warc, Selection())
    assert warc_plan.selected == jsonl_plan.selected == len(archived_posts)
    assert set(warc_plan.positions) == set(jsonl_plan.positions) == set(archived_posts)
    assert warc_plan.by_source() == jsonl_plan.by_source()
    # The posts themselves are the crawl's, down to the WARC record they came from.
    for doc_id, post in _posts(from_warc).items():
        crawled = archived_posts[doc_id]
        assert post.model_dump(exclude={"collected_at"}) == crawled.model_dump(
            exclude={"collected_at"})
    # The misbehaving fixture pages that parse with errors are dead letters, with their bytes.
    assert warc_plan.dead_letters
    assert all(letter.stage == "reprocess" and letter.payload() for letter in
               warc_plan.dead_letters)
    telegram = plan_reprocess(from_warc, Selection(platforms=("telegram",)))
    assert telegram.selected == sum(p.platform == "telegram" for p in archived_posts.values())


def test_unreadable_or_cut_warc(tmp_path: Path, warc_only: Path) -> None:
    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(b"this is not a WARC file at all\n" * 10)
    with pytest.raises(SourceError, match=r"cannot read WARC .*garbage\.warc\.gz"):
        WarcSource(garbage)
    whole = gzip.decompress(next(warc_only.glob("*.warc.gz")).read_bytes())
    full = plan_reprocess(WarcSource(_write(tmp_path / "full.warc", whole)), Selection())
    tail = _write(tmp_path / "tail.warc", whole + b"NOT A WARC RECORD\r\n")
    plan = plan_reprocess(WarcSource(tail), Selection())
    assert plan.selected == full.selected  # every record before the garbage is read
    [letter] = plan.dead_letters[len(full.dead_letters):]
    assert re.fullmatch(
        rf"cannot read WARC {re.escape(str(tail))} from offset {len(whole)} on \(after \d+ "
        r"response records\): ArchiveLoadFailed: .*NOT A WARC RECORD", letter.error_message)
    # A killed crawl's file, cut inside a record's payload: a dead letter, not silence.
    record = whole.index(b"WARC-Type: response", len(whole) // 2)
    http_headers_end = whole.index(b"\r\n\r\n", whole.index(b"\r\n\r\n", record) + 4)
    cut = _write(tmp_path / "cut.warc", whole[: http_headers_end + 4 + 20])
    plan = plan_reprocess(WarcSource(cut), Selection())
    assert 0 < plan.selected < full.selected
    assert "WARC record truncated" in plan.dead_letters[-1].error_message
    with pytest.raises(FileNotFoundError, match="no archive"):
        open_source(archive=tmp_path / "missing", from_warc=True)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.integration
def test_warc_reprocess_interrupted_then_resumed(
    es: Elasticsearch, es_settings: ElasticsearchSettings, warc_only: Path,
    archived_posts: dict[str, RawPost], v1_index: str, dead_letters: DeadLetterFile,
    tmp_path: Path,
) -> None:
    options = ReprocessOptions(archive=warc_only, checkpoint=tmp_path / "cp.json", workers=2,
                               batch_size=32, flush_every=96, sample_size=5)

    def stop_after_two(checkpoint: Checkpoint) -> None:
        if checkpoint.indexed >= 2 * 96:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_reprocess(es, es_settings, options, v2_factory(), dead_letters,
                      on_flush=stop_after_two)
    saved = Checkpoint.load(options.checkpoint)
    assert saved.source["kind"] == "warc"
    assert 0 < saved.done_lanes()[0] < len(archived_posts)
    assert live_index(es, es_settings.index_prefix) == v1_index

    resumed = ReprocessOptions(**{**options.__dict__, "resume": True})
    report = run_reprocess(es, es_settings, resumed, v2_factory(), dead_letters)

    assert report.verification is not None and report.verification.ok, report.verification
    assert report.swapped and report.target_index == saved.target_index
    assert report.indexed == len(archived_posts)
    alias = alias_name(es_settings.index_prefix)
    ids = [hit["_id"] for hit in helpers.scan(es, index=alias, _source=False)]
    assert len(ids) == len(set(ids)) == len(archived_posts) and set(ids) == set(archived_posts)
    assert es.count(index=alias, q=f'nlp_version:"{V2}"')["count"] == len(archived_posts)
    letters = list(read_dead_letters(dead_letters.path))
    assert letters and all(letter.stage == "reprocess" for letter in letters)
    assert len(letters) == len(report.plan.dead_letters)  # reported once, not again on resume
