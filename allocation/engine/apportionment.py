"""Apportionment: hand out a whole number of units in proportion to weights, within bounds.

Two families, one entry point:

* Hamilton (largest remainder): each label gets the whole part of its quota; the units left go
  to the largest remainders. With bounds the quota itself is bounded first (see
  `bounded_quotas`).
* Divisor methods: the units go one at a time to the label with the highest priority
  ``weight / d(units it already has)``: Jefferson/D'Hondt ``d(n) = n + 1``, Webster/Sainte-Laguë
  ``d(n) = n + 1/2``, Huntington-Hill ``d(n) = sqrt(n (n + 1))``, Adams ``d(n) = n``. With bounds
  every label starts at its lower bound and stops taking units at its upper bound.

Ties (the documented rule, the same in every function and in the test oracle):

* Two units of equal priority (equal remainders for Hamilton, equal quotients for a divisor
  method) go to the label that comes first in the input order (``tie_break="stable"``) or by a
  seeded lot (``tie_break="lot"``, as electoral law draws lots).
* Huntington-Hill and Adams divide by zero for a label's first unit: every first unit has an
  infinite priority. Those go to the largest weights first (the limit of the rule, and what the
  U.S. House and other implementations do); equal weights then fall to the rule above.
* A label with weight 0 never receives more than its lower bound.

Every quotient is one correctly rounded floating-point division (Huntington-Hill compares
``weight² / (n (n + 1))``), so the results are exact — equal to the exact rational procedure — for
integer weights below 2**26 and quotas below 2**52 / weight; beyond that, floating point decides
near-ties.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from allocation.engine.levels import fill_to_level

METHODS = ("hamilton", "jefferson", "webster", "huntington_hill", "adams")
METHOD_ALIASES = {"dhondt": "jefferson", "sainte_lague": "webster"}
TIE_BREAKS = ("stable", "lot")
TIE_BREAK_ALIASES = {"random": "lot"}


class InfeasibleAllocation(ValueError):
    """The bounds cannot be met, or there is nothing to share by (all weights zero)."""


def canonical_method(method: str) -> str:
    name = METHOD_ALIASES.get(method, method)
    if name not in METHODS:
        known = ", ".join((*METHODS, *METHOD_ALIASES))
        raise ValueError(f"Unknown apportionment method {method!r}; known: {known}.")
    return name


def canonical_tie_break(tie_break: str, seed) -> str:
    name = TIE_BREAK_ALIASES.get(tie_break, tie_break)
    if name not in TIE_BREAKS:
        raise ValueError(f"Unknown tie break {tie_break!r}; known: stable, lot.")
    if name == "lot" and seed is None:
        raise ValueError("A lot needs a seed, so that the outcome can be repeated.")
    return name


def apportion(
    weights, total, method="hamilton", *, lower=None, upper=None, tie_break="stable", seed=None
) -> pd.Series:
    """Hand out ``total`` units over the labels of ``weights`` by ``method``.

    ``weights``: a Series or mapping of non-negative numbers by label. ``lower`` / ``upper``: a
    Series or mapping of integer bounds per label (labels left out: 0 and unbounded). Returns a
    Series of integers with the same index and order, summing to ``total``.
    """
    weights = _as_series(weights, "weights")
    if not weights.index.is_unique:
        raise ValueError("The weights' labels must be unique.")
    bounds = [
        None if side is None else _bound_row(side, weights.index, default, name)
        for side, default, name in ((lower, 0.0, "lower"), (upper, np.inf, "upper"))
    ]
    units = apportion_many(
        weights.to_numpy(dtype=float)[None, :],
        _count(total, "total"),
        method,
        lower=bounds[0],
        upper=bounds[1],
        tie_break=tie_break,
        seed=seed,
    )
    return pd.Series(units[0], index=weights.index, name=weights.name, dtype="int64")


def apportion_many(
    weights, totals, method="hamilton", *, lower=None, upper=None, tie_break="stable", seed=None
) -> np.ndarray:
    """`apportion` for many problems at once: ``weights`` is problems × labels.

    ``totals``: one int, or one per problem. ``lower`` / ``upper``: arrays of the same shape (or
    None; ``upper`` may hold ``inf`` for unbounded). Returns an int64 array of the same shape,
    row by row identical to `apportion`, computed without a loop over the problems. With
    ``tie_break="lot"`` the lot of problem *i* depends only on (seed, i), so problem 0 draws what
    `apportion` draws for the same seed.
    """
    method = canonical_method(method)
    tie_break = canonical_tie_break(tie_break, seed)
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2:
        raise ValueError("apportion_many takes a 2-D array of weights (problems × labels).")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("Weights must be finite numbers of 0 or more.")
    totals = np.broadcast_to(np.asarray(totals), weights.shape[:1])
    if not np.array_equal(totals, np.round(totals)) or (totals < 0).any():
        raise ValueError("Totals must be whole numbers of 0 or more.")
    totals = totals.astype(np.int64)
    bounded = lower is not None or upper is not None
    lower = _bound_array(lower, weights.shape, 0.0, "lower")
    upper = _bound_array(upper, weights.shape, np.inf, "upper")
    # A label with weight 0 takes nothing beyond its lower bound.
    upper = np.where(weights > 0, upper, np.minimum(upper, lower))
    _check_feasible(weights, totals, lower, upper)

    ties = _TieOrder(weights, tie_break, seed)
    shares = _Shares(weights, totals, lower, upper, bounded)
    if method == "hamilton":
        return _hamilton(shares, totals, lower, upper, ties)
    return _divisor(method, weights, totals, lower, upper, ties, shares.quotas())


class _Shares:
    """The exact quotas ``clip(weight * m, lower, upper)`` that add up to the total.

    Labels held at a bound keep it; the free ones share ``rest = total - held`` in proportion:
    quota ``weight * rest / free_weight``. Kept as these parts so that Hamilton can compare
    remainders as exact numerators ``weight * rest - units * free_weight``.
    """

    def __init__(self, weights, totals, lower, upper, bounded):
        self.weights = weights
        if bounded:
            level = fill_to_level(weights, 0.0, lower, upper, totals)
            self.free = (level > lower) & (level < upper)
            self.held = np.where(self.free, 0.0, np.round(level))
        else:
            self.free = weights > 0
            self.held = np.zeros_like(weights)
        self.rest = (totals - self.held.sum(axis=1))[:, None]
        self.free_weight = np.where(self.free, weights, 0.0).sum(axis=1, keepdims=True)

    def quotas(self):
        with np.errstate(invalid="ignore", divide="ignore"):
            shared = self.weights * self.rest / self.free_weight
        return np.where(self.free, shared, self.held)


def bounded_quotas(weights, totals, lower, upper):
    """The quotas ``clip(weight * m, lower, upper)``, per row ``m`` such that they add up to
    ``totals``: what a label would get if units could be split."""
    weights = np.asarray(weights, dtype=float)
    totals = np.asarray(totals, dtype=float)
    return _Shares(weights, totals, lower, upper, bounded=True).quotas()


def _hamilton(shares, totals, lower, upper, ties):
    units = np.clip(np.floor(shares.quotas()), lower, upper)
    # The remainder as an exact numerator over the row's free weight; floor() of a rounded
    # quota can be one off, which the numerator shows and corrects.
    excess = shares.weights * shares.rest - units * shares.free_weight
    units += np.where(
        shares.free,
        np.floor_divide(excess, np.where(shares.free_weight > 0, shares.free_weight, 1)),
        0,
    )
    excess = shares.weights * shares.rest - units * shares.free_weight
    remainders = np.where(units < upper, np.where(shares.free, excess, 0.0), -np.inf)
    left = totals - units.sum(axis=1).astype(np.int64)
    return (units + ties.largest(remainders, left)).astype(np.int64)


# Divisor methods -------------------------------------------------------------------------------

# d(n): the divisor for the unit that takes a label from n to n + 1 units.
_DIVISOR_STEP = {"jefferson": 1.0, "webster": 0.5, "adams": 0.0}
# How far, on average, a label's units sit below its quota: aims the first jump.
_DIVISOR_BIAS = {"jefferson": 0.5, "webster": 0.0, "huntington_hill": 0.0, "adams": -0.5}


def _priority(method, weights, units):
    """The priority of the unit that takes a label from ``units`` to ``units + 1``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "huntington_hill":  # compared squared: one exact rounding, same order
            return weights * weights / (units * (units + 1.0))
        return weights / (units + _DIVISOR_STEP[method])


