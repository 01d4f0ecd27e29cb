"""The fair-share allocation: hand-computed regions, the explanation and the refusals."""

import numpy as np
import pandas as pd
import pytest

from allocation.engine import (
    DEFAULT_GROUP_SETTINGS,
    RESULT_COLUMNS,
    GroupRule,
    InfeasibleAllocation,
    Methodology,
    allocate_fair_share,
    default_methodology,
)

CODES = ["GM0001", "GM0002", "GM0003"]
BY_INHABITANTS = {"inhabitants": 1.0}


def region(inhabitants=(60, 30, 10), turnover=(30, 60, 90), **columns):
    return pd.DataFrame(
        {"inhabitants": inhabitants, "social_rent_turnover": turnover, **columns}, index=CODES
    )


def allocate(rules, tasks, indicators=None, **kwargs):
    methodology = Methodology(rules=tuple(rules), **kwargs.pop("settings", {}))
    indicators = region() if indicators is None else indicators
    return allocate_fair_share(indicators, pd.Series(tasks), methodology, **kwargs)


def column(result, name, group=None):
    rows = result if group is None else result[result["target_group"] == group]
    return rows[name].round(9).tolist()


def test_the_key_shares_the_task_in_proportion():
    result = allocate([GroupRule("a", BY_INHABITANTS)], {"a": 10})
    assert column(result, "key_share") == [0.6, 0.3, 0.1]
    assert column(result, "ideal") == [6.0, 3.0, 1.0]
    assert column(result, "quota") == [6, 3, 1]


def test_a_key_averages_the_shares_of_its_indicators():
    # 50% by share of inhabitants (.6 .3 .1), 50% by share of social rent (.2 .3 .5).
    indicators = region(social_rent=(20, 30, 50))
    rule = GroupRule("a", {"inhabitants": 1.0, "social_rent": 1.0})
    result = allocate([rule], {"a": 10}, indicators)
    assert column(result, "key_share") == [0.4, 0.3, 0.3]


def test_the_correction_counts_what_a_municipality_already_carries():
    # Fair target: share of 10 + 8 carried = 10.8, 5.4, 1.8; minus carried: 2.8, 5.4, 1.8.
    rule = GroupRule("a", BY_INHABITANTS, correct_for_carried=True)
    carried = pd.DataFrame({"a": [8, 0, 0]}, index=CODES)
    result = allocate([rule], {"a": 10}, carried=carried)
    assert column(result, "after_correction") == [2.8, 5.4, 1.8]
    assert column(result, "correction_contribution") == [-3.2, 2.4, 0.8]
    # Hamilton: 2, 5, 1 and the two units left to the remainders .8 (a tie: both get one).
    assert column(result, "quota") == [3, 5, 2]


def test_a_municipality_that_carries_more_than_its_fair_target_receives_nothing():
    # Fair targets at the level 25: 15, 7.5, 2.5. GM0001 carries 20 > 15: nothing; the others
    # keep the key's proportion 3 : 1 and take the whole task.
    rule = GroupRule("a", BY_INHABITANTS, correct_for_carried=True)
    carried = pd.DataFrame({"a": [20, 0, 0]}, index=CODES)
    result = allocate([rule], {"a": 10}, carried=carried)
    assert column(result, "after_correction") == [0.0, 7.5, 2.5]
    assert column(result, "quota") == [0, 8, 2]  # the remainders .5 tie: the first code wins


def test_carried_units_of_groups_without_correction_are_ignored():
    carried = pd.DataFrame({"a": [20, 0, 0]}, index=CODES)
    result = allocate([GroupRule("a", BY_INHABITANTS)], {"a": 10}, carried=carried)
    assert column(result, "quota") == [6, 3, 1]


