"""Apportionment against the exact oracle, and the properties each method is known to have."""

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from allocation.engine import METHODS, apportion, apportion_many
from allocation.engine.apportionment import _lot_ranks
from tests.engine.oracle import bounded_quotas, oracle_apportion

DIVISOR_METHODS = [m for m in METHODS if m != "hamilton"]

weights_lists = st.lists(st.integers(0, 10**6), min_size=1, max_size=8).filter(any)
small_weights = st.lists(st.integers(0, 12), min_size=1, max_size=6).filter(any)


@st.composite
def bounded_problems(draw):
    """Weights, a total and bounds that can be met."""
    weights = draw(st.lists(st.integers(0, 50), min_size=1, max_size=7))
    lower = [draw(st.integers(0, 3)) for _ in weights]
    upper = [lo + draw(st.integers(0, 8)) for lo in lower]
    upper = [u if draw(st.booleans()) else math.inf for u in upper]
    # Weight-0 labels take nothing beyond their lower bound.
    room = sum(u if w > 0 else lo for w, lo, u in zip(weights, lower, upper, strict=True))
    total = draw(st.integers(sum(lower), int(min(room, sum(lower) + 40))))
    return weights, total, lower, upper


@settings(max_examples=300, deadline=None)
@given(weights=weights_lists, total=st.integers(0, 60), method=st.sampled_from(METHODS))
def test_every_method_equals_the_exact_oracle(weights, total, method):
    assert apportion(weights, total, method).tolist() == oracle_apportion(weights, total, method)


@settings(max_examples=300, deadline=None)
@given(problem=bounded_problems(), method=st.sampled_from(METHODS))
def test_every_method_with_bounds_equals_the_exact_oracle(problem, method):
    weights, total, lower, upper = problem
    expected = oracle_apportion(weights, total, method, lower, upper)
    assume(expected is not None)  # all weights zero beyond the lower bounds
    units = apportion_many([weights], total, method, lower=[lower], upper=[upper])[0]
    assert units.tolist() == expected
    assert all(lo <= x <= up for x, lo, up in zip(units, lower, upper, strict=True))
    assert units.sum() == total


@settings(max_examples=100, deadline=None)
@given(
    weights=st.lists(st.integers(0, 4), min_size=2, max_size=8).filter(any),
    total=st.integers(0, 20),
    seed=st.integers(0, 2**32),
    method=st.sampled_from(METHODS),
)
def test_a_lot_equals_the_oracle_in_the_lots_order(weights, total, seed, method):
    ranks = _lot_ranks(seed, len(weights))
    expected = oracle_apportion(weights, total, method, ranks=ranks)
    assert apportion(weights, total, method, tie_break="lot", seed=seed).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(weights=weights_lists, total=st.integers(0, 200))
def test_hamilton_stays_within_quota(weights, total):
    units = apportion(weights, total)
    for w, x in zip(weights, units, strict=True):
        quota = w * total / sum(weights)
        assert math.floor(quota) <= x <= math.ceil(quota)


@settings(max_examples=200, deadline=None)
@given(weights=small_weights, total=st.integers(0, 40), method=st.sampled_from(DIVISOR_METHODS))
def test_divisor_methods_are_free_of_the_alabama_paradox(weights, total, method):
    # One unit more never takes a unit away from anyone (house monotonicity).
    before, after = apportion(weights, total, method), apportion(weights, total + 1, method)
    assert (after >= before).all()
    assert after.sum() == before.sum() + 1


@settings(max_examples=300, deadline=None)
@given(
    weights=st.lists(st.integers(1, 200), min_size=2, max_size=6),
    growth=st.lists(st.integers(0, 60), min_size=6, max_size=6),
    total=st.integers(1, 30),
    method=st.sampled_from(DIVISOR_METHODS),
    pair=st.tuples(st.integers(0, 5), st.integers(0, 5)),
)
def test_divisor_methods_are_free_of_the_population_paradox(weights, growth, total, method, pair):
    # If label i grows relative to label j, i never loses a unit while j gains one.
    i, j = pair[0] % len(weights), pair[1] % len(weights)
    assume(i != j)
    grown = [w + g for w, g in zip(weights, growth, strict=False)]
    assume(grown[i] * weights[j] >= weights[i] * grown[j])
    before, after = apportion(weights, total, method), apportion(grown, total, method)
    assert not (after[i] < before[i] and after[j] > before[j])


@settings(max_examples=200, deadline=None)
@given(weights=weights_lists, total=st.integers(0, 80), method=st.sampled_from(METHODS))
def test_the_units_add_up_to_the_total_and_follow_the_weights_order(weights, total, method):
    units = apportion(weights, total, method)
    assert units.sum() == total
    # A strictly heavier label never gets fewer units (every method here is order-preserving).
    order = np.argsort(weights, kind="stable")
    for lighter, heavier in zip(order, order[1:], strict=False):
        if weights[heavier] > weights[lighter]:
            assert units[heavier] >= units[lighter]


def test_hamilton_quotas_with_bounds_equal_the_exact_quotas():
    # The oracle's water-filling by hand: a is held at 2, b and c share 8 as 3 : 1.
    quotas = bounded_quotas([50, 30, 10], 10, [0, 0, 0], [2, None, None])
    assert quotas == [2, 6, 2]
