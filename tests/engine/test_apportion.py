"""Apportionment by hand: textbook examples, bounds, ties, aliases and refusals."""

import numpy as np
import pandas as pd
import pytest

from allocation.engine import METHODS, InfeasibleAllocation, apportion, apportion_many
from allocation.engine.apportionment import _lot_ranks

# The D'Hondt and Sainte-Laguë examples of every textbook: four parties, eight seats.
VOTES = pd.Series({"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000})


def test_dhondt_gives_the_textbook_seats():
    assert apportion(VOTES, 8, "jefferson").to_dict() == {"A": 4, "B": 3, "C": 1, "D": 0}


def test_sainte_lague_gives_the_textbook_seats():
    assert apportion(VOTES, 8, "webster").to_dict() == {"A": 3, "B": 3, "C": 1, "D": 1}


def test_aliases_name_the_same_methods():
    assert apportion(VOTES, 8, "dhondt").equals(apportion(VOTES, 8, "jefferson"))
    assert apportion(VOTES, 8, "sainte_lague").equals(apportion(VOTES, 8, "webster"))


def test_hamilton_hands_the_units_left_to_the_largest_remainders():
    # Quotas 4.2857, 4.2857, 1.4286: floors 4, 4, 1 and the last unit to the largest remainder.
    assert apportion([6, 6, 2], 10).tolist() == [4, 4, 2]


def test_hamilton_shows_the_alabama_paradox():
    # One unit more and the third label loses one: the classic Alabama paradox of Hamilton.
    assert apportion([6, 6, 2], 11).tolist() == [5, 5, 1]


def test_huntington_hill_and_adams_give_every_label_a_first_unit():
    # First units have an infinite priority; then 7²/2 = 24.5 and 7²/6 = 8.2 beat 3²/2 = 4.5.
    assert apportion([7, 3, 1], 5, "huntington_hill").tolist() == [3, 1, 1]
    # Adams: 7/1 and then 7/2 = 3.5 beat 3/1.
    assert apportion([7, 3, 1], 5, "adams").tolist() == [3, 1, 1]


def test_first_units_go_to_the_largest_weights_when_there_are_fewer_units_than_labels():
    weights = pd.Series({"small": 1, "large": 9, "middle": 5})
    assert apportion(weights, 2, "huntington_hill").to_dict() == {
        "small": 0,
        "large": 1,
        "middle": 1,
    }
    assert apportion(weights, 2, "adams").to_dict() == {"small": 0, "large": 1, "middle": 1}


def test_equal_priorities_go_to_the_earlier_label():
    # Webster on 7, 3, 1 with 5 units: after A, B, A, A all three stand at priority 2 (7/3.5,
    # 3/1.5, 1/0.5); the fifth unit goes to the label listed first.
    assert apportion([7, 3, 1], 5, "webster").tolist() == [4, 1, 0]
    assert apportion([1, 3, 7], 5, "webster").tolist() == [1, 1, 3]


def test_a_seeded_lot_decides_equal_priorities_in_its_own_order():
    weights = pd.Series(1.0, index=[f"label {i}" for i in range(10)])
    drawn = apportion(weights, 3, tie_break="lot", seed=2026)
    winners = set(np.argsort(_lot_ranks(2026, 10))[:3])
    assert set(np.flatnonzero(drawn.to_numpy())) == winners
    assert drawn.equals(apportion(weights, 3, tie_break="lot", seed=2026))
    draws = {tuple(apportion(weights, 3, tie_break="lot", seed=s)) for s in range(20)}
    assert len(draws) > 1


def test_the_tie_break_random_is_read_as_a_lot():
    weights = [1, 1, 1, 1]
    assert apportion(weights, 2, tie_break="random", seed=5).equals(
        apportion(weights, 2, tie_break="lot", seed=5)
    )


def test_a_lot_without_a_seed_is_refused():
    with pytest.raises(ValueError, match="seed"):
        apportion([1, 1], 1, tie_break="lot")


@pytest.mark.parametrize("method", METHODS)
def test_the_result_keeps_the_index_order_and_sums_to_the_total(method):
    weights = pd.Series([5.0, 0.0, 12.5, 3.0], index=["z", "a", "m", "b"], name="inhabitants")
    units = apportion(weights, 9, method)
    assert list(units.index) == ["z", "a", "m", "b"]
    assert units.dtype == np.int64 and units.name == "inhabitants"
    assert units.sum() == 9 and units["a"] == 0


def test_a_mapping_is_accepted_as_weights():
    assert apportion({"x": 1, "y": 3}, 4).to_dict() == {"x": 1, "y": 3}


@pytest.mark.parametrize("method", METHODS)
def test_upper_bounds_are_honoured_and_the_rest_goes_by_the_method(method):
    weights = pd.Series({"big": 80, "mid": 15, "small": 5})
    units = apportion(weights, 10, method, upper={"big": 4})
    assert units["big"] == 4 and units.sum() == 10
    assert units.drop("big").equals(apportion(weights.drop("big"), 6, method))


@pytest.mark.parametrize("method", METHODS)
def test_lower_bounds_are_honoured(method):
    units = apportion({"big": 80, "mid": 15, "small": 5}, 10, method, lower={"small": 3})
    assert units["small"] >= 3 and units.sum() == 10


def test_bounded_hamilton_shares_the_rest_in_proportion_to_the_free_weights():
    # "a" is held at 2; 8 units remain for b and c in proportion 3 : 1, exactly 6 and 2.
    units = apportion({"a": 50, "b": 30, "c": 10}, 10, upper={"a": 2})
    assert units.to_dict() == {"a": 2, "b": 6, "c": 2}


def test_a_label_with_weight_zero_gets_nothing_beyond_its_lower_bound():
    units = apportion({"none": 0, "some": 1}, 5, lower={"none": 2})
    assert units.to_dict() == {"none": 2, "some": 3}


def test_too_many_lower_bounds_are_refused_with_the_numbers():
    with pytest.raises(InfeasibleAllocation, match="hand out 3 units.*lower bounds already need 4"):
        apportion({"a": 1, "b": 1}, 3, lower={"a": 2, "b": 2})


def test_too_few_upper_bounds_are_refused_with_the_numbers():
    with pytest.raises(InfeasibleAllocation, match="hand out 5 units.*allow at most 3"):
        apportion({"a": 1, "b": 1}, 5, upper={"a": 1, "b": 2})


def test_all_weights_zero_is_refused():
    with pytest.raises(InfeasibleAllocation, match="hand out 2 units.*all weights are zero"):
        apportion({"a": 0, "b": 0}, 2)
    assert apportion({"a": 0, "b": 0}, 0).tolist() == [0, 0]


def test_infeasible_allocation_is_a_value_error():
    assert issubclass(InfeasibleAllocation, ValueError)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_negative_or_non_finite_weights_are_refused(bad):
    with pytest.raises(ValueError, match="finite numbers of 0 or more"):
        apportion({"a": 1.0, "b": bad}, 3)


@pytest.mark.parametrize("total", [-1, 2.5, "three"])
def test_a_total_that_is_not_a_whole_number_is_refused(total):
    with pytest.raises(ValueError, match="whole number"):
        apportion({"a": 1}, total)


def test_an_unknown_method_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="hamilton, jefferson"):
        apportion({"a": 1}, 1, "borda")


def test_bounds_for_unknown_labels_are_refused():
    with pytest.raises(ValueError, match="without a weight"):
        apportion({"a": 1}, 1, upper={"b": 1})


def test_many_problems_at_once_match_one_at_a_time():
    rng = np.random.default_rng(7)
    weights = rng.integers(0, 6, size=(300, 6)).astype(float)
    weights[:, 0] += 1
    upper = rng.integers(2, 9, size=(300, 6)).astype(float)
    room = np.where(weights > 0, upper, 0).sum(axis=1)
    totals = np.minimum(rng.integers(0, 25, size=300), room)
    for method in METHODS:
        together = apportion_many(weights, totals, method, upper=upper)
        for row in range(300):
            alone = apportion(weights[row], int(totals[row]), method, upper=upper[row])
            assert together[row].tolist() == alone.tolist()


def test_an_infeasible_problem_among_many_is_named():
    with pytest.raises(InfeasibleAllocation, match=r"\(problem 1\)"):
        apportion_many([[1.0, 1.0], [0.0, 0.0]], [2, 2])
