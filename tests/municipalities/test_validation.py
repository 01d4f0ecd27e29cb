"""Each plausibility rule on municipality figures, with the Dutch message a civil servant reads."""

import pytest
from django.core.exceptions import ValidationError

from municipalities.models import Indicator, Municipality
from municipalities.validation import validate_figure_set
from tests import factories


def test_negative_count_is_refused_in_dutch():
    errors = validate_figure_set({Indicator.STUDENTS: -3})
    assert errors == ["Aantal studenten mag niet negatief zijn (ingevuld: -3)."]


def test_share_above_100_is_refused_in_dutch():
    errors = validate_figure_set({Indicator.SHARE_75_PLUS: "108"})
    assert errors == [
        "Aandeel 75-plus (%) is een percentage en moet tussen 0 en 100 liggen (ingevuld: 108)."
    ]


def test_turnover_above_social_stock_is_refused_in_dutch():
    errors = validate_figure_set({Indicator.TURNOVER: 120, Indicator.SOCIAL_RENT: 100})
    assert errors == [
        "De mutaties sociale huur (120) kunnen niet groter zijn dan het aantal sociale "
        "huurwoningen (100)."
    ]


def test_social_stock_above_dwellings_is_refused_in_dutch():
    errors = validate_figure_set({Indicator.SOCIAL_RENT: 7000, Indicator.DWELLINGS: 6766})
    assert errors == [
        "Het aantal sociale huurwoningen (7000) kan niet groter zijn dan het totaal aantal "
        "woningen (6766)."
    ]


def test_consistent_figures_pass():
    figures = {
        Indicator.DWELLINGS: 6766,
        Indicator.SOCIAL_RENT: 2098,
        Indicator.TURNOVER: 90,
        Indicator.SHARE_75_PLUS: 8,
    }
    assert validate_figure_set(figures) == []


def test_malformed_cbs_code_is_refused_in_dutch(region):
    municipality = Municipality(
        name="Westervoort", slug="westervoort", region=region, cbs_code="0293"
    )
    with pytest.raises(ValidationError) as caught:
        municipality.full_clean()
    assert caught.value.message_dict["cbs_code"] == [
        "Een CBS-gemeentecode bestaat uit 'GM' en vier cijfers, bijvoorbeeld GM0293."
    ]


def test_saved_figure_is_checked_against_its_siblings(westervoort):
    factories.FigureFactory(municipality=westervoort, indicator=Indicator.DWELLINGS, value=6766)
    figure = factories.FigureFactory.build(
        municipality=westervoort, indicator=Indicator.SOCIAL_RENT, value=7000
    )
    with pytest.raises(ValidationError) as caught:
        figure.full_clean()
    assert "kan niet groter zijn dan het totaal aantal woningen" in str(caught.value)
