"""The trainers' sparse matrix agrees with dense NumPy algebra."""

from __future__ import annotations

import numpy as np

from nlp.sparse import Sparse

DENSE = np.array([[0.0, 2.0, 0.0, 1.5], [0.0, 0.0, 0.0, 0.0], [3.0, 0.0, -1.0, 0.0]])


def test_products_match_dense() -> None:
    x = Sparse.from_dense(DENSE)
    w, g = np.arange(4.0), np.arange(3.0)
    assert np.allclose(x.dot(w), DENSE @ w) and np.allclose(x.tdot(g), DENSE.T @ g)
    w2, g2 = np.arange(8.0).reshape(4, 2), np.arange(6.0).reshape(3, 2)
    assert np.allclose(x.dot(w2), DENSE @ w2) and np.allclose(x.tdot(g2), DENSE.T @ g2)


def test_from_rows_and_take() -> None:
    x = Sparse.from_rows([{1: 2.0, 3: 1.5}, {}, {0: 3.0, 2: -1.0}], width=4)
    assert np.allclose(x.dot(np.eye(4)), DENSE)
    picked = x.take(np.array([2, 0]))
    assert picked.shape == (2, 4)
    assert np.allclose(picked.dot(np.eye(4)), DENSE[[2, 0]])