def test_the_cap_moves_what_does_not_fit_to_municipalities_with_room_by_key():
    # Rooms 10, 20, 30 (a third of turnover). Ideal 15, 9, 6 at shares .5, .3, .2: GM0001
    # keeps 10; its 5 units go to the others as 3 : 2.
    rule = GroupRule("a", BY_INHABITANTS, capped=True)
    result = allocate([rule], {"a": 30}, region(inhabitants=(50, 30, 20)))
    assert column(result, "capacity") == [10.0, 20.0, 30.0]
    assert column(result, "after_cap") == [10.0, 12.0, 8.0]
    assert column(result, "cap_contribution") == [-5.0, 3.0, 2.0]
    assert column(result, "quota") == [10, 12, 8]
    assert column(result, "shortfall") == [0, 0, 0]


def test_the_region_without_room_reports_the_shortfall_where_it_came_from():
    # Asked 45, 27, 18 against rooms 10, 20, 30: 60 placed, 30 short. GM0001 displaced 35 and
    # GM0002 7; the 12 free in GM0003 take part of that, the rest is short as 35 : 7.
    rule = GroupRule("a", BY_INHABITANTS, capped=True)
    result = allocate([rule], {"a": 90}, region(inhabitants=(50, 30, 20)))
    assert column(result, "quota") == [10, 20, 30]
    assert column(result, "shortfall") == [25, 5, 0]


def test_local_groups_use_the_room_first_and_are_never_moved():
    rooms = region(inhabitants=(50, 30, 20))
    rules = [
        GroupRule("shared", BY_INHABITANTS, capped=True),
        GroupRule("urgent", BY_INHABITANTS, local=True, capped=True),
    ]
    result = allocate(rules, {"shared": 30, "urgent": 12}, rooms)
    # Local: 6, 3.6, 2.4 first. Room left 4, 16.4, 27.6: GM0001 keeps 4 of the shared 15 and
    # the 11 displaced go 3 : 2 to the others.
    assert column(result, "after_cap", "urgent") == [6.0, 3.6, 2.4]
    assert column(result, "after_cap", "shared") == [4.0, 15.6, 10.4]
    assert column(result, "quota", "urgent") == [6, 4, 2]
    assert column(result, "quota", "shared") == [4, 16, 10]
    per_municipality = result.groupby("municipality")["quota"].sum().tolist()
    assert per_municipality == [10, 20, 12]  # within the rooms 10, 20, 30


def test_a_local_group_that_does_not_fit_is_short_in_its_own_municipality():
    rule = GroupRule("urgent", BY_INHABITANTS, local=True, capped=True)
    result = allocate([rule], {"urgent": 40}, region(inhabitants=(50, 30, 20)))
    # Asked 20, 12, 8 against rooms 10, 20, 30: nothing moves.
    assert column(result, "quota") == [10, 12, 8]
    assert column(result, "shortfall") == [10, 0, 0]


def test_arrears_are_added_and_an_advance_subtracted_but_never_below_zero():
    carry_over = pd.DataFrame({"a": [-8, 2, 0]}, index=CODES)
    result = allocate([GroupRule("a", BY_INHABITANTS)], {"a": 10}, carry_over=carry_over)
    assert column(result, "quota") == [0, 5, 1]
    assert column(result, "carry_over_contribution") == [-6, 2, 0]
    # The advance of 8 was larger than the 6 due: 2 of it is left for the next period.
    assert column(result, "shortfall") == [-2, 0, 0]


def test_arrears_of_a_capped_group_stay_arrears_when_the_room_is_full():
    rule = GroupRule("a", BY_INHABITANTS, capped=True)
    carry_over = pd.DataFrame({"a": [5, 0, 0]}, index=CODES)
    result = allocate([rule], {"a": 30}, region(inhabitants=(50, 30, 20)), carry_over=carry_over)
    assert column(result, "quota") == [10, 12, 8]  # GM0001 is full at 10
    assert column(result, "shortfall") == [5, 0, 0]


