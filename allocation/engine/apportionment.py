"""Apportionment: hand out a whole number of units in proportion to weights, within bounds.

Two families, one entry point:

* Hamilton (largest remainder): each label gets the whole part of its quota, the units left go
  to the largest remainders. With bounds, the quota itself is bounded first: labels held at a
  bound keep it and the others share the rest in proportion (`_Shares`).
* Divisor methods: the units go one at a time to the label with the highest priority
  ``weight / d(units it already has)``: Jefferson/D'Hondt ``d(n) = n + 1``, Webster/Sainte-Laguë
  ``d(n) = n + 1/2``, Huntington-Hill ``d(n) = sqrt(n (n + 1))``, Adams ``d(n) = n``. With bounds,
  every label starts at its lower bound and stops taking units at its upper bound.

Ties (one rule everywhere, also in the test oracle):

* Units of equal priority (equal remainders for Hamilton, equal quotients for a divisor method)
  go to the label that comes first in the input order (``tie_break="stable"``), or by a seeded
  lot (``tie_break="lot"``, as electoral law draws lots): one random order of the labels drawn
  from the seed, the same for every problem.
* Huntington-Hill and Adams divide by zero for a label's first unit, so all first units have an
  infinite priority. Those go to the larger weight first (the limit of the rule, and what other
  implementations do); equal weights then fall to the rule above.
* A label with weight 0 never gets more than its lower bound.

Comparisons are exact: quotients are single correctly rounded divisions (Huntington-Hill
compares ``weight² / (n (n + 1))``) and Hamilton compares remainders as the exact numerators
``weight · total - units · sum(weight)``. The results equal the exact rational procedure for
integer weights below 2**26 with ``weight · total`` below 2**53; beyond that, floating point
decides near-ties.
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
    Series or mapping of whole-number bounds per label (labels left out: 0 and unbounded).
    Returns a Series of integers with the same index and order, summing to ``total``.
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
        _whole(total, "total"),
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

    ``totals``: one int, or one per problem. ``lower`` / ``upper``: arrays of that shape or None
    (``upper`` may hold ``inf`` for unbounded). Returns an int64 array of the same shape, row by
    row identical to `apportion`, computed without a loop over the problems.
    """
    method = canonical_method(method)
    tie_break = canonical_tie_break(tie_break, seed)
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2:
        raise ValueError("apportion_many takes a 2-D array of weights (problems × labels).")
    if weights.size and not (weights.min() >= 0 and np.isfinite(weights.sum())):
        raise ValueError("Weights must be finite numbers of 0 or more.")
    totals = np.broadcast_to(np.asarray(totals), weights.shape[:1])
    if not np.array_equal(totals, np.round(totals)) or (totals < 0).any():
        raise ValueError("Totals must be whole numbers of 0 or more.")
    totals = totals.astype(np.int64)
    if lower is None and upper is None:
        _check_feasible(weights, totals, None, None)
        shares = _Shares.unbounded(weights, totals)
    else:
        lower = _bound_array(lower, weights.shape, 0.0, "lower")
        upper = _bound_array(upper, weights.shape, np.inf, "upper")
        # A label with weight 0 takes nothing beyond its lower bound.
        upper = np.where(weights > 0, upper, np.minimum(upper, lower))
        _check_feasible(weights, totals, lower, upper)
        shares = _Shares.bounded(weights, totals, lower, upper)

    ties = _TieOrder(weights, tie_break, seed)
    if method == "hamilton":
        return _hamilton(shares, totals, ties)
    return _divisor(method, shares, totals, ties)


class _Shares:
    """The quotas, kept as exact parts: labels held at a bound keep it (``held``), the free
    labels share ``rest = total - held`` in proportion to weight, ``weight · rest /
    free_weight``. ``lower`` / ``upper`` are None without bounds."""

    def __init__(self, weights, free, held, rest, free_weight, lower, upper):
        self.weights, self.free, self.held = weights, free, held
        self.rest, self.free_weight = rest, free_weight
        self.lower, self.upper = lower, upper
        with np.errstate(invalid="ignore", divide="ignore"):
            self.level = np.where(free_weight > 0, rest / free_weight, 0.0)

    @classmethod
    def unbounded(cls, weights, totals):
        return cls(weights, None, None, totals.astype(float), weights.sum(axis=1), None, None)

    @classmethod
    def bounded(cls, weights, totals, lower, upper):
        level = fill_to_level(weights, 0.0, lower, upper, totals)
        free = (level > lower) & (level < upper)
        held = np.where(free, 0.0, np.round(level))
        free_weight = np.where(free, weights, 0.0).sum(axis=1)
        return cls(weights, free, held, totals - held.sum(axis=1), free_weight, lower, upper)

    def quotas(self):
        shared = self.weights * self.level[:, None]
        return shared if self.free is None else np.where(self.free, shared, self.held)


