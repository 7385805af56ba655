"""Language identification for short social-media posts: a weighted stopword scorer.

Each language in ``data/langid.json`` lists words with weights; a post's language is the one
whose words weigh most. Short posts with no signal get the fallback code ("und").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nlp.resources import load_json

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_PT_MARKS = re.compile(r"ção|ções|ão\b|õe|nh[aeo]|lh[aeo]", re.IGNORECASE)
_FR_MARKS = re.compile(r"\b(?:l|d|qu|j|n|c)['’]|eau|oux|è[rt]", re.IGNORECASE)
_ES_MARKS = re.compile(r"ñ|¿|¡|ción\b|ciones\b", re.IGNORECASE)


@dataclass(frozen=True)
class LanguageScorer:
    """Score a text against per-language weighted word lists."""

    weights: dict[str, dict[str, float]]
    fallback: str

    @classmethod
    def from_file(cls, path: Path) -> LanguageScorer:
        """Build the scorer from a ``langid.json`` data file."""
        data = load_json(path)
        return cls(weights=data["weights"], fallback=data.get("fallback", "und"))

    def scores(self, text: str) -> dict[str, float]:
        """Return the score of every language for ``text`` (the first 5,000 characters)."""
        sample = text[:5000]
        totals = dict.fromkeys(self.weights, 0.0)
        for token in _TOKEN.findall(sample.lower()):
            for lang, words in self.weights.items():
                totals[lang] += words.get(token, 0.0)
        for lang, pattern, weight in (
            ("pt", _PT_MARKS, 1.5),
            ("fr", _FR_MARKS, 1.0),
            ("es", _ES_MARKS, 1.5),
        ):
            if lang in totals:
                totals[lang] += weight * len(pattern.findall(sample))
        return totals

    def identify(self, text: str, hint: str | None = None) -> str:
        """Return the ISO 639-1 code of ``text``; a supported ``hint`` is trusted."""
        if hint and hint.lower()[:2] in self.weights:
            return hint.lower()[:2]
        totals = self.scores(text)
        best = max(totals, key=lambda lang: totals[lang]) if totals else self.fallback
        return best if totals.get(best, 0.0) >= 1.0 else self.fallback
