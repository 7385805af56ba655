"""The posts file across a kill (torn last line) and its compaction; the state's own file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.outfile import compact_by_doc_id, open_posts_out
from crawlers.state import CrawlState
from pipeline.errors import ConfigurationError


def _line(doc_id: str, text: str) -> str:
    return json.dumps({"doc_id": doc_id, "text": text}) + "\n"


def test_append_cuts_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(_line("a", "one") + _line("b", "two") + '{"doc_id": "c", "te')
    with open_posts_out(path, append=True) as out:
        out.write(_line("c", "three"))
    assert [json.loads(x)["doc_id"] for x in path.read_text().splitlines()] == ["a", "b", "c"]


def test_append_to_a_file_that_is_only_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text('{"doc_id": "a"')
    with open_posts_out(path, append=True) as out:
        out.write(_line("a", "one"))
    assert path.read_text() == _line("a", "one")


def test_without_append_the_file_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(_line("a", "one"))
    with open_posts_out(path, append=False) as out:
        out.write(_line("b", "two"))
    assert path.read_text() == _line("b", "two")


def test_compaction_keeps_the_last_copy_of_each_doc_id(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(_line("a", "one") + _line("b", "two") + _line("a", "one, edited")
                    + _line("b", "two"))
    assert compact_by_doc_id(path) == 2
    assert path.read_text() == _line("a", "one, edited") + _line("b", "two")
    assert compact_by_doc_id(path) == 0


def test_compaction_refuses_a_line_that_is_not_a_post(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(_line("a", "one") + "[1, 2]\n" + _line("a", "one"))
    with pytest.raises(ValueError, match="posts.jsonl:2"):
        compact_by_doc_id(path)
    assert path.read_text().count("\n") == 3, "left as it was"


def test_corrupt_state_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "seen.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigurationError, match="corrupt crawl state"):
        CrawlState(tmp_path)