def _hamilton(shares, totals, ties):
    units = np.floor(shares.quotas())
    if shares.free is not None:
        np.clip(units, shares.lower, shares.upper, out=units)
    # Remainders as exact numerators over the row's free weight. floor() of a rounded quota can
    # be one off; the numerator shows it (below 0 or at the free weight) and it is corrected.
    free_weight = shares.free_weight[:, None]
    excess = shares.weights * shares.rest[:, None]
    excess -= units * free_weight
    if shares.free is not None:
        excess[~shares.free] = 0.0
    with np.errstate(invalid="ignore"):
        off = np.flatnonzero(
            (excess.min(axis=1, initial=0) < 0)
            | (
                excess.max(axis=1, initial=0)
                >= np.where(shares.free_weight > 0, shares.free_weight, np.inf)
            )
        )
    if off.size:
        step = np.floor_divide(excess[off], np.where(free_weight[off] > 0, free_weight[off], 1))
        units[off] += step
        excess[off] -= step * free_weight[off]
    if shares.free is not None:
        excess[units >= shares.upper] = -np.inf
    left = totals - units.sum(axis=1).astype(np.int64)
    units += ties.largest(excess, left)
    return units.astype(np.int64)


# Divisor methods -------------------------------------------------------------------------------

# d(n) - n for the unit that takes a label from n to n + 1 units (Huntington-Hill apart).
_DIVISOR_STEP = {"jefferson": 1.0, "webster": 0.5, "adams": 0.0}
# Where, on average, a method's rounding lands against the quota: aims the first jump.
_DIVISOR_BIAS = {"jefferson": 0.5, "webster": 0.0, "huntington_hill": 0.0, "adams": -0.5}


