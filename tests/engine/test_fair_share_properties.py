"""Properties of the fair-share allocation on random regions."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine import GroupRule, Methodology, allocate_fair_share

STEPS = [
    "key_contribution",
    "correction_contribution",
    "cap_contribution",
    "rounding_contribution",
    "carry_over_contribution",
]
KINDS = [
    {},
    {"capped": True},
    {"correct_for_carried": True},
    {"correct_for_carried": True, "capped": True},
    {"local": True},
    {"local": True, "capped": True},
]


@st.composite
def regions(draw, kinds=KINDS, carry_over=True, whole_room=False):
    """A small region: indicators, tasks, a methodology, carried and carry-over."""
    size = draw(st.integers(2, 7))
    codes = [
        f"GM{n:04d}"
        for n in draw(st.lists(st.integers(1, 999), min_size=size, max_size=size, unique=True))
    ]
    numbers = st.lists(st.integers(0, 500), min_size=size, max_size=size)
    turnover = draw(numbers)
    if whole_room:
        turnover = [3 * t for t in turnover]
    indicators = pd.DataFrame(
        {
            "inhabitants": [n + 1 for n in draw(numbers)],
            "social_rent": draw(numbers),
            "social_rent_turnover": turnover,
            "new_construction_capacity": draw(
                st.lists(st.integers(0, 20), min_size=size, max_size=size)
            ),
        },
        index=codes,
    )
    groups = draw(st.lists(st.sampled_from(range(len(kinds))), min_size=1, max_size=4))
    rules = tuple(
        GroupRule(
            f"group-{i}",
            {
                "inhabitants": draw(st.sampled_from([1.0, 2.0])),
                "social_rent": draw(st.sampled_from([0.0, 1.0])),
            },
            **kinds[kind],
        )
        for i, kind in enumerate(groups)
    )
    methodology = Methodology(
        rules=rules,
        cap_share=1 / 3 if whole_room else draw(st.sampled_from([0.1, 1 / 3, 0.5])),
        method=draw(st.sampled_from(["hamilton", "jefferson", "webster", "huntington_hill"])),
    )
    names = [rule.target_group for rule in rules]
    tasks = pd.Series({name: draw(st.integers(0, 300)) for name in names})
    carried = pd.DataFrame(
        {name: draw(st.lists(st.integers(0, 60), min_size=size, max_size=size)) for name in names},
        index=codes,
    )
    arrears = None
    if carry_over:
        arrears = pd.DataFrame(
            {
                name: draw(st.lists(st.integers(-20, 20), min_size=size, max_size=size))
                for name in names
            },
            index=codes,
        )
    return indicators, tasks, methodology, carried, arrears


@settings(max_examples=150, deadline=None)
@given(case=regions())
def test_every_quota_is_its_steps_and_every_unit_is_accounted_for(case):
    indicators, tasks, methodology, carried, carry_over = case
    result = allocate_fair_share(
        indicators, tasks, methodology, carried=carried, carry_over=carry_over
    )
    assert np.allclose(result[STEPS].sum(axis=1), result["quota"], rtol=0, atol=1e-9)
    assert (result["quota"] >= 0).all() and (result["quota"] % 1 == 0).all()
    totals = result.groupby("target_group", sort=False)[["quota", "shortfall"]].sum()
    expected = tasks + carry_over.sum()
    assert (totals.sum(axis=1) == expected[totals.index]).all()


@settings(max_examples=150, deadline=None)
@given(case=regions())
def test_the_capped_groups_never_exceed_the_room(case):
    indicators, tasks, methodology, carried, carry_over = case
    result = allocate_fair_share(
        indicators, tasks, methodology, carried=carried, carry_over=carry_over
    )
    capped = result[result["capped"]]
    if capped.empty:
        return
    used = capped.groupby("municipality")["quota"].sum()
    room = capped.groupby("municipality")["capacity"].first()
    assert (used <= room + 1e-9).all()


@settings(max_examples=150, deadline=None)
@given(case=regions(kinds=[{"capped": True}], carry_over=False, whole_room=True))
def test_without_room_in_the_region_the_shortfall_is_need_minus_capacity(case):
    indicators, tasks, methodology, carried, _ = case
    result = allocate_fair_share(indicators, tasks, methodology, carried=carried)
    room = indicators["social_rent_turnover"] / 3 + indicators["new_construction_capacity"]
    # Municipalities whose key is zero for every group cannot take units.
    need, capacity = tasks.sum(), room.sum()
    if need > capacity and (indicators["inhabitants"] > 0).all():
        assert result["shortfall"].sum() == need - capacity
        assert result["quota"].sum() == capacity
    else:
        assert result["shortfall"].sum() == 0


@settings(max_examples=100, deadline=None)
@given(case=regions(), order=st.randoms(use_true_random=False))
def test_reordering_the_municipalities_changes_nothing(case, order):
    indicators, tasks, methodology, carried, carry_over = case
    result = allocate_fair_share(
        indicators, tasks, methodology, carried=carried, carry_over=carry_over
    )
    shuffled = list(indicators.index)
    order.shuffle(shuffled)
    again = allocate_fair_share(
        indicators.loc[shuffled],
        tasks,
        methodology,
        carried=carried.loc[shuffled[::-1]],
        carry_over=carry_over.loc[shuffled],
    )
    pd.testing.assert_frame_equal(result, again)


@settings(max_examples=100, deadline=None)
@given(case=regions())
def test_local_groups_are_never_moved_and_nobody_gets_units_without_a_share(case):
    indicators, tasks, methodology, carried, carry_over = case
    result = allocate_fair_share(indicators, tasks, methodology, carried=carried)
    local = result[result["local"]]
    assert (local["after_cap"] <= local["ideal"] + 1e-9).all()
    assert (local.loc[~local["capped"], "after_cap"] == local.loc[~local["capped"], "ideal"]).all()
    # A municipality carrying more than its fair target has no share after the correction;
    # only units displaced by the cap can reach it, once the raised target passes what it carries.
    corrected = result[
        result["target_group"].isin(
            [r.target_group for r in methodology.rules if r.correct_for_carried and not r.capped]
        )
    ]
    assert (corrected.loc[corrected["after_correction"] == 0, "quota"] == 0).all()
    assert (result.loc[result["after_cap"] == 0, "quota"] == 0).all()