def test_every_quota_is_explained_by_its_steps():
    rules = [
        GroupRule("a", BY_INHABITANTS, correct_for_carried=True, capped=True),
        GroupRule("b", {"inhabitants": 1.0, "social_rent": 2.0}),
        GroupRule("u", BY_INHABITANTS, local=True, capped=True),
    ]
    result = allocate(
        rules,
        {"a": 37, "b": 11, "u": 9},
        region(social_rent=(5, 9, 1)),
        carried=pd.DataFrame({"a": [30, 1, 0]}, index=CODES),
        carry_over=pd.DataFrame({"b": [-3, 4, 1]}, index=CODES),
    )
    assert list(result.columns) == RESULT_COLUMNS
    steps = result[
        [
            "key_contribution",
            "correction_contribution",
            "cap_contribution",
            "rounding_contribution",
            "carry_over_contribution",
        ]
    ].sum(axis=1)
    assert np.allclose(steps, result["quota"], rtol=0, atol=1e-9)
    totals = result.groupby("target_group")[["quota", "shortfall"]].sum().sum(axis=1)
    assert totals.to_dict() == {"a": 37, "b": 11 + 2, "u": 9}


def test_rows_come_per_group_in_rule_order_and_municipalities_by_code():
    indicators = region().iloc[::-1]
    result = allocate(
        [GroupRule("z", BY_INHABITANTS), GroupRule("a", BY_INHABITANTS)],
        {"a": 1, "z": 2},
        indicators,
    )
    assert result["target_group"].tolist() == ["z"] * 3 + ["a"] * 3
    assert result["municipality"].tolist() == CODES * 2
    assert result["capped"].dtype == bool and result["local"].dtype == bool
    assert result["quota"].dtype == np.int64 and result["shortfall"].dtype == np.int64


def test_a_missing_capacity_column_counts_as_zero_and_capacity_adds_to_the_room():
    rule = GroupRule("a", BY_INHABITANTS, capped=True)
    without = allocate([rule], {"a": 30}, region(inhabitants=(50, 30, 20)))
    assert column(without, "capacity") == [10.0, 20.0, 30.0]
    extra = region(inhabitants=(50, 30, 20), new_construction_capacity=(5, 0, 0))
    assert column(allocate([rule], {"a": 30}, extra), "capacity") == [15.0, 20.0, 30.0]


def test_groups_without_a_cap_show_no_capacity():
    result = allocate([GroupRule("a", BY_INHABITANTS)], {"a": 3})
    assert result["capacity"].isna().all()


def test_the_rounding_method_and_cap_share_come_from_the_methodology():
    rule = GroupRule("a", BY_INHABITANTS, capped=True)
    settings = {"cap_share": 0.5, "method": "dhondt"}
    result = allocate([rule], {"a": 9}, region(inhabitants=(7, 3, 1)), settings=settings)
    assert column(result, "capacity") == [15.0, 30.0, 45.0]
    assert column(result, "quota") == apportion_dhondt([7, 3, 1], 9)


def apportion_dhondt(weights, total):
    from allocation.engine import apportion

    return apportion(weights, total, "jefferson").tolist()


def test_a_key_that_is_zero_everywhere_is_refused_for_a_task():
    indicators = region(students=(0, 0, 0))
    with pytest.raises(InfeasibleAllocation, match="studenten.*zero in every municipality"):
        allocate(
            [GroupRule("studenten", {"students": 1.0}, local=True)], {"studenten": 5}, indicators
        )
    result = allocate([GroupRule("studenten", {"students": 1.0})], {"studenten": 0}, indicators)
    assert column(result, "quota") == [0, 0, 0]


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ({"b": 1}, "without a task: \\['a'\\], without a rule: \\['b'\\]"),
        ({"a": 2.5}, "whole numbers"),
        ({"a": -1}, "whole numbers"),
    ],
)
def test_tasks_must_match_the_rules_and_be_whole(tasks, message):
    with pytest.raises(ValueError, match=message):
        allocate([GroupRule("a", BY_INHABITANTS)], tasks)