def _priority(method, weights, units):
    """The priority of the unit that takes a label from ``units`` to ``units + 1``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "huntington_hill":  # squared: one exact rounding, the same order
            divisor = units + 1.0
            divisor *= units
            return weights * weights / divisor
        return weights / (units + _DIVISOR_STEP[method])


def _rounded(method, weights, multiplier, lower, upper):
    """Units per label when every unit with priority above 1/m is given (``Q = w · m``)."""
    quotients = weights * multiplier[:, None]
    units = np.floor(quotients)
    if method == "huntington_hill":
        above = units + 1.0
        above *= units
        quotients *= quotients
        units += quotients > above
    else:
        quotients -= _DIVISOR_STEP[method]
        units += quotients > units
    return np.clip(units, lower, upper, out=units)


def _divisor(method, shares, totals, ties):
    """Jump close with one multiplier per problem (Newton steps), then settle unit by unit."""
    weights = shares.weights
    lower = np.broadcast_to(0.0, weights.shape) if shares.lower is None else shares.lower
    upper = np.where(weights > 0, np.inf, 0.0) if shares.upper is None else shares.upper
    aimed = np.fmax(totals + _DIVISOR_BIAS[method] * (weights > 0).sum(axis=1), 0.0)
    multiplier = shares.level * aimed / np.fmax(totals, 1)
    units = _rounded(method, weights, multiplier, lower, upper)
    for _ in range(3):  # Newton steps on the multiplier while far off
        gap = totals - units.sum(axis=1)
        rows = np.flatnonzero(np.abs(gap) > 2)
        moving = (units[rows] > lower[rows]) & (units[rows] < upper[rows])
        slope = np.where(moving, weights[rows], 0.0).sum(axis=1)
        rows, gap, slope = rows[slope > 0], gap[rows][slope > 0], slope[slope > 0]
        if rows.size == 0:
            break
        multiplier[rows] += gap / slope
        units[rows] = _rounded(method, weights[rows], multiplier[rows], lower[rows], upper[rows])
    _settle(method, weights, totals, lower, upper, units, ties)
    return units.astype(np.int64)


def _settle(method, weights, totals, lower, upper, units, ties):
    """Give, take back or swap single units until the total is right and no unit still to give
    comes before a unit given: the defining property of a divisor method."""
    busy = slice(None)
    rows = np.arange(len(units))
    while rows.size:
        w, x = weights[busy], units[busy]
        can_give, can_take = x < upper[busy], x > lower[busy]
        give = _priority(method, w, x)
        take = _priority(method, w, x - 1)
        best = ties.extreme(give, can_give, rows, largest=True)
        worst = ties.extreme(take, can_take, rows, largest=False)
        gap = totals[rows] - x.sum(axis=1)
        at = np.arange(rows.size)
        swap = (
            (gap == 0)
            & can_give.any(axis=1)
            & can_take.any(axis=1)
            & ties.before(give[at, best], best, take[at, worst], worst, rows)
        )
        add, remove = (gap > 0) | swap, (gap < 0) | swap
        units[rows[add], best[add]] += 1
        units[rows[remove], worst[remove]] -= 1
        rows = busy = rows[add | remove]


# Ties -----------------------------------------------------------------------------------------


class _TieOrder:
    """The tie rule as a rank per label (a lower rank wins), computed only for the problems
    that actually have a tie."""

    def __init__(self, weights, tie_break, seed):
        self.weights = weights
        self.seed = seed if tie_break == "lot" else None

    def ranks(self, rows, infinite):
        """Rank of each label in ``rows``; where ``infinite``, larger weights rank first."""
        labels = self.weights.shape[1]
        base = np.broadcast_to(np.arange(labels), (len(rows), labels))
        if self.seed is not None:
            base = np.broadcast_to(_lot_ranks(self.seed, labels), (len(rows), labels))
        by_weight = _inverse(np.lexsort((base, -self.weights[rows]), axis=-1))
        return np.where(np.asarray(infinite)[:, None], by_weight, base)

    def largest(self, keys, counts):
        """True for the ``counts[i]`` largest keys of row i (``-inf`` marks labels left out)."""
        labels = keys.shape[1]
        if labels == 0:
            return np.zeros(keys.shape, dtype=bool)
        ordered = np.sort(keys, axis=1)
        kth = np.take_along_axis(ordered, np.clip(labels - counts, 0, labels - 1)[:, None], 1)
        kth[counts <= 0] = np.inf
        chosen = keys >= kth
        # A tie straddles the cut where the key just below the k-th largest equals it.
        below = np.take_along_axis(ordered, np.clip(labels - counts - 1, 0, None)[:, None], 1)
        tied = np.flatnonzero((below[:, 0] == kth[:, 0]) & (counts < labels) & (counts > 0))
        if tied.size:
            level = keys[tied] == kth[tied]
            need = counts[tied] - (keys[tied] > kth[tied]).sum(axis=1)
            ranks = np.where(level, self.ranks(tied, np.isinf(kth[tied, 0])), labels)
            position = _inverse(np.argsort(ranks, axis=1, kind="stable"))
            chosen[tied] = (keys[tied] > kth[tied]) | (level & (position < need[:, None]))
        return chosen

    def extreme(self, keys, valid, rows, largest):
        """Per row the valid label with the largest (smallest) key; a tie goes to the label
        that wins (loses) it."""
        masked = np.where(valid, keys, -np.inf if largest else np.inf)
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
        """Whether the unit with priority key_a of label_a comes before key_b of label_b."""
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


def _lot_ranks(seed, labels):
    """The seeded lot: one random order of the labels per seed (SplitMix64 of seed and label),
    the same for every problem, so a lot never depends on what else is computed alongside."""
    with np.errstate(over="ignore"):
        mix = np.uint64(seed % 2**64) * np.uint64(0x9E3779B97F4A7C15) + np.arange(
            labels, dtype=np.uint64
        ) * np.uint64(0xD1B54A32D192ED03)
        mix = (mix ^ (mix >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        mix = (mix ^ (mix >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        mix ^= mix >> np.uint64(31)
    return _inverse(np.argsort(mix, kind="stable")[None, :])[0]


# Input checks ---------------------------------------------------------------------------------


def _check_feasible(weights, totals, lower, upper):
    need = 0.0 if lower is None else lower.sum(axis=1)
    room = np.inf if upper is None else upper.sum(axis=1)
    weightless = weights.sum(axis=1) == 0
    wrong = (need > totals) | (room < totals) | (weightless & (totals > need))
    for problem in np.flatnonzero(wrong)[:1]:
        total, where = int(totals[problem]), _where(problem, len(totals))
        needed = int(np.broadcast_to(need, totals.shape)[problem])
        if needed > total:
            reason = f"the lower bounds already need {needed}"
        elif weightless[problem]:
            reason = "all weights are zero"
        else:
            reason = (
                f"the upper bounds allow at most {int(room[problem])} (a label with weight 0 "
                f"takes nothing beyond its lower bound)"
            )
        raise InfeasibleAllocation(f"Cannot hand out {total} units{where}: {reason}.")


def _where(problem, problems):
    return f" (problem {problem})" if problems > 1 else ""


def _bound_array(bound, shape, default, name):
    if bound is None:
        return np.full(shape, default)
    bound = np.broadcast_to(np.asarray(bound, dtype=float), shape)
    finite = np.isfinite(bound)
    whole = np.array_equal(bound[finite], np.round(bound[finite]))
    if np.isnan(bound).any() or (bound < 0).any() or not whole:
        raise ValueError(f"The {name} bounds must be whole numbers of 0 or more.")
    if name == "lower" and not finite.all():
        raise ValueError("The lower bounds must be finite.")
    return bound.copy()


def _bound_row(bound, index, default, name):
    bound = _as_series(bound, name)
    unknown = bound.index.difference(index)
    if len(unknown):
        raise ValueError(f"The {name} bounds name labels without a weight: {list(unknown)}.")
    return bound.reindex(index).fillna(default).to_numpy(dtype=float)[None, :]


def _as_series(values, name):
    series = (
        values
        if isinstance(values, pd.Series)
        else pd.Series(dict(values) if isinstance(values, Mapping) else values, dtype=object)
    )
    try:
        return series.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The {name} must be numbers.") from exc


def _whole(value, name):
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The {name} must be a whole number of 0 or more.") from exc
    if isinstance(value, bool) or not number.is_integer() or number < 0:
        raise ValueError(f"The {name} must be a whole number of 0 or more, not {value!r}.")
    return int(number)
