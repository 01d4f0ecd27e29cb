"""Importing municipality figures: all or nothing, Dutch errors with row numbers (header = row 1)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from municipalities.models import Indicator, MunicipalityFigure
from municipalities.services import municipality_figures_import

SHARED_CSV = Path("/work/shared/data/gmr_municipalities.csv")
HEADER = (
    "cbs_code,municipality,population,population_source,dwellings,dwellings_source,"
    "social_rent,social_rent_source,social_rent_turnover,turnover_source\n"
)
WESTERVOORT_ROW = "GM0293,Westervoort,15114,seed,6766,seed,2098,seed,90,seed 2022\n"
NIJMEGEN_ROW = "GM0268,Nijmegen,181000,estimate,92821,estimate,35272,estimate,2293,estimate\n"


def run_import(text, *, user=None, year=2024, **options):
    return municipality_figures_import(
        user=user,
        content=text.encode(),
        filename="cijfers.csv",
        year=year,
        today=date(2026, 4, 14),
        **options,
    )


def import_errors(text, **options):
    with pytest.raises(ValidationError) as caught:
        run_import(text, **options)
    return caught.value.messages


def figure(municipality, indicator, year=2024):
    return MunicipalityFigure.objects.get(municipality=municipality, indicator=indicator, year=year)


def test_file_with_the_shared_columns_is_imported_with_its_sources(westervoort, nijmegen):
    summary = run_import(HEADER + WESTERVOORT_ROW + NIJMEGEN_ROW)

    assert (summary.created, summary.updated) == (8, 0)
    turnover = figure(westervoort, Indicator.TURNOVER)
    assert (turnover.value, turnover.source, turnover.is_estimate) == (90, "seed 2022", False)
    assert figure(nijmegen, Indicator.INHABITANTS).is_estimate is True


def test_shared_reference_file_imports_for_all_17_municipalities(db):
    from municipalities.services import reference_data_load

    reference_data_load()
    summary = run_import(SHARED_CSV.read_text(), year=2025)

    assert summary.created == 17 * 4
    assert MunicipalityFigure.objects.filter(year=2025, indicator="inhabitants").count() == 17


def test_reimport_updates_in_place(westervoort):
    run_import(HEADER + WESTERVOORT_ROW)
    summary = run_import(HEADER + WESTERVOORT_ROW.replace("15114", "15200"))

    assert (summary.created, summary.updated) == (0, 4)
    assert figure(westervoort, Indicator.INHABITANTS).value == 15200


def test_year_column_wins_over_nothing_and_missing_year_is_reported(westervoort):
    run_import("cbs_code,year,population\nGM0293,2023,15000\n", year=None)
    assert figure(westervoort, Indicator.INHABITANTS, year=2023).value == 15000

    assert import_errors("cbs_code,population\nGM0293,15000\n", year=None) == [
        "Rij 1: geef een jaar op: een kolom 'year' of de optie --year."
    ]


def test_without_source_column_the_file_and_date_are_the_source(westervoort):
    run_import("cbs_code,population\nGM0293,15114\n")

    inhabitants = figure(westervoort, Indicator.INHABITANTS)
    assert inhabitants.source == "import cijfers.csv 2026-04-14"
    assert inhabitants.is_estimate is False


def test_extra_indicator_columns_with_estimate_sources(westervoort):
    run_import(
        'cbs_code,share_75_plus,share_75_plus_source,students\nGM0293,"8,5",schatting gemeente,0\n'
    )

    share = figure(westervoort, Indicator.SHARE_75_PLUS)
    assert (share.value, share.is_estimate) == (Decimal("8.5"), True)
    assert figure(westervoort, Indicator.STUDENTS).value == 0


def test_bad_row_writes_nothing_and_names_its_row(westervoort, nijmegen):
    bad_nijmegen = NIJMEGEN_ROW.replace("2293", "40000")  # turnover above social stock

    errors = import_errors(HEADER + WESTERVOORT_ROW + bad_nijmegen)

    assert errors == [
        "Rij 3: De mutaties sociale huur (40000) kunnen niet groter zijn dan het aantal "
        "sociale huurwoningen (35272)."
    ]
    assert not MunicipalityFigure.objects.exists()


def test_existing_figures_take_part_in_the_check(westervoort):
    run_import("cbs_code,dwellings\nGM0293,6766\n")

    errors = import_errors("cbs_code,social_rent\nGM0293,7000\n")

    assert errors == [
        "Rij 2: Het aantal sociale huurwoningen (7000) kan niet groter zijn dan het totaal "
        "aantal woningen (6766)."
    ]
    assert not MunicipalityFigure.objects.filter(indicator=Indicator.SOCIAL_RENT).exists()


def test_every_problem_is_reported_per_row(westervoort):
    text = (
        "cbs_code,municipality,population,share_75_plus,students\n"
        "GM0293,Westervoort,15114,8,0\n"
        "GM9999,Nergenshuizen,100,,\n"
        "GM0293,Arnhem,1,,\n"
        "GM0293,Westervoort,veel,140,-5\n"
    )

    errors = import_errors(text)

    assert errors == [
        "Rij 3: onbekende CBS-code 'GM9999'.",
        "Rij 4: CBS-code GM0293 hoort bij Westervoort, niet bij 'Arnhem'.",
        "Rij 5: kolom 'population': 'veel' is geen getal.",
        "Rij 5: Aandeel 75-plus (%) van Westervoort in 2024 staat ook in rij 2.",
        "Rij 5: Aantal studenten van Westervoort in 2024 staat ook in rij 2.",
    ]
    assert not MunicipalityFigure.objects.exists()


def test_out_of_range_values_are_reported_with_their_row(westervoort):
    errors = import_errors("cbs_code,share_75_plus,students\nGM0293,140,-5\n")

    assert errors == [
        "Rij 2: Aantal studenten mag niet negatief zijn (ingevuld: -5).",
        "Rij 2: Aandeel 75-plus (%) is een percentage en moet tussen 0 en 100 liggen "
        "(ingevuld: 140).",
    ]


def test_unknown_column_is_reported_on_the_header_row(westervoort):
    assert import_errors("cbs_code,inwoners\nGM0293,15114\n") == [
        "Rij 1: onbekende kolom 'inwoners'.",
        "Rij 1: er is geen kolom met cijfers.",
    ]


def test_civil_servant_imports_only_own_municipality(owner, westervoort, nijmegen):
    errors = import_errors(HEADER + WESTERVOORT_ROW + NIJMEGEN_ROW, user=owner)
    assert errors == ["Rij 3: u mag de cijfers van Nijmegen niet wijzigen."]
    assert not MunicipalityFigure.objects.exists()

    run_import(HEADER + WESTERVOORT_ROW, user=owner)
    assert figure(westervoort, Indicator.INHABITANTS).value == 15114


def test_steering_member_may_not_import(steering_member, westervoort):
    assert import_errors(HEADER + WESTERVOORT_ROW, user=steering_member) == [
        "Rij 2: u mag de cijfers van Westervoort niet wijzigen."
    ]


STATLINE = (
    '"ID";"RegioS";"Perioden";"TotaleBevolking_1";"Bevolkingsdichtheid_57"\n'
    '0;"NL01      ";"2024JJ00";17942942;"534"\n'
    '1;"GM0363    ";"2024JJ00";931298;"5277"\n'
    '2;"GM0293    ";"2024JJ00";15203;"1080"\n'
    '3;"GM0268    ";"2024JJ00";".";"3288"\n'
)


def test_statline_export_imports_the_region_and_passes_over_the_rest(westervoort, nijmegen):
    summary = run_import(STATLINE, year=None)

    assert (summary.created, summary.skipped_regions) == (1, 2)
    inhabitants = figure(westervoort, Indicator.INHABITANTS)
    assert inhabitants.value == 15203
    assert inhabitants.source == "CBS StatLine TotaleBevolking_1 (import cijfers.csv 2026-04-14)"
    assert inhabitants.is_estimate is False
    assert not MunicipalityFigure.objects.filter(municipality=nijmegen).exists()


def test_statline_extra_column_mapping(westervoort):
    run_import(STATLINE, year=2024, statline_columns={"Bevolkingsdichtheid_57": "students"})

    assert figure(westervoort, Indicator.STUDENTS).value == 1080


def test_statline_non_year_period_is_an_error(westervoort):
    text = '"ID";"RegioS";"Perioden";"TotaleBevolking_1"\n0;"GM0293    ";"2024KW01";15203\n'

    assert import_errors(text, year=None) == [
        "Rij 2: Perioden '2024KW01' is geen jaar (verwacht zoals 2024JJ00)."
    ]


def test_command_imports_and_reports(tmp_path, westervoort, capsys):
    good = tmp_path / "goed.csv"
    good.write_text(HEADER + WESTERVOORT_ROW)

    call_command("import_municipality_figures", str(good), "--year", "2024")

    assert "4 cijfers toegevoegd, 0 bijgewerkt." in capsys.readouterr().out
    assert figure(westervoort, Indicator.INHABITANTS).source == "seed"


def test_command_with_bad_row_fails_and_writes_nothing(tmp_path, westervoort):
    bad = tmp_path / "fout.csv"
    bad.write_text("cbs_code,population,dwellings\nGM0293,15114,6766\nGM0293,abc,\n")

    with pytest.raises(CommandError) as caught:
        call_command("import_municipality_figures", str(bad), "--year", "2024")

    assert "Er is niets geïmporteerd" in str(caught.value)
    assert "Rij 3: kolom 'population': 'abc' is geen getal." in str(caught.value)
    assert not MunicipalityFigure.objects.exists()
