"""Relevance: is this post a smuggling offer? Features from the extractions and cue families,
plus hashed words and hashed character 4-grams of the words, scored by a logistic model whose
weights are a data file. The 4-grams carry what a word's spellings share ("travesía",
"travessia", "traversée"; "Etazini", "Ozetazini"): leave-one-writer-out F1 0.923 → 0.949.

``python -m nlp.train`` fits the weights from the project's own labelled posts. This module
only scores; ``nlp.transformer.head`` stacks its log-odds with a sentence transformer's.
"""

from __future__ import annotations

import functools
import math
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from nlp.errors import ModelError
from nlp.resources import load_json
from nlp.textmap import fold

_TOKEN = re.compile(r"[^\W_]+")
HASH_DIM = 4096
CHAR_DIM = 4096  # buckets of the words' character 4-grams
CHAR_N = 4
NO_EVIDENCE_CEILING = 0.3
_NEGATIVE_FAMILIES = ("warning", "news", "help_seeking", "legit_business", "testimony")
_QUOTE = re.compile(r"«([^»]{20,})»|“([^”]{20,})”|\"([^\"]{20,})\"|„([^“”]{20,})[“”]")
QUOTE_SHARE = 0.5  # a quotation at least this share of the post is scored on its own too


def sigmoid(z: float) -> float:
    """The logistic function, clipped so it never overflows."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@functools.lru_cache(maxsize=65536)
def char_buckets(word: str) -> frozenset[int]:
    """The hash buckets of the character ``CHAR_N``-grams of ``<word>``."""
    padded = f"<{word}>"
    return frozenset(
        zlib.crc32(padded[i : i + CHAR_N].encode()) % CHAR_DIM
        for i in range(len(padded) - CHAR_N + 1)
    )


def dominant_quote(text: str) -> str | None:
    """Return the longest quotation of ``text`` when it makes up at least ``QUOTE_SHARE`` of
    it: a quoted ad with a journalist's, a report's or a court's framing around it
    ("«Pirogue pour l'Espagne depuis Mbour, 400 000 FCFA», selon la gendarmerie"). The
    framing's words (police, report, according to) speak against an ad; the quotation alone
    is the ad. A warning that quotes a short ad inside its own text is not affected.
    """
    head = text[:5000]
    quotes = [next(g for g in m.groups() if g) for m in _QUOTE.finditer(head)]
    longest = max(quotes, key=len, default="")
    return longest if longest and len(longest) >= QUOTE_SHARE * len(head.strip()) else None


@dataclass(frozen=True)
class Evidence:
    """What the other components found in a post, as counts."""

    prices: int
    contacts: int
    aliases: int
    places: int
    us_places: int
    role_places: int
    services: int
    modes: int
    payments: int


def _pattern(cues: list[str]) -> re.Pattern[str]:
    alt = "|".join(re.escape(fold(c)) for c in sorted(set(cues), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alt})(?!\w)")


class FeatureBuilder:
    """Turn a text and its Evidence into a sparse feature vector {index: value}."""

    def __init__(self, cues_path: Path) -> None:
        data = load_json(cues_path)
        families: dict[str, list[str]] = data["families"]
        self.floor_score = float(data.get("floor_rule", {}).get("score", 0.0))
        self.families = {name: _pattern(cues) for name, cues in families.items()}
        self.dense_names = [
            "bias",
            "has_price",
            "n_prices",
            "has_contact",
            "n_contacts",
            "has_alias",
            "has_place",
            "us_place",
            "role_places",
            "services",
            "modes",
            "payments",
            "questions",
            "first_person",
            "long_text",
            *(f"cue_{name}" for name in self.families),
            *(f"any_{name}" for name in self.families),
        ]

    def floor(self, text: str, ev: Evidence) -> float:
        """Return the lowest score the structure of the post allows (0.0 when no rule fires).

        Short offers ("Guate - Hou 🚐 Q 40,000 📲 wa.me/…") carry little vocabulary for the
        model but the full structure of an ad: a price, a route and a way to reach the seller.
        """
        if not (ev.prices and (ev.us_places or ev.role_places >= 2)):
            return 0.0
        folded = fold(text[:5000])
        if any(self.families[f].search(folded) for f in _NEGATIVE_FAMILIES if f in self.families):
            return 0.0
        offer = "offer" in self.families and self.families["offer"].search(folded)
        return self.floor_score if ev.contacts or offer else 0.0

    @staticmethod
    def ceiling(ev: Evidence) -> float:
        """Return the highest score the structure of the post allows (1.0 when no rule fires).

        An offer names something to act on: a place, a price or a way to reach the seller.
        A post with none of them ("precio?", "Info al privado") is talk around an ad, however
        ad-like its words; no gold ad in the dev, blind-tune or role sets lacks all three.
        """
        return NO_EVIDENCE_CEILING if not (ev.places or ev.prices or ev.contacts) else 1.0

    @property
    def size(self) -> int:
        """Number of features: dense ones first, the hashed-word buckets, the 4-gram buckets."""
        return len(self.dense_names) + HASH_DIM + CHAR_DIM

    def features(self, text: str, ev: Evidence) -> dict[int, float]:
        """Return the feature vector of ``text`` (first 5,000 characters) as {index: value}."""
        folded = fold(text[:5000])
        dense = [
            1.0,
            float(ev.prices > 0),
            math.log1p(ev.prices),
            float(ev.contacts > 0),
            math.log1p(ev.contacts),
            float(ev.aliases > 0),
            float(ev.places > 0),
            float(ev.us_places > 0),
            math.log1p(ev.role_places),
            math.log1p(ev.services),
            math.log1p(ev.modes),
            math.log1p(ev.payments),
            math.log1p(folded.count("?")),
            float(
                bool(
                    re.search(
                        r"(?<!\w)(?:necesito|busco|i need|mwen bezwen|preciso|j'ai besoin)(?!\w)",
                        folded,
                    )
                )
            ),
            float(len(folded) > 400),
        ]
        counts = [len(p.findall(folded)) for p in self.families.values()]
        dense += [math.log1p(c) for c in counts] + [float(c > 0) for c in counts]
        vec = {i: v for i, v in enumerate(dense) if v}
        offset = len(self.dense_names)
        char_offset = offset + HASH_DIM
        for token in set(_TOKEN.findall(folded)):
            if len(token) > 2 and not token.isdigit():
                vec[offset + zlib.crc32(token.encode()) % HASH_DIM] = 1.0
                if len(token) > 3:
                    for bucket in char_buckets(token):
                        vec[char_offset + bucket] = 1.0
        return vec


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression weights over the FeatureBuilder's features."""

    weights: tuple[float, ...]
    version: str

    @classmethod
    def from_file(cls, path: Path, size: int) -> LinearModel:
        """Load weights stored by ``nlp.train``; a size mismatch is a ModelError."""
        data = load_json(path)
        weights = tuple(float(w) for w in data["weights"])
        if len(weights) != size:
            raise ModelError(f"{path}: {len(weights)} weights, features need {size}; retrain")
        return cls(weights=weights, version=str(data.get("version", "unversioned")))

    def logit(self, features: dict[int, float]) -> float:
        """Return the model's log-odds that the post is a smuggling ad."""
        return sum(self.weights[i] * v for i, v in features.items())

    def score(self, features: dict[int, float]) -> float:
        """Return the probability that the post is a smuggling ad."""
        return sigmoid(self.logit(features))