def _rounded(method, quotients):
    """Units a label holds when every unit with priority above 1/m is given (``Q = w · m``)."""
    whole = np.floor(quotients)
    if method == "huntington_hill":
        return whole + (quotients * quotients > whole * (whole + 1.0))
    return whole + (quotients > whole + _DIVISOR_STEP[method])


def _divisor(method, weights, totals, lower, upper, ties, quotas):
    """Jump close with one multiplier per problem, then settle unit by unit."""
    positive = weights > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        free = positive & (quotas > lower) & (quotas < upper)
        level = np.where(free, quotas / weights, -np.inf).max(axis=1)
        fallback = np.nan_to_num(totals / weights.sum(axis=1), nan=0.0, posinf=0.0)
    level = np.where(np.isfinite(level), level, fallback)
    # Aim the jump where the method's rounding lands on average (Jefferson low, Adams high).
    aimed = np.fmax(totals + _DIVISOR_BIAS[method] * positive.sum(axis=1), 0.0)
    multiplier = level * aimed / np.fmax(totals, 1)
    units = np.clip(_rounded(method, weights * multiplier[:, None]), lower, upper)
    for _ in range(4):  # Newton steps on the multiplier
        gap = totals - units.sum(axis=1)
        slope = np.where((units > lower) & (units < upper), weights, 0.0).sum(axis=1)
        busy = np.flatnonzero((np.abs(gap) > 1) & (slope > 0))
        if busy.size == 0:
            break
        multiplier[busy] += gap[busy] / slope[busy]
        units[busy] = np.clip(
            _rounded(method, weights[busy] * multiplier[busy, None]), lower[busy], upper[busy]
        )
    return _settle(method, weights, totals, lower, upper, units, ties).astype(np.int64)


