"""Neighbourhood imports: CBS Kerncijfers, liveability and boundaries, all or nothing, in Dutch."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from municipalities.models import Neighbourhood, NeighbourhoodBoundaries, NeighbourhoodFigure
from municipalities.neighbourhood_services import (
    liveability_import,
    neighbourhood_boundaries_import,
    neighbourhood_figures_import,
)
from tests import factories

# The columns of CBS's typed data set (numbered per edition), the first rows of the country.
HEADER = (
    "ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;"
    "IndelingswijzigingWijkenEnBuurten_4;AantalInwoners_5;Mannen_6;Woningvoorraad_34;"
    "InBezitWoningcorporatie_42"
)
ROWS = [
    "0;NL00      ;Nederland                               ;Land      ;NL00      ;.;17942942;8911000;8126000;27",
    "1;GM0293    ;Westervoort                             ;Gemeente  ;GM0293    ;1;15114;7500;6766;31",
    "2;WK029300  ;Westervoort                             ;Wijk      ;WK029300  ;1;8300;4100;3700;35",
    "3;BU02930001;Westervoort                             ;Buurt     ;BU02930001;1;1200;600;500;.",
    "4;WK036300  ;Amsterdam                               ;Wijk      ;WK036300  ;1;9000;4500;5000;40",
]


def kerncijfers(*rows):
    return "\n".join([HEADER, *(rows or ROWS)]).encode()


@pytest.fixture
def region(db):
    gmr = factories.RegionFactory()
    factories.MunicipalityFactory(region=gmr, name="Westervoort", cbs_code="GM0293")
    factories.MunicipalityFactory(region=gmr, name="Nijmegen", cbs_code="GM0268")
    return gmr


def figures(code):
    return {
        f.indicator: f
        for f in NeighbourhoodFigure.objects.filter(neighbourhood__code=code, year=2024)
    }


def test_kerncijfers_import_creates_districts_and_derives_social_rent(region):
    summary = neighbourhood_figures_import(
        user=None, content=kerncijfers(), filename="kwb-2024.csv", year=2024
    )
    assert summary.skipped_regions == 1  # Amsterdam's wijk
    assert set(Neighbourhood.objects.values_list("code", "kind")) == {
        ("WK029300", "wijk"),
        ("BU02930001", "buurt"),
    }
    wijk = figures("WK029300")
    assert wijk["inhabitants"].value == 8300
    assert wijk["dwellings"].value == 3700
    assert wijk["social_rent_dwellings"].value == 1295  # 3700 × 35% = 1295
    assert wijk["social_rent_dwellings"].is_estimate
    assert not wijk["inhabitants"].is_estimate
    assert "Kerncijfers wijken en buurten 2024" in wijk["inhabitants"].source
    # `.` in an optional column: no social-rent figure, the others stand.
    assert set(figures("BU02930001")) == {"inhabitants", "dwellings"}


def test_kerncijfers_import_updates_in_place(region):
    neighbourhood_figures_import(user=None, content=kerncijfers(), filename="a.csv", year=2024)
    row = ROWS[2].replace(";8300;", ";8400;")
    neighbourhood_figures_import(user=None, content=kerncijfers(row), filename="b.csv", year=2024)
    assert figures("WK029300")["inhabitants"].value == 8400
    assert NeighbourhoodFigure.objects.filter(neighbourhood__code="WK029300").count() == 3


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ROWS[2].replace(";8300;", ";.;"),
            "Rij 3: kolom 'AantalInwoners_5' is leeg ('.') maar is verplicht.",
        ),
        (ROWS[2].replace("Westervoort  ", "Nijmegen     "), "WK029300 hoort bij Westervoort"),
        (ROWS[2].replace(";3700;", ";veel;"), "'veel' is geen getal"),
        (ROWS[2].replace("WK029300  ;1", "WK02930   ;1"), "Een CBS-wijkcode"),
    ],
)
def test_a_bad_row_saves_nothing(region, row, message):
    with pytest.raises(ValidationError) as error:
        neighbourhood_figures_import(
            user=None, content=kerncijfers(ROWS[3], row), filename="x.csv", year=2024
        )
    assert any(message in m for m in error.value.messages), error.value.messages
    assert not Neighbourhood.objects.exists()
    assert not NeighbourhoodFigure.objects.exists()


def test_kerncijfers_without_a_required_column_names_it(region):
    text = kerncijfers().decode().replace("Woningvoorraad_34", "Koopwoningen_40").encode()
    with pytest.raises(ValidationError) as error:
        neighbourhood_figures_import(user=None, content=text, filename="x.csv", year=2024)
    assert error.value.messages == ["Rij 1: de kolom 'Woningvoorraad' ontbreekt."]


def test_civil_servant_imports_only_their_own_municipality(region):
    nijmegen = factories.member(
        role="civil_servant",
        municipality=region.municipalities.get(cbs_code="GM0268"),
        username="charlie",
    )
    with pytest.raises(ValidationError) as error:
        neighbourhood_figures_import(
            user=nijmegen, content=kerncijfers(), filename="x.csv", year=2024
        )
    assert error.value.messages == [
        "Rij 4: u mag de gegevens van Westervoort niet wijzigen.",
        "Rij 5: u mag de gegevens van Westervoort niet wijzigen.",
    ]
    assert not Neighbourhood.objects.exists()


@pytest.fixture
def districts(region):
    neighbourhood_figures_import(user=None, content=kerncijfers(), filename="a.csv", year=2024)
    return region


def test_liveability_import_sets_class_and_focus_flag(districts):
    text = "code;jaar;klasse;focusgebied;bron\nWK029300;2024;4;ja;Leefbaarometer 3.0 (2022)\n"
    summary = liveability_import(user=None, content=text.encode(), filename="lbm.csv")
    assert summary.created == 2
    wijk = figures("WK029300")
    assert wijk["liveability_class"].value == 4
    assert wijk["focus_area"].value == 1
    assert wijk["liveability_class"].source == "Leefbaarometer 3.0 (2022)"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("WK029399;2024;4", "Rij 3: onbekende wijk of buurt 'WK029399'."),
        ("WK029300;2024;10", "Rij 3: Leefbaarheid (Leefbaarometer-klasse 1–9): Een"),
        ("WK029300;2024;.", "Rij 3: kolom 'klasse' is leeg maar is verplicht."),
        ("WK029300;24;4", "Rij 3: jaar '24' is geen jaartal."),
    ],
)
def test_bad_liveability_row_saves_nothing(districts, row, message):
    text = f"code;jaar;klasse\nBU02930001;2024;6\n{row}\n"
    before = NeighbourhoodFigure.objects.count()
    with pytest.raises(ValidationError) as error:
        liveability_import(user=None, content=text.encode(), filename="lbm.csv")
    assert any(m.startswith(message) for m in error.value.messages), error.value.messages
    assert NeighbourhoodFigure.objects.count() == before


def square(code, *, closed=True, x=5.9):
    ring = [[x, 51.9], [x + 0.01, 51.9], [x + 0.01, 51.91], [x, 51.91]]
    if closed:
        ring.append(ring[0])
    return {
        "type": "Feature",
        "properties": {"statcode": code, "statnaam": f"Wijk {code}"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def geojson(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_boundaries_import_keeps_the_region_s_districts(districts):
    boundaries = neighbourhood_boundaries_import(
        user=None, region=districts, content=geojson(square("WK029300")), filename="wijken.geojson"
    )
    assert [f["id"] for f in boundaries.features] == ["WK029300"]
    assert boundaries.features[0]["properties"]["name"] == "Wijk WK029300"


def test_topojson_boundaries_are_decoded(districts):
    topology = {
        "type": "Topology",
        "arcs": [[[5.9, 51.9], [5.91, 51.9], [5.91, 51.91], [5.9, 51.91], [5.9, 51.9]]],
        "objects": {
            "wijken": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "properties": {"wijkcode": "WK029300"}}
                ],
            }
        },
    }
    boundaries = neighbourhood_boundaries_import(
        user=None, region=districts, content=json.dumps(topology).encode(), filename="w.topojson"
    )
    assert boundaries.features[0]["geometry"]["coordinates"][0][0] == [5.9, 51.9]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (geojson(square("WK029300", closed=False)), "WK029300 heeft 1 niet-gesloten ring(en)."),
        (
            geojson(square("WK029300"), square("WK029377")),
            "Onbekende wijk- of buurtcodes in Groene Metropoolregio Arnhem-Nijmegen: WK029377.",
        ),
        (geojson(square("WK036300")), "Onbekende wijk- of buurtcodes"),
        (b"{niet json", "Het bestand is geen geldige JSON"),
        (b"[]", "Het bestand is geen GeoJSON FeatureCollection of TopoJSON."),
    ],
)
def test_bad_boundaries_save_nothing(districts, content, message):
    with pytest.raises(ValidationError) as error:
        neighbourhood_boundaries_import(user=None, region=districts, content=content, filename="w")
    assert any(m.startswith(message) for m in error.value.messages), error.value.messages
    assert not NeighbourhoodBoundaries.objects.exists()


def test_only_the_project_leader_imports_boundaries(districts):
    owner = factories.member(
        role="civil_servant",
        municipality=districts.municipalities.get(cbs_code="GM0293"),
        username="alice",
    )
    with pytest.raises(PermissionDenied):
        neighbourhood_boundaries_import(
            user=owner, region=districts, content=geojson(square("WK029300")), filename="w"
        )
    leader = factories.member(role="project_leader", region=districts, username="pl")
    neighbourhood_boundaries_import(
        user=leader, region=districts, content=geojson(square("WK029300")), filename="w"
    )
    assert NeighbourhoodBoundaries.objects.get(region=districts).imported_by == leader


def test_command_imports_and_reports_errors_in_dutch(region, tmp_path):
    good = tmp_path / "kwb.csv"
    good.write_bytes(kerncijfers())
    out = StringIO()
    call_command("import_neighbourhoods", "kerncijfers", str(good), "--year", "2024", stdout=out)
    # Two neighbourhoods and their five figures; Amsterdam's wijk lies outside the region.
    assert out.getvalue().strip() == (
        "7 toegevoegd, 0 bijgewerkt. 1 rijen buiten de regio overgeslagen."
    )
    bad = tmp_path / "lbm.csv"
    bad.write_text("code;jaar;klasse\nWK029300;2024;12\n")
    with pytest.raises(CommandError, match="Er is niets geïmporteerd"):
        call_command("import_neighbourhoods", "leefbaarheid", str(bad))
    with pytest.raises(CommandError, match="--year"):
        call_command("import_neighbourhoods", "kerncijfers", str(good))
