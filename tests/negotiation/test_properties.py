"""Property: any sequence of exchanges, applied where the rules accept them, conserves the
regional total per group and year and keeps every number a whole number >= 0."""

from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation.rules import RuleError, apply_exchange, totals

MUNICIPALITIES = ["a", "b", "c", "d"]
GROUPS = ["x", "y"]
YEARS = [2026, 2027]

boards = st.fixed_dictionaries(
    {(m, g, y): st.integers(0, 60) for m in MUNICIPALITIES for g in GROUPS for y in YEARS}
)
exchanges = st.lists(
    st.fixed_dictionaries(
        {
            "taker": st.sampled_from(MUNICIPALITIES),
            "giver": st.sampled_from(MUNICIPALITIES),
            "group": st.sampled_from(GROUPS),
            "year": st.sampled_from(YEARS),
            "amount": st.one_of(st.integers(-5, 40), st.floats(-5, 40, allow_nan=False)),
            "return_group": st.sampled_from(GROUPS),
            "return_amount": st.integers(-2, 30),
        }
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(boards, exchanges)
def test_accepted_exchanges_conserve_totals_and_stay_whole(board, sequence):
    start = totals(board)
    accepted = 0
    for exchange in sequence:
        try:
            board = apply_exchange(board, **exchange)
            accepted += 1
        except RuleError:
            continue
        assert totals(board) == start
        assert all(isinstance(n, int) and n >= 0 for n in board.values())
    assert totals(board) == start


@given(boards)
def test_a_refused_exchange_leaves_the_board_as_it_was(board):
    copy = dict(board)
    try:
        apply_exchange(board, taker="a", giver="b", group="x", year=2026, amount=-1)
    except RuleError:
        pass
    assert board == copy