def test_indicators_must_hold_the_key_columns_and_be_numbers_of_zero_or_more():
    with pytest.raises(ValueError, match="lack the columns \\['students'\\]"):
        allocate([GroupRule("a", {"students": 1.0})], {"a": 1})
    with pytest.raises(ValueError, match="GM0002: inhabitants"):
        allocate([GroupRule("a", BY_INHABITANTS)], {"a": 1}, region(inhabitants=(1, -1, 1)))


def test_carry_over_must_be_whole_units_for_known_municipalities():
    rule = GroupRule("a", BY_INHABITANTS)
    with pytest.raises(ValueError, match="whole units"):
        allocate([rule], {"a": 1}, carry_over=pd.DataFrame({"a": [0.5, 0, 0]}, index=CODES))
    with pytest.raises(ValueError, match="unknown municipalities \\['GM9999'\\]"):
        allocate([rule], {"a": 1}, carried=pd.DataFrame({"a": [1]}, index=["GM9999"]))
    with pytest.raises(ValueError, match="groups \\['b'\\]"):
        allocate([rule], {"a": 1}, carry_over=pd.DataFrame({"b": [1, 0, 0]}, index=CODES))
    # Carried units of a group without a rule are information, not an obligation: unused.
    unused = pd.DataFrame({"b": [5, 0, 0]}, index=CODES)
    assert column(allocate([rule], {"a": 10}, carried=unused), "quota") == [6, 3, 1]


def test_a_rule_checks_its_key_and_settings():
    with pytest.raises(ValueError, match="no weight above 0"):
        GroupRule("a", {"inhabitants": 0.0})
    with pytest.raises(ValueError, match="weights of 0 or more"):
        GroupRule("a", {"inhabitants": -1.0})
    with pytest.raises(ValueError, match="local"):
        GroupRule("a", BY_INHABITANTS, local=True, correct_for_carried=True)
    with pytest.raises(ValueError, match="one rule"):
        Methodology(rules=(GroupRule("a", BY_INHABITANTS), GroupRule("a", BY_INHABITANTS)))
    with pytest.raises(ValueError, match="cap share"):
        Methodology(rules=(), cap_share=1.5)


def test_methodologies_are_hashable_values():
    first = Methodology(rules=(GroupRule("a", {"inhabitants": 1}),))
    second = Methodology(rules=(GroupRule("a", {"inhabitants": 1.0}),))
    assert first == second and hash(first) == hash(second)
    assert Methodology(rules=(), method="dhondt").method == "jefferson"
    assert Methodology(rules=(), tie_break="random", seed=1).tie_break == "lot"


def test_the_default_methodology_follows_the_domain_brief():
    methodology = default_methodology()
    rules = {rule.target_group: rule for rule in methodology.rules}
    assert list(rules) == list(DEFAULT_GROUP_SETTINGS)
    outflow = rules["uitstroom-bw"]
    assert outflow.correct_for_carried and outflow.capped and not outflow.local
    assert dict(outflow.key) == {"inhabitants": 1.0}
    assert rules["urgent-verordening"].local and rules["urgent-verordening"].capped
    assert not rules["statushouders"].capped and not rules["statushouders"].local
    assert dict(rules["vg"].key) == {"inhabitants": 1.0, "social_rent": 1.0}
    assert rules["ouderen-zorg"].local and dict(rules["ouderen-zorg"].key) == {
        "inhabitants_75_plus": 1.0
    }
    assert methodology.cap_share == pytest.approx(1 / 3) and methodology.method == "hamilton"


def test_the_default_methodology_takes_the_data_sets_own_codes_and_settings():
    methodology = default_methodology({"bw": "outflow", "sh": "status_holders"}, cap_share=0.25)
    assert methodology.target_groups == ("bw", "sh") and methodology.cap_share == 0.25
    with pytest.raises(ValueError, match="Unknown kind"):
        default_methodology({"bw": "shelter"})
