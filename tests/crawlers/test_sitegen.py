"""The fixture-site generator: deterministic, realistic enough, and careful with directories."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawlers.sitegen import EXPECTED, SOURCES, generate_sites
from crawlers.sitegen.corpus import generate_corpus


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_regenerating_seed_7_gives_the_committed_bytes(tmp_path: Path, sites_dir: Path) -> None:
    generate_sites(7, 600, tmp_path / "sites")
    fresh, committed = _files(tmp_path / "sites"), _files(sites_dir)
    assert sorted(fresh) == sorted(committed)
    differing = [name for name in fresh if fresh[name] != committed[name]]
    regenerate = "python -m crawlers.sitegen --seed 7 --posts 600 --out fixtures/sites"
    assert differing == [], f"stale fixtures: run {regenerate}"


def test_another_seed_gives_other_posts() -> None:
    a = generate_corpus(7, 50)
    b = generate_corpus(8, 50)
    assert [p.text for ps in a.values() for p in ps] != [p.text for ps in b.values() for p in ps]


def test_corpus_shape(expected_posts: dict[str, dict[str, Any]]) -> None:
    corpus = generate_corpus(7, 600)
    assert sum(len(ps) for ps in corpus.values()) == 600
    assert len(SOURCES) >= 12
    assert {s.platform for s in SOURCES} == {"telegram", "facebook", "tiktok"}
    langs = Counter(p.lang for ps in corpus.values() for p in ps)
    assert set(langs) == {"es", "en", "pt", "fr", "ht"}
    assert langs.most_common(1)[0][0] == "es"
    texts = [r["text"] for r in expected_posts.values()]
    assert any("(repost)" in t or "Nuevo número" in t for t in texts), "near-duplicates"
    assert any(p.forwarded_from for ps in corpus.values() for p in ps)
    kinds = Counter(p.kind for ps in corpus.values() for p in ps)
    assert kinds["negative"] >= 60 and kinds["ad"] >= 300


@pytest.mark.parametrize("needle", ["wa.me/", "mil", "Tapachula", "Reynosa", "Calais", "#"])
def test_texts_carry_the_domain_vocabulary(
        needle: str, expected_posts: dict[str, dict[str, Any]]) -> None:
    assert any(needle in r["text"] for r in expected_posts.values())


def test_expected_posts_are_unique_and_utc(sites_dir: Path) -> None:
    lines = (sites_dir / EXPECTED).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len({r["doc_id"] for r in records}) == len(records)
    assert all(r["published_at"].endswith("+00:00") for r in records)


def test_refuses_to_empty_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_sites(7, 10, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
