"""Raise one common level per row until the row's values add up to a target (water-filling).

Every label's value follows the level: ``value = clip(slope * level - offset, low, high)``.
The correction for what a municipality already carries, the supply cap and the bounded
Hamilton quotas are all this one rule with different slopes, offsets and bounds.
"""

import numpy as np


def fill_to_level(slope, offset, low, high, target):
    """Values ``clip(slope * L - offset, low, high)`` with, per row, ``L`` such that they sum to
    ``target``.

    All arrays are 2-D (rows × labels) and broadcast together; ``target`` has one value per row.
    ``slope`` ≥ 0, ``low`` ≤ ``high`` (``high`` may be ``inf``). A target below what the lows add
    up to gives the lows; a target above what the highs add up to gives the highs (the caller
    reports that difference as a shortfall). Exact up to floating-point rounding.
    """
    slope, offset, low, high = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (slope, offset, low, high))
    )
    target = np.asarray(target, dtype=float).reshape(-1, 1)
    rises = slope > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        # The level at which a label starts to rise from its low, and stops at its high.
        start = np.where(rises, (low + offset) / slope, np.inf)
        stop = np.where(rises, (high + offset) / slope, np.inf)
    flat = np.clip(-offset, low, high)  # labels that do not follow the level
    base = np.where(rises, low, flat).sum(axis=1, keepdims=True)

    events = np.concatenate([start, stop], axis=1)
    change = np.concatenate([np.where(rises, slope, 0.0), np.where(rises, -slope, 0.0)], axis=1)
    order = np.argsort(events, axis=1, kind="stable")
    events = np.take_along_axis(events, order, axis=1)
    rate = np.cumsum(np.take_along_axis(change, order, axis=1), axis=1)  # after each event
    with np.errstate(invalid="ignore"):
        step = np.where(rate[:, :-1] > 0, rate[:, :-1] * np.diff(events, axis=1), 0.0)
    reached = base + np.concatenate([np.zeros_like(base), np.cumsum(step, axis=1)], axis=1)

    # The last event at or below the target, then along its segment.
    last = np.clip((reached <= target).sum(axis=1, keepdims=True) - 1, 0, None)
    at = np.take_along_axis(events, last, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(
            np.take_along_axis(rate, last, axis=1) > 0,
            at
            + (target - np.take_along_axis(reached, last, axis=1))
            / np.take_along_axis(rate, last, axis=1),
            at,
        )
    level = np.where(target < base, -np.inf, level)
    with np.errstate(invalid="ignore"):
        return np.where(rises, np.clip(slope * level - offset, low, high), flat)
