"""A second, independent BERT forward pass in plain NumPy, written from the BERT paper's
equations and the Hugging Face weight names: the test oracle for the ONNX graph."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nlp.transformer.model_files import BertShape

Array = np.ndarray[Any, Any]


def _layer_norm(x: Array, scale: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * scale + bias


def _erf(x: Array) -> Array:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def embed(weights: dict[str, Array], shape: BertShape, ids: list[int]) -> Array:
    """Return the mean-pooled, L2-normalised sentence embedding of one token-id sequence."""

    def w(name: str) -> Array:
        return weights[name].astype(np.float64)

    n = len(ids)
    x = w("embeddings.word_embeddings.weight")[ids] + w("embeddings.position_embeddings.weight")[
        :n] + w("embeddings.token_type_embeddings.weight")[0]
    x = _layer_norm(x, w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"),
                    shape.layer_norm_eps)
    d = shape.hidden // shape.heads
    for layer in range(shape.layers):
        p = f"encoder.layer.{layer}."

        def lin(name: str, v: Array, p: str = p) -> Array:
            return v @ w(p + name + ".weight").T + w(p + name + ".bias")

        q = lin("attention.self.query", x).reshape(n, shape.heads, d).transpose(1, 0, 2)
        k = lin("attention.self.key", x).reshape(n, shape.heads, d).transpose(1, 0, 2)
        v = lin("attention.self.value", x).reshape(n, shape.heads, d).transpose(1, 0, 2)
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        context = (probs @ v).transpose(1, 0, 2).reshape(n, shape.hidden)
        x = _layer_norm(lin("attention.output.dense", context) + x,
                        w(p + "attention.output.LayerNorm.weight"),
                        w(p + "attention.output.LayerNorm.bias"), shape.layer_norm_eps)
        h = lin("intermediate.dense", x)
        h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))
        x = _layer_norm(lin("output.dense", h) + x, w(p + "output.LayerNorm.weight"),
                        w(p + "output.LayerNorm.bias"), shape.layer_norm_eps)
    mean = x.mean(0)
    return mean / np.linalg.norm(mean)
