"""Service, transport-mode and payment-term tags from the cue lists in ``tags.json``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nlp.resources import load_json
from nlp.textmap import fold

_TOKEN = re.compile(r"\w+")


class _Cues:
    """One label's cues: single words are looked up in the text's word set, longer cues are
    found as substrings first and only then checked for word boundaries (same matches as one
    boundary regex, several times faster)."""

    def __init__(self, cues: list[str]) -> None:
        folded = {fold(c) for c in cues}
        self.words = {c for c in folded if _TOKEN.fullmatch(c)}
        self.phrases: list[tuple[str, re.Pattern[str]]] = []
        for cue in sorted(folded - self.words, key=len, reverse=True):
            left = r"(?<!\w)" if cue[0].isalnum() else ""
            right = r"(?!\w)" if cue[-1].isalnum() else ""
            self.phrases.append((cue, re.compile(left + re.escape(cue) + right)))

    def search(self, folded: str, tokens: set[str]) -> bool:
        """Whether any cue occurs in ``folded`` (whose word set is ``tokens``)."""
        if not self.words.isdisjoint(tokens):
            return True
        return any(cue in folded and pattern.search(folded) for cue, pattern in self.phrases)


Tagger = dict[str, _Cues]


@dataclass(frozen=True)
class TagSets:
    """The three tag families found in one text, each in the order of the data file."""

    services: tuple[str, ...]
    transport_modes: tuple[str, ...]
    payment_terms: tuple[str, ...]


NO_TAGS = TagSets((), (), ())
SERVICE_ORDER = ("crossing", "guide", "transport", "documents", "lodging")


def offer_tags(tags: TagSets, place_roles: set[str]) -> TagSets:
    """Complete the tags of a post the classifier accepted with what its route implies.

    A crossing place means a crossing is sold; a destination, or any transport mode, means
    the seller moves people (the transport service), whatever words the post used.
    """
    implied = set(tags.services)
    if "crossing" in place_roles:
        implied.add("crossing")
    if "destination" in place_roles or tags.transport_modes:
        implied.add("transport")
    services = tuple(s for s in SERVICE_ORDER if s in implied)
    services += tuple(s for s in tags.services if s not in services)
    return TagSets(services, tags.transport_modes, tags.payment_terms)


class TagExtractor:
    """Tag a text with every label whose cues occur in it."""

    def __init__(self, path: Path) -> None:
        data = load_json(path)
        self.families: dict[str, Tagger] = {
            family: {label: _Cues(cues) for label, cues in data[family].items()}
            for family in ("services", "transport_modes", "payment_terms")
        }

    def extract(self, text: str) -> TagSets:
        """Return the labels of each family whose cues appear in ``text``."""
        folded = fold(text)
        tokens = set(_TOKEN.findall(folded))
        found = {
            family: tuple(label for label, cues in taggers.items() if cues.search(folded, tokens))
            for family, taggers in self.families.items()
        }
        return TagSets(found["services"], found["transport_modes"], found["payment_terms"])
