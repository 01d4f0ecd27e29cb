"""The neighbourhood fixture and the model's own rules: codes belong to their municipality."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from municipalities.models import (
    Indicator,
    Municipality,
    MunicipalityFigure,
    Neighbourhood,
    NeighbourhoodFigure,
    NeighbourhoodIndicator,
)

COVERED = {"GM0202": "Arnhem", "GM0268": "Nijmegen", "GM0293": "Westervoort"}
TOTALS = {
    NeighbourhoodIndicator.INHABITANTS: Indicator.INHABITANTS,
    NeighbourhoodIndicator.DWELLINGS: Indicator.DWELLINGS,
    NeighbourhoodIndicator.SOCIAL_RENT: Indicator.SOCIAL_RENT,
}


def test_fixture_has_the_districts_of_arnhem_nijmegen_and_westervoort(gmr_data):
    codes = set(Neighbourhood.objects.values_list("municipality__cbs_code", flat=True).distinct())
    assert COVERED.keys() <= codes
    for neighbourhood in Neighbourhood.objects.select_related("municipality"):
        assert Neighbourhood.municipality_code_of(neighbourhood.code) == (
            neighbourhood.municipality.cbs_code
        )


@pytest.mark.parametrize("cbs_code", sorted(COVERED))
def test_district_figures_add_up_to_the_municipality(gmr_data, cbs_code):
    for indicator, municipal in TOTALS.items():
        districts = NeighbourhoodFigure.objects.filter(
            neighbourhood__municipality__cbs_code=cbs_code, year=2024, indicator=indicator
        ).aggregate(total=Sum("value"))["total"]
        whole = MunicipalityFigure.objects.get(
            municipality__cbs_code=cbs_code, year=2024, indicator=municipal
        ).value
        assert districts == whole, indicator


def test_every_fixture_figure_is_sourced_and_marked_as_an_estimate(gmr_data):
    figures = NeighbourhoodFigure.objects.all()
    assert figures.count() == Neighbourhood.objects.count() * len(NeighbourhoodIndicator)
    assert not figures.filter(is_estimate=False).exists()
    assert not figures.filter(source="").exists()


def test_arnhem_oost_is_a_focus_area(gmr_data):
    focus = NeighbourhoodFigure.objects.filter(
        indicator=NeighbourhoodIndicator.FOCUS_AREA, value=1
    ).values_list("neighbourhood__municipality__cbs_code", flat=True)
    assert set(focus) == {"GM0202"}
    assert all(
        "Arnhem-Oost" in f.source
        for f in NeighbourhoodFigure.objects.filter(value=1, indicator="focus_area")
    )


def test_loading_twice_changes_nothing(gmr_data):
    from municipalities.services import reference_data_load

    assert reference_data_load() == gmr_data


def test_a_district_code_of_another_municipality_is_refused(gmr_data):
    westervoort = Municipality.objects.get(cbs_code="GM0293")
    with pytest.raises(ValidationError) as error:
        Neighbourhood(code="WK020299", kind="wijk", name="X", municipality=westervoort).full_clean()
    assert "hoort niet bij de gemeente Westervoort" in str(error.value)


@pytest.mark.parametrize(
    ("indicator", "value"),
    [
        ("liveability_class", "0"),
        ("liveability_class", "10"),
        ("liveability_class", "4.5"),
        ("focus_area", "2"),
    ],
)
def test_out_of_scale_values_are_refused(gmr_data, indicator, value):
    neighbourhood = Neighbourhood.objects.first()
    figure = NeighbourhoodFigure(
        neighbourhood=neighbourhood,
        year=2030,
        indicator=indicator,
        value=Decimal(value),
        source="test",
    )
    with pytest.raises(ValidationError):
        figure.full_clean()
