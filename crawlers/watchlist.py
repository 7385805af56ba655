"""The watchlist: which public sources to crawl, read from a TOML file.

    [[sources]]
    platform = "telegram"
    source_id = "viajes_seguros_norte"
    start_url = "{base_url}/s/viajes_seguros_norte"
    tags = ["mx-us"]

``{base_url}`` is replaced by the ``base_url`` given to :func:`load_watchlist`, so the same
file points at the fixture server in tests and at the real sites in a deployment.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import ConfigurationError

CrawlPlatform = Literal["telegram", "facebook", "tiktok"]


class Source(BaseModel):
    """One watched account: platform, its id on the platform, where to start, tags."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    platform: CrawlPlatform
    source_id: str = Field(min_length=1)
    start_url: str = Field(pattern=r"^https?://")
    tags: tuple[str, ...] = ()


def load_watchlist(path: Path, base_url: str) -> list[Source]:
    """Return the sources of the watchlist at ``path`` with ``{base_url}`` filled in.

    Raises ConfigurationError for unreadable TOML, unknown keys or duplicate sources.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read watchlist {path}: {exc}") from exc
    unknown = set(data) - {"sources"}
    if unknown:
        raise ConfigurationError(f"{path}: unknown top-level keys {sorted(unknown)}")
    sources: list[Source] = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(data.get("sources", [])):
        try:
            raw_url = str(entry.get("start_url", ""))
            entry = {**entry, "start_url": raw_url.replace("{base_url}", base_url.rstrip("/"))}
            source = Source.model_validate(entry)
        except ValidationError as exc:
            raise ConfigurationError(f"{path}: source #{i + 1}: {exc}") from exc
        key = (source.platform, source.source_id)
        if key in seen:
            raise ConfigurationError(f"{path}: duplicate source {key}")
        seen.add(key)
        sources.append(source)
    return sources
