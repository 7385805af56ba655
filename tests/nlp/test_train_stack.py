"""The stacking fits of ``nlp.train_stack`` on synthetic data with known answers."""

from __future__ import annotations

import numpy as np

from nlp.train_stack import fit_text_weight, logistic_newton, out_of_fold


def test_text_weight_is_recovered_from_simulated_logits() -> None:
    rng = np.random.default_rng(7)
    rules, text = rng.normal(0, 2, 20_000), rng.normal(0, 2, 20_000)
    y = (rng.random(20_000) < 1 / (1 + np.exp(-(rules + 0.6 * text)))).astype(float)
    assert abs(fit_text_weight(rules, text, y) - 0.6) < 0.05


def test_a_head_that_only_adds_noise_gets_no_weight() -> None:
    rng = np.random.default_rng(8)
    rules = rng.normal(0, 2, 20_000)
    y = (rng.random(20_000) < 1 / (1 + np.exp(-rules))).astype(float)
    assert fit_text_weight(rules, -rules * 0.0 + rng.normal(0, 1, 20_000), y) < 0.05


def test_logistic_newton_finds_the_generating_weights() -> None:
    rng = np.random.default_rng(9)
    x = rng.normal(0, 1, (20_000, 2))
    y = (rng.random(20_000) < 1 / (1 + np.exp(-(x @ [1.5, -2.0] + 0.5)))).astype(float)
    w = logistic_newton(x, y, l2=0.0)
    assert np.allclose(w, [1.5, -2.0, 0.5], atol=0.1)


def test_out_of_fold_never_scores_a_post_with_a_model_that_saw_its_template() -> None:
    groups = [f"t{i % 23}" for i in range(400)]
    seen: dict[str, set[str]] = {}

    def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        trained_on = {groups[i] for i in train}
        for i in test:
            seen.setdefault(groups[i], set()).update(trained_on)
        return np.full(len(test), float(len(train)))

    predictions = out_of_fold(groups, 3, fit_predict)
    assert all(group not in trained for group, trained in seen.items())
    assert (predictions > 0).all() and len(seen) == 23
