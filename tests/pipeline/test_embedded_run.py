"""`centinela run` end to end, as a user runs it: fixture sites over HTTP → store → alerts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.dead_letters import read_dead_letters
from pipeline.records import EnrichedPost

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CENTINELA_PATHS__DATA_DIR": str(data_dir)}
    env.pop("CENTINELA_SMTP__HOST", None)
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True, text=True, timeout=600, env=env, cwd=ROOT,
    )


def _row(output: str, label: str) -> int:
    for line in output.splitlines():
        if label in line:
            return int(line.rsplit("│", 2)[-2].strip().replace(",", ""))
    raise AssertionError(f"no '{label}' row in:\n{output}")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data_dir = tmp_path_factory.mktemp("embedded")
    done = _cli(data_dir, "run", "--quiet")
    assert done.returncode == 0, done.stderr[-3000:]
    return data_dir, done.stdout


def test_summary_counts_every_kind_of_finding(first_run: tuple[Path, str]) -> None:
    _, out = first_run
    expected = len((ROOT / "fixtures/sites/expected_posts.jsonl").read_text().splitlines())
    assert _row(out, "posts crawled") == expected
    assert _row(out, "posts enriched") == expected
    assert _row(out, "posts in the store") == expected
    for label in ("smuggling ads found", "prices extracted", "places extracted",
                  "contacts extracted", "aliases extracted", "alerts raised"):
        assert _row(out, label) > 0, label
    assert 0 < _row(out, "smuggling ads found") < expected, "negatives must not all be ads"


def test_misbehaving_pages_end_as_dead_letters_with_their_bytes(
    first_run: tuple[Path, str],
) -> None:
    data_dir, out = first_run
    letters = list(read_dead_letters(data_dir / "dead_letters.jsonl"))
    assert len(letters) == _row(out, "dead letters") >= 3
    assert all(letter.stage == "crawl" and letter.payload() for letter in letters)


def test_alert_emails_are_in_the_outbox(first_run: tuple[Path, str]) -> None:
    data_dir, out = first_run
    emails = list((data_dir / "outbox").glob("*.eml"))
    assert len(emails) == _row(out, "alerts raised")


def test_search_finds_posts_with_filters(first_run: tuple[Path, str]) -> None:
    data_dir, _ = first_run
    done = _cli(data_dir, "search", "reynosa", "--json", "--limit", "50")
    assert done.returncode == 0, done.stderr
    posts = [EnrichedPost.model_validate_json(line) for line in done.stdout.splitlines()]
    assert posts and all("reynosa" in p.text.lower() for p in posts)
    done = _cli(data_dir, "search", "--place", "Houston", "--ads", "--json")
    posts = [EnrichedPost.model_validate_json(line) for line in done.stdout.splitlines()]
    assert posts and all(p.nlp.is_smuggling_ad for p in posts)
    assert all(any("Houston" in pl.canonical for pl in p.nlp.places) for p in posts)
    table = _cli(data_dir, "search", "reynosa")
    assert table.returncode == 0 and "post(s)" in table.stdout


def test_second_run_duplicates_nothing_and_sends_no_email_twice(
    first_run: tuple[Path, str],
) -> None:
    data_dir, out = first_run
    before = len(list((data_dir / "outbox").glob("*.eml")))
    again = _cli(data_dir, "run", "--quiet")
    assert again.returncode == 0, again.stderr[-3000:]
    assert _row(again.stdout, "posts in the store") == _row(out, "posts in the store")
    assert _row(again.stdout, "alerts raised") == 0
    assert len(list((data_dir / "outbox").glob("*.eml"))) == before


def test_search_without_a_store_says_what_to_do(tmp_path: Path) -> None:
    done = _cli(tmp_path / "empty", "search", "reynosa")
    assert done.returncode == 2 and "centinela run" in done.stderr
