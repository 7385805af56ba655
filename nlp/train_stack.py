"""Fit the transformer head and the stacking/calibration numbers of ``nlp.transformer.head``.

Five folds by template: the rules' linear model and the embedding head are each fitted on
the posts of four fifths of the templates and score the rest, so every training post gets
out-of-fold log-odds from both. The weight of the head's log-odds next to the rules' is
fitted on those out-of-fold logits (maximum likelihood); the head itself is then refit on
all posts. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]
FOLDS = 5


def logistic_newton(x: Array, y: Array, l2: float, iterations: int = 30) -> Array:
    """Return weights (last = bias, not regularised) of an L2 logistic regression (Newton)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -30, 30)))
        grad = design.T @ (p - y) / len(y) + penalty * w
        hessian = (design.T * (p * (1 - p))) @ design / len(y) + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-7:
            break
    return w


def out_of_fold(
    groups: Sequence[str], seed: int, fit_predict: Callable[[Array, Array], Array]
) -> Array:
    """Return the out-of-fold predictions of ``fit_predict(train_rows, test_rows)``.

    Folds split by group (the template a generated post came from), never inside one: a
    model scored on posts of templates it never saw is as unsure as it will be on new
    wording, which is what the calibration must learn.
    """
    names = sorted(set(groups))
    rank = {name: r for r, name in enumerate(np.random.default_rng(seed).permutation(names))}
    folds = np.array([rank[g] % FOLDS for g in groups])
    n = len(groups)
    out = np.zeros(n)
    for fold in range(FOLDS):
        test = np.flatnonzero(folds == fold)
        train = np.flatnonzero(folds != fold)
        out[test] = fit_predict(train, test)
    return out


def fit_text_weight(rule_logits: Array, text_logits: Array, y: Array) -> float:
    """Return ``b`` maximising the likelihood of ``sigmoid(z_rules + b·z_text)`` (Newton).

    The rules' log-odds are an offset with weight 1 and there is no intercept: the rules'
    model already carries the base rate, and an intercept fitted on template folds was
    measured to shift the decision on hand-written posts the wrong way.
    """
    b = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(rule_logits + b * text_logits, -30, 30)))
        grad = float(text_logits @ (p - y)) / len(y)
        hessian = float((text_logits**2) @ (p * (1 - p))) / len(y) + 1e-9
        b -= grad / hessian
        if abs(grad / hessian) < 1e-8:
            break
    return max(0.0, b)


def fit_stack(  # noqa: PLR0913
    rule_logits_oof: Array, embeddings: Array, y: Array, groups: Sequence[str], seed: int,
    head_l2: float, band_quantile: float = 1.0,
) -> dict[str, Any]:
    """Return the transformer file's content: the head, its weight ``b`` and the band.

    The band is where the head can change the decision: rules-only log-odds within the
    ``band_quantile`` of the ``|b·z_text|`` seen in training (1.0: the largest). Outside it
    the encoder could move the score but (almost) never across 0.5, so it is not run there.
    """

    def head_predict(train: Array, test: Array) -> Array:
        w = logistic_newton(embeddings[train], y[train], head_l2)
        logits: Array = embeddings[test] @ w[:-1] + w[-1]
        return logits

    text_oof = out_of_fold(groups, seed, head_predict)
    b = fit_text_weight(rule_logits_oof, text_oof, y)
    head = logistic_newton(embeddings, y, head_l2)
    margin = float(np.quantile(np.abs(b * (embeddings @ head[:-1] + head[-1])), band_quantile))
    band = (1.0 / (1.0 + math.exp(margin)), 1.0 / (1.0 + math.exp(-margin)))
    rules_p = 1.0 / (1.0 + np.exp(-np.clip(rule_logits_oof, -30, 30)))
    unsure = (rules_p >= band[0]) & (rules_p <= band[1])
    stacked_p = 1.0 / (1.0 + np.exp(-np.clip(rule_logits_oof + b * text_oof, -30, 30)))
    text_p = 1.0 / (1.0 + np.exp(-text_oof))
    cascade_p = np.where(unsure, stacked_p, rules_p)
    return {
        "head": {"weights": [round(float(v), 6) for v in head[:-1]],
                 "bias": round(float(head[-1]), 6)},
        "text_weight": round(b, 6),
        "band": [round(band[0], 6), round(band[1], 6)],
        "out_of_fold": {
            "posts": len(y),
            "unsure_share": round(float(unsure.mean()), 4),
            "accuracy_rules": _accuracy(rules_p, y),
            "accuracy_text": _accuracy(text_p, y),
            "accuracy_stacked": _accuracy(stacked_p, y),
            "accuracy_cascade": _accuracy(cascade_p, y),
            "log_loss_rules": _log_loss(rules_p, y),
            "log_loss_cascade": _log_loss(cascade_p, y),
        },
    }


def _accuracy(p: Array, y: Array) -> float:
    return round(float(((p >= 0.5) == (y == 1)).mean()), 4)


def _log_loss(p: Array, y: Array) -> float:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return round(float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean()), 4)
