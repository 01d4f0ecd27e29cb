"""Reference matchers the optimum is checked against (tests and `make bench`); pure numpy.

`greedy` takes the best remaining feasible pair again and again (what a table would do by hand);
`brute_force` finds the exact maximum total by dynamic programming over subsets of offers, for
small instances only. Both work on a score matrix where 0 marks an infeasible pair.
"""

from functools import cache

import numpy as np


def greedy(scores: np.ndarray) -> list[tuple[int, int]]:
    """Pairs picked best-first; each row and column at most once, zeros never."""
    order = np.argsort(-scores, axis=None, kind="stable")
    rows, cols = np.unravel_index(order, scores.shape)
    used_rows, used_cols, pairs = set(), set(), []
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if scores[i, j] <= 0:
            break
        if i not in used_rows and j not in used_cols:
            used_rows.add(i)
            used_cols.add(j)
            pairs.append((i, j))
    return pairs


def brute_force(scores: np.ndarray) -> float:
    """The exact maximum total over all matchings (each case and offer at most once)."""
    n, m = scores.shape
    if m > 16:
        raise ValueError("brute_force: at most 16 offers")
    values = scores.tolist()

    @cache
    def best(i, used):
        if i == n:
            return 0.0
        result = best(i + 1, used)  # case i stays unmatched
        for j in range(m):
            if values[i][j] > 0 and not used & (1 << j):
                result = max(result, values[i][j] + best(i + 1, used | (1 << j)))
        return result

    return best(0, 0)


def total(scores: np.ndarray, pairs) -> float:
    return float(sum(scores[i, j] for i, j in pairs))
