"""Fairness measures: deviations, burden per 1,000 inhabitants, Lorenz curve and Gini."""

import pytest

from negotiation.fairness import Row, gini, lorenz, summarise


def test_equal_burden_has_gini_zero():
    points = lorenz([10, 20, 30], [1000, 2000, 3000])
    assert points[-1] == pytest.approx((1.0, 1.0))
    assert gini(points) == pytest.approx(0.0)


def test_one_carrying_everything_approaches_one():
    points = lorenz([0, 0, 0, 100], [1000, 1000, 1000, 1000])
    assert gini(points) == pytest.approx(0.75)


def test_summary_states_what_moved_and_by_whom():
    rows = [
        Row("A", fair_share=20, negotiated=26, inhabitants=15000, social_rent=2000),
        Row("B", fair_share=100, negotiated=94, inhabitants=180000, social_rent=30000),
        Row("C", fair_share=24, negotiated=24, inhabitants=25000, social_rent=3000),
    ]
    summary = summarise(rows)
    assert summary.total_deviation == 6
    assert summary.largest.municipality == "A"  # ties broken by name: A before B
    assert rows[0].deviation_per_1000_inhabitants == pytest.approx(6000 / 15000)
    assert rows[1].deviation_per_100_social_rent == pytest.approx(-600 / 30000)
    # A small municipality taking more from a big one spreads the burden less evenly.
    assert summary.gini > summary.fair_gini


def test_no_change_means_no_largest_deviation():
    summary = summarise([Row("A", 5, 5, 1000, 100), Row("B", 7, 7, 2000, 100)])
    assert summary.total_deviation == 0 and summary.largest is None
    assert summary.gini == pytest.approx(summary.fair_gini)
