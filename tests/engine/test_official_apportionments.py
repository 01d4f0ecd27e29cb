"""The divisor methods reproduce official published apportionments (sources in data/)."""

from pathlib import Path

import pandas as pd

from allocation.engine import apportion

DATA = Path(__file__).parent / "data"


def read(name):
    return pd.read_csv(DATA / name, comment="#")


def test_huntington_hill_reproduces_the_2020_us_house_apportionment():
    states = read("us_house_2020.csv").set_index("state")
    assert states["apportionment_population"].sum() == 331_108_434  # the published total
    seats = apportion(
        states["apportionment_population"],
        435,
        "huntington_hill",
        lower=pd.Series(1, index=states.index),
    )
    assert seats.to_dict() == states["seats"].to_dict()


def test_dhondt_reproduces_the_2023_tweede_kamer_seats():
    lists = read("tweede_kamer_2023.csv").set_index("list")
    valid_votes = 10_432_726  # all lists, also those below the kiesdeler
    kiesdeler = valid_votes / 150
    assert (lists["votes"] >= kiesdeler).all() and lists["votes"].sum() <= valid_votes
    seats = apportion(lists["votes"], 150, "dhondt")
    assert seats.to_dict() == lists["seats"].to_dict()


def test_the_kiesraads_two_stages_are_dhondt_with_the_full_seats_as_lower_bounds():
    # Full seats first (votes // kiesdeler), then the rest by largest averages.
    lists = read("tweede_kamer_2023.csv").set_index("list")
    full_seats = lists["votes"] * 150 // 10_432_726
    assert full_seats.to_dict() == lists["full_seats"].to_dict()
    seats = apportion(lists["votes"], 150, "dhondt", lower=full_seats)
    assert seats.to_dict() == lists["seats"].to_dict()


def test_160_more_votes_for_d66_would_have_moved_the_last_seat_from_sp():
    # As the ANP computed from the official result: D66 656,452 / 10 > SP 328,225 / 5.
    lists = read("tweede_kamer_2023.csv").set_index("list")
    votes = lists["votes"].copy()
    votes["D66"] += 160
    seats = apportion(votes, 150, "dhondt")
    assert seats["D66"] == 10 and seats["SP (Socialistische Partij)"] == 4
