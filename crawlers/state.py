"""Incremental crawling: a per-source high-water mark (newest ``published_at`` seen).

``state_dir/high_water.json`` maps ``"<platform>:<source>"`` to an ISO timestamp. A crawl
skips posts at or below the mark (counted as ``known_posts``) and stops paginating a feed
once a whole page is known, so a second crawl of unchanged sources yields zero new posts.
Edits to old posts are not seen this way; that needs a re-crawl without state.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from pipeline.errors import ConfigurationError

STATE_FILE = "high_water.json"

HighWater = dict[str, datetime]


def source_key(platform: str, source: str) -> str:
    """Return the state key of a source."""
    return f"{platform}:{source}"


def load_high_water(state_dir: Path) -> HighWater:
    """Return the marks saved in ``state_dir`` (empty if none); raise on a corrupt file."""
    path = state_dir / STATE_FILE
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        marks = {key: datetime.fromisoformat(value) for key, value in raw.items()}
    except (ValueError, AttributeError) as exc:
        raise ConfigurationError(f"corrupt crawl state {path}: {exc}") from exc
    if any(mark.tzinfo is None for mark in marks.values()):
        raise ConfigurationError(f"crawl state {path} holds naive datetimes")
    return marks


def save_high_water(state_dir: Path, marks: HighWater) -> None:
    """Write the marks atomically (write a temp file, then rename)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = state_dir / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps({k: v.isoformat() for k, v in sorted(marks.items())}, indent=2)
                   + "\n", encoding="utf-8")
    os.replace(tmp, state_dir / STATE_FILE)
