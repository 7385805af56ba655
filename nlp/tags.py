"""Service, transport-mode and payment-term tags from the cue lists in ``tags.json``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nlp.resources import load_json
from nlp.textmap import fold

Tagger = dict[str, re.Pattern[str]]


def _pattern(cues: list[str]) -> re.Pattern[str]:
    parts = []
    for cue in sorted({fold(c) for c in cues}, key=len, reverse=True):
        left = r"(?<!\w)" if cue[0].isalnum() else ""
        right = r"(?!\w)" if cue[-1].isalnum() else ""
        parts.append(left + re.escape(cue) + right)
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class TagSets:
    """The three tag families found in one text, each in the order of the data file."""

    services: tuple[str, ...]
    transport_modes: tuple[str, ...]
    payment_terms: tuple[str, ...]


class TagExtractor:
    """Tag a text with every label whose cues occur in it."""

    def __init__(self, path: Path) -> None:
        data = load_json(path)
        self.families: dict[str, Tagger] = {
            family: {label: _pattern(cues) for label, cues in data[family].items()}
            for family in ("services", "transport_modes", "payment_terms")
        }

    def extract(self, text: str) -> TagSets:
        """Return the labels of each family whose cues appear in ``text``."""
        folded = fold(text)
        found = {
            family: tuple(label for label, pattern in taggers.items() if pattern.search(folded))
            for family, taggers in self.families.items()
        }
        return TagSets(found["services"], found["transport_modes"], found["payment_terms"])
