"""Load the data files under ``nlp/data/`` (gazetteers, cue lists, currency tables), cached."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp.errors import ResourceError

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str, data_dir: Path | None = None) -> Path:
    """Return the path of the data file ``name`` (relative names resolve under ``nlp/data``)."""
    path = Path(name)
    if path.is_absolute():
        return path
    return (data_dir or DATA_DIR) / path


@lru_cache(maxsize=64)
def load_json(path: Path) -> Any:
    """Return the parsed JSON at ``path``; a missing or broken file is a ResourceError."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResourceError(f"cannot load data file {path}: {exc}") from exc


@lru_cache(maxsize=16)
def load_tsv(path: Path) -> tuple[tuple[str, ...], ...]:
    """Return the rows of a tab-separated file, skipping blank lines and ``#`` comments."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ResourceError(f"cannot load data file {path}: {exc}") from exc
    return tuple(
        tuple(cell.strip() for cell in line.split("\t"))
        for line in lines
        if line.strip() and not line.lstrip().startswith("#")
    )
