"""Selecting archived posts: filters, last copy wins, unreadable lines become dead letters."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.records import RawPost, make_doc_id
from pipeline.reprocess_plan import Selection, archive_file, plan_reprocess
from pipeline.reprocess_sources import ReprocessError
from pipeline.reprocess_work import Checkpoint


def _post(native_id: str, day: int, platform: str = "telegram", text: str = "hola") -> RawPost:
    source = "viajes_prueba"
    return RawPost(
        doc_id=make_doc_id(platform, source, native_id), platform=platform, source=source,
        native_id=native_id, url=f"http://127.0.0.1/s/{source}/{native_id}",
        author={"handle": "viajes_prueba"},
        published_at=datetime(2026, 1, day, tzinfo=UTC), collected_at=datetime.now(UTC),
        text=text, crawl={"spider": "telegram", "fetched_url": "http://127.0.0.1/s/x"},
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    lines = [
        _post("1", 1).model_dump_json(),
        _post("2", 5, platform="facebook").model_dump_json(),
        "{not json",
        _post("3", 9).model_dump_json(),
        _post("1", 1, text="hola editado").model_dump_json(),
        "",
    ]
    (tmp_path / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_every_post_once_last_copy_wins_bad_line_dead_lettered(archive: Path) -> None:
    plan = plan_reprocess(archive, Selection())
    assert plan.selected == 3
    assert plan.positions[_post("1", 1).doc_id] == (0, 5)
    assert [letter.line for letter in plan.dead_letters] == [3]
    assert plan.dead_letters[0].payload() == b"{not json"
    assert plan.by_source() == {("telegram", "viajes_prueba"): 2,
                                ("facebook", "viajes_prueba"): 1}


def test_filters_platform_and_dates(archive: Path) -> None:
    since, until = datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 9, tzinfo=UTC)
    assert plan_reprocess(archive, Selection(platforms=("telegram",))).selected == 2
    dated = plan_reprocess(archive, Selection(since=since, until=until))
    assert list(dated.positions) == [_post("2", 5, "facebook").doc_id]


def test_nlp_version_not_keeps_unindexed_and_other_versions(archive: Path) -> None:
    current = {_post("1", 1).doc_id: "v2", _post("3", 9).doc_id: "v1"}

    def lookup(ids: list[str]) -> dict[str, str]:
        return {doc_id: current[doc_id] for doc_id in ids if doc_id in current}

    plan = plan_reprocess(archive, Selection(nlp_version_not="v2"), lookup)
    assert set(plan.positions) == {_post("3", 9).doc_id, _post("2", 5, "facebook").doc_id}
    with pytest.raises(ValueError, match="live index"):
        plan_reprocess(archive, Selection(nlp_version_not="v2"))


def test_naive_dates_and_missing_archive_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone"):
        Selection(since=datetime(2026, 1, 1))  # noqa: DTZ001 - the error under test
    with pytest.raises(FileNotFoundError, match="posts.jsonl"):
        archive_file(tmp_path)


def test_checkpoint_round_trips_atomically(tmp_path: Path) -> None:
    path = tmp_path / "cp" / "checkpoint.json"
    saved = Checkpoint("idx", "2026-01-01T00:00:00+00:00", "v2", "every archived post",
                       source={"kind": "kafka", "ranges": {"0": [3, 9]}}, done={"0": 42},
                       indexed=40, dead_lettered_ids=["a"])
    saved.save(path)
    assert Checkpoint.load(path) == saved
    assert saved.done_lanes() == {0: 42}
    assert not path.with_suffix(".json.tmp").exists()


def test_an_unusable_checkpoint_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    path.write_text('{"target_index": "idx", "position": 42}', encoding="utf-8")
    with pytest.raises(ReprocessError, match="unreadable checkpoint .*delete it"):
        Checkpoint.load(path)
