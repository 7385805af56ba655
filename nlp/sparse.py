"""A sparse matrix as the coordinates of its non-zero entries, for the project's trainers.

The relevance and route-role features are a few dozen non-zeros per row among thousands of
columns; gradient descent over them needs only ``X @ w`` and ``X.T @ g``. NumPy's
``bincount``/``add.at`` do both in the order of the entries: deterministic, no SciPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Sparse:
    """Rows, columns and values (``None``: all ones) of a matrix's non-zero entries."""

    rows: Array
    cols: Array
    shape: tuple[int, int]
    values: Array | None = None

    @classmethod
    def from_rows(cls, rows: list[dict[int, float]], width: int) -> Sparse:
        """The matrix whose row ``r`` holds ``rows[r]`` ({column: value})."""
        r = [i for i, row in enumerate(rows) for _ in row]
        c = [j for row in rows for j in row]
        v = [x for row in rows for x in row.values()]
        return cls(
            np.array(r, dtype=np.int64), np.array(c, dtype=np.int64), (len(rows), width),
            np.array(v, dtype=np.float64),
        )

    @classmethod
    def from_dense(cls, x: Array) -> Sparse:
        """The non-zero entries of a dense matrix."""
        r, c = np.nonzero(x)
        return cls(r.astype(np.int64), c.astype(np.int64), (x.shape[0], x.shape[1]), x[r, c])

    def take(self, rows: Array) -> Sparse:
        """The sub-matrix of ``rows`` (in that order)."""
        position = np.full(self.shape[0], -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        keep = position[self.rows] >= 0
        values = None if self.values is None else self.values[keep]
        new_rows = position[self.rows[keep]]
        order = np.argsort(new_rows, kind="stable")
        return Sparse(
            new_rows[order], self.cols[keep][order], (len(rows), self.shape[1]),
            None if values is None else values[order],
        )

    def _scaled(self, m: Array, index: Array) -> Array:
        picked: Array = m[index]
        if self.values is None:
            return picked
        return picked * (self.values if m.ndim == 1 else self.values[:, None])

    def _sum_into(self, into: Array, source: Array, m: Array, length: int) -> Array:
        """Sum the entries' scaled ``m[source]`` into ``length`` slots indexed by ``into``."""
        if m.ndim == 1:
            summed: Array = np.bincount(into, weights=self._scaled(m, source), minlength=length)
            return summed
        out = np.zeros((length, m.shape[1]))
        np.add.at(out, into, self._scaled(m, source))
        return out

    def dot(self, w: Array) -> Array:
        """``self @ w`` for a vector or a (columns × k) matrix ``w``."""
        return self._sum_into(self.rows, self.cols, w, self.shape[0])

    def tdot(self, g: Array) -> Array:
        """``self.T @ g`` for a vector or a (rows × k) matrix ``g``."""
        return self._sum_into(self.cols, self.rows, g, self.shape[1])
