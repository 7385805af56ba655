"""The transformer's part of the relevance score, and how it is stacked with the rules.

``head``: logistic regression over the sentence embedding → a logit ``z_text``.
``stack``: the score ``sigmoid(z_rules + b·z_text)``, a product of the two logistic experts;
``b`` is fitted by ``python -m nlp.train`` on out-of-fold logits (each model scored on posts
of templates it was not trained on), so the head weighs what it added on unseen wording.
Posts whose rules-only score is already outside ``[band_low, band_high]`` keep it and skip
the encoder: that cascade keeps the pipeline faster than a stock spaCy model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.errors import ModelError
from nlp.relevance import sigmoid
from nlp.resources import load_json


@dataclass(frozen=True)
class StackedModel:
    """Head weights, the head's weight next to the rules, and the cascade band."""

    head_weights: np.ndarray[Any, Any]
    head_bias: float
    text_weight: float
    band: tuple[float, float]
    max_tokens: int
    version: str

    @classmethod
    def from_file(cls, path: Path, dimensions: int | None = None) -> StackedModel:
        data = load_json(path)
        try:
            weights = np.asarray(data["head"]["weights"], dtype=np.float32)
            model = cls(
                head_weights=weights,
                head_bias=float(data["head"]["bias"]),
                text_weight=float(data["text_weight"]),
                band=(float(data["band"][0]), float(data["band"][1])),
                max_tokens=int(data["max_tokens"]),
                version=str(data.get("version", "unversioned")),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"{path}: malformed transformer head ({exc}); retrain") from exc
        if dimensions is not None:
            model.check_dimensions(dimensions, path)
        return model

    def check_dimensions(self, dimensions: int, path: Path) -> None:
        """Raise ModelError unless the head takes embeddings of ``dimensions``."""
        if self.head_weights.shape != (dimensions,):
            raise ModelError(f"{path}: head has {self.head_weights.shape} weights, encoder "
                             f"gives {dimensions}; retrain with python -m nlp.train")

    def needs_text_model(self, rules_score: float) -> bool:
        """Whether the rules alone are unsure enough to ask the encoder."""
        low, high = self.band
        return low <= rules_score <= high

    def text_logits(self, embeddings: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """The head's logit for each embedding row."""
        logits: np.ndarray[Any, Any] = embeddings @ self.head_weights + self.head_bias
        return logits

    def stacked_score(self, z_rules: float, z_text: float) -> float:
        """The score from the rules and the encoder together."""
        return sigmoid(z_rules + self.text_weight * z_text)
