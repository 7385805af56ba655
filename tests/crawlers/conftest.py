"""Shared fixtures: the committed fixture sites, a live fixture server, the golden posts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawlers.fixture_server import DEFAULT_SITES, FixtureServer

PROJECT = Path(__file__).resolve().parents[2]
WATCHLIST = PROJECT / "fixtures" / "watchlist.toml"


@pytest.fixture(scope="session")
def sites_dir() -> Path:
    return DEFAULT_SITES


@pytest.fixture(scope="session")
def server(sites_dir: Path) -> Iterator[FixtureServer]:
    with FixtureServer(sites_dir) as srv:
        yield srv


@pytest.fixture(scope="session")
def expected_posts(sites_dir: Path) -> dict[str, dict[str, Any]]:
    lines = (sites_dir / "expected_posts.jsonl").read_text(encoding="utf-8").splitlines()
    return {rec["doc_id"]: rec for rec in map(json.loads, lines)}