def _settle(method, weights, totals, lower, upper, units, ties):
    """Give, take back or swap single units until the total is right and no unit still to give
    comes before a unit given: the defining property of a divisor method."""
    busy = np.arange(len(units))
    while busy.size:
        w, x = weights[busy], units[busy]
        can_give, can_take = x < upper[busy], x > lower[busy]
        give = _priority(method, w, x)
        take = _priority(method, w, x - 1)
        best = ties.extreme(give, can_give, busy, largest=True)
        worst = ties.extreme(take, can_take, busy, largest=False)
        gap = totals[busy] - x.sum(axis=1)
        row = np.arange(busy.size)
        swap = (
            (gap == 0)
            & can_give.any(axis=1)
            & can_take.any(axis=1)
            & ties.before(give[row, best], best, take[row, worst], worst, busy)
        )
        add, remove = (gap > 0) | swap, (gap < 0) | swap
        units[busy[add], best[add]] += 1
        units[busy[remove], worst[remove]] -= 1
        busy = busy[add | remove]
    return units


# Ties -----------------------------------------------------------------------------------------


class _TieOrder:
    """The documented tie rule as a rank per label (lower rank wins), computed only for the
    problems that actually have a tie."""

    def __init__(self, weights, tie_break, seed):
        self.weights = weights
        self.seed = seed if tie_break == "lot" else None

    def ranks(self, rows, infinite):
        """Rank of each label in ``rows``; where ``infinite``, larger weights rank first."""
        labels = self.weights.shape[1]
        base = np.broadcast_to(np.arange(labels), (len(rows), labels))
        if self.seed is not None:
            base = _inverse(np.argsort(_lot_keys(self.seed, rows, labels), axis=1))
        by_weight = _inverse(np.lexsort((base, -self.weights[rows]), axis=1))
        return np.where(np.asarray(infinite)[:, None], by_weight, base)

    def largest(self, keys, counts):
        """1 for the ``counts[i]`` largest keys of row i (``-inf`` marks labels left out)."""
        chosen = np.zeros(keys.shape, dtype=bool)
        labels = keys.shape[1]
        if labels == 0:
            return chosen.astype(np.int64)
        wanted = (counts > 0)[:, None]
        kth = np.take_along_axis(
            np.sort(keys, axis=1), np.clip(labels - counts, 0, labels - 1)[:, None], axis=1
        )
        chosen = (keys > kth) & wanted
        level = (keys == kth) & wanted
        need = counts - chosen.sum(axis=1)
        at_level = level.sum(axis=1)
        chosen |= level & (need >= at_level)[:, None]
        tied = np.flatnonzero(need < at_level)
        if tied.size:
            ranks = np.where(level[tied], self.ranks(tied, np.isinf(kth[tied, 0])), labels)
            position = _inverse(np.argsort(ranks, axis=1, kind="stable"))
            chosen[tied] |= level[tied] & (position < need[tied, None])
        return chosen.astype(np.int64)

    def extreme(self, keys, valid, rows, largest):
        """Per row the valid label with the largest (or smallest) key; a tie goes to the label
        that wins it (largest) or that loses it (smallest)."""
        fill = -np.inf if largest else np.inf
        masked = np.where(valid, keys, fill)
        value = (masked.max if largest else masked.min)(axis=1, keepdims=True)
        level = valid & (masked == value)
        choice = np.argmax(level, axis=1)
        tied = np.flatnonzero(level.sum(axis=1) > 1)
        if tied.size:
            ranks = self.ranks(rows[tied], np.isinf(value[tied, 0]))
            ranks = np.where(level[tied], ranks if largest else -ranks, np.iinfo(np.int64).max)
            choice[tied] = np.argmin(ranks, axis=1)
        return choice

    def before(self, key_a, label_a, key_b, label_b, rows):
        """Whether the unit (key_a of label_a) comes before the unit (key_b of label_b)."""
        result = key_a > key_b
        tied = np.flatnonzero(key_a == key_b)
        if tied.size:
            ranks = self.ranks(rows[tied], np.isinf(key_a[tied]))
            at = np.arange(tied.size)
            result[tied] = ranks[at, label_a[tied]] < ranks[at, label_b[tied]]
        return result


