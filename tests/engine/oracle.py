"""A slow, obviously correct apportionment in exact arithmetic, to compare the engine with.

It follows the textbook procedures literally, with Python's Fraction and one unit at a time,
and the engine's documented tie rule: equal priorities go to the label that ranks first (the
earlier label, or the lot's order when ``ranks`` is given); the infinite first-unit priorities
of Huntington-Hill and Adams go to the larger weight first.
"""

from fractions import Fraction

DIVISORS = {
    "jefferson": lambda n: Fraction(n + 1),
    "webster": lambda n: n + Fraction(1, 2),
    "adams": lambda n: Fraction(n),
}


def oracle_apportion(weights, total, method, lower=None, upper=None, ranks=None):
    """Units per label (a list), or None when the bounds cannot be met or there is no weight.

    ``ranks``: the tie order (lower wins); the input order by default.
    """
    weights = [Fraction(w) for w in weights]
    count = len(weights)
    ranks = list(ranks) if ranks is not None else list(range(count))
    lower = list(lower) if lower is not None else [0] * count
    upper = [None if u is None or u == float("inf") else int(u) for u in (upper or [None] * count)]
    # A label with weight 0 takes nothing beyond its lower bound.
    upper = [lo if w == 0 else u for w, lo, u in zip(weights, lower, upper, strict=True)]
    room = None if any(u is None for u in upper) else sum(upper)
    if sum(lower) > total or (room is not None and room < total):
        return None
    if method == "hamilton":
        return _hamilton(weights, total, lower, upper, ranks)
    return _divisor(weights, total, method, lower, upper, ranks)


def _divisor(weights, total, method, lower, upper, ranks):
    units = list(lower)
    for _ in range(total - sum(lower)):
        candidates = [i for i in range(len(weights)) if upper[i] is None or units[i] < upper[i]]
        best = max(candidates, key=lambda i: _priority_key(weights[i], units[i], ranks[i], method))
        units[best] += 1
    return units


def _priority_key(weight, units, rank, method):
    """A key whose order is the priority order, ties included (the larger key wins)."""
    if method == "huntington_hill":
        divisor_squared = Fraction(units * (units + 1))
        if divisor_squared == 0:
            return (1, weight, -rank)  # infinite priority: the larger weight first
        return (0, weight * weight / divisor_squared, -rank)
    divisor = DIVISORS[method](units)
    if divisor == 0:
        return (1, weight, -rank)
    return (0, weight / divisor, -rank)


def _hamilton(weights, total, lower, upper, ranks):
    quotas = bounded_quotas(weights, total, lower, upper)
    units = [int(q) for q in quotas]  # floor: quotas are non-negative
    order = sorted(
        (i for i in range(len(weights)) if upper[i] is None or units[i] < upper[i]),
        key=lambda i: (-(quotas[i] - units[i]), ranks[i]),
    )
    for i in order[: total - sum(units)]:
        units[i] += 1
    return units


def bounded_quotas(weights, total, lower, upper):
    """Exact ``clip(w * m, lower, upper)`` summing to ``total``: try every breakpoint of m."""

    def shares(m):
        return [
            max(Fraction(lo), min(w * m, Fraction(u) if u is not None else w * m))
            if w > 0
            else Fraction(lo)
            for w, lo, u in zip(weights, lower, upper, strict=True)
        ]

    points = sorted(
        {Fraction(0)}
        | {Fraction(lo) / w for w, lo in zip(weights, lower, strict=True) if w > 0}
        | {Fraction(u) / w for w, u in zip(weights, upper, strict=True) if w > 0 and u is not None}
    )
    below = points[0]
    for point in points:
        if sum(shares(point)) >= total:
            break
        below = point
    else:  # the target lies beyond the last breakpoint: everything free rises linearly
        point = below + 1
    # Between two breakpoints the sum is linear in m.
    low_sum, high_sum = sum(shares(below)), sum(shares(point))
    if high_sum == low_sum:
        return shares(point)
    m = below + (point - below) * (total - low_sum) / (high_sum - low_sum)
    return shares(m)
