"""The dev-set templates (``templates.json``): smuggling ads and look-alike negatives per
language, route cues per slot and the pools of places used by the negatives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_DATA: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parent / "templates.json").read_text(encoding="utf-8")
)

ADS: dict[str, list[str]] = _DATA["ads"]
NEGATIVES: dict[str, list[str]] = _DATA["negatives"]
CUES: dict[str, dict[str, list[str]]] = _DATA["cues"]
NEUTRAL_PLACES: list[tuple[str, str]] = [tuple(p) for p in _DATA["neutral_places"]]
BUS_PLACES: list[tuple[str, str]] = [tuple(p) for p in _DATA["bus_places"]]
EU_NEUTRAL: list[tuple[str, str]] = [tuple(p) for p in _DATA["eu_neutral"]]