def _inverse(order):
    """The ranks that a row-wise argsort ``order`` stands for."""
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(order.shape[1]), axis=1)
    return ranks


def _lot_keys(seed, rows, labels):
    """A reproducible random key per (seed, problem, label): SplitMix64 of the three."""
    with np.errstate(over="ignore"):
        mix = (
            np.uint64(seed % 2**64) * np.uint64(0x9E3779B97F4A7C15)
            + np.asarray(rows, dtype=np.uint64)[:, None] * np.uint64(0xD1B54A32D192ED03)
            + np.arange(labels, dtype=np.uint64)[None, :] * np.uint64(0x8CB92BA72F3D8DD7)
        )
        mix = (mix ^ (mix >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        mix = (mix ^ (mix >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return mix ^ (mix >> np.uint64(31))


# Input checks ---------------------------------------------------------------------------------


def _check_feasible(weights, totals, lower, upper):
    need, room = lower.sum(axis=1), upper.sum(axis=1)
    for problem in np.flatnonzero((need > totals) | (room < totals)):
        total = int(totals[problem])
        where = f" (problem {problem})" if len(totals) > 1 else ""
        if need[problem] > total:
            raise InfeasibleAllocation(
                f"Cannot hand out {total} units{where}: the lower bounds already need "
                f"{int(need[problem])}."
            )
        if not (weights[problem] > 0).any():
            raise InfeasibleAllocation(
                f"Cannot hand out {total} units{where}: all weights are zero."
            )
        raise InfeasibleAllocation(
            f"Cannot hand out {total} units{where}: the upper bounds allow at most "
            f"{int(room[problem])} (labels with weight 0 take nothing beyond their lower bound)."
        )


def _bound_array(bound, shape, default, name):
    if bound is None:
        return np.full(shape, default)
    bound = np.broadcast_to(np.asarray(bound, dtype=float), shape)
    finite = np.isfinite(bound)
    if np.isnan(bound).any() or (bound < 0).any() or (name == "lower" and not finite.all()):
        raise ValueError(f"The {name} bounds must be whole numbers of 0 or more.")
    if not np.array_equal(bound[finite], np.round(bound[finite])):
        raise ValueError(f"The {name} bounds must be whole numbers of 0 or more.")
    return bound.copy()


def _bound_row(bound, index, default, name):
    bound = _as_series(bound, name)
    unknown = bound.index.difference(index)
    if len(unknown):
        raise ValueError(f"The {name} bounds name labels without a weight: {list(unknown)}.")
    return bound.reindex(index).fillna(default).to_numpy(dtype=float)[None, :]


def _as_series(values, name):
    if isinstance(values, pd.Series):
        series = values
    elif isinstance(values, Mapping):
        series = pd.Series(dict(values), dtype=float)
    else:
        series = pd.Series(values)
    try:
        return series.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The {name} must be numbers.") from exc


def _count(value, name):
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The {name} must be a whole number of 0 or more.") from exc
    if not number.is_integer() or number < 0 or isinstance(value, bool):
        raise ValueError(f"The {name} must be a whole number of 0 or more, not {value!r}.")
    return int(number)
