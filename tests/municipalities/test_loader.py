"""The GMR data set: complete, sourced, reproducing the seed's regional averages, idempotent."""

import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Sum

from gmr_thuis.models import Membership
from municipalities.importers import source_is_estimate
from municipalities.models import (
    CareClientCount,
    CareType,
    CorporationStock,
    Indicator,
    Municipality,
    MunicipalityFigure,
    RegionalTask,
    TargetGroup,
)
from municipalities.services import FIXTURES_DIR, reference_data_load

YEAR = 2024
# The seed's "gem.% regio" column, with the number of decimals it shows.
SEED_CARE_AVERAGES = {
    CareType.BW_WMO: "0.16",
    CareType.BW_WLZ: "0.25",
    CareType.MO: "0.05",
    CareType.VO: "0.01",
    CareType.YOUTH: "0.26",
    CareType.VG: "0.7",
    CareType.LG: "0.12",
}
SEED_TOTAL_IN_CARE = "1.49"
SEED_GROUP_AVERAGES = {
    Indicator.STUDENTS: "3.23",
    Indicator.LABOUR_MIGRANTS: "2.22",
    Indicator.CARAVAN_DWELLERS: "0.05",
}
LEGALLY_URGENT = {
    "uitstroom-bw",
    "uitstroom-mo",
    "vrouwenopvang",
    "jeugdzorg-leavers",
    "dakloze-gezinnen",
    "mantelzorg",
}
ALL_GROUPS = LEGALLY_URGENT | {
    "statushouders",
    "urgent-verordening",
    "vg",
    "lg",
    "ggz",
    "arbeidsmigranten",
    "studenten",
    "woonwagenbewoners",
    "ouderen-zorg",
}


def regional_population():
    return MunicipalityFigure.objects.filter(year=YEAR, indicator=Indicator.INHABITANTS).aggregate(
        total=Sum("value")
    )["total"]


def as_seed_shows(count, population, shown):
    """The share in percent, rounded to the decimals the seed shows (`shown`, e.g. "0.7")."""
    share = Decimal(count) * 100 / population
    return share.quantize(Decimal(shown), rounding=ROUND_HALF_UP)


def test_region_has_17_municipalities_of_about_793000_inhabitants(gmr_data):
    assert Municipality.objects.count() == 17
    assert abs(regional_population() - 793_000) < 1_000


def test_every_municipality_has_every_indicator_and_care_type(gmr_data):
    assert MunicipalityFigure.objects.filter(year=YEAR).count() == 17 * len(Indicator)
    assert CareClientCount.objects.filter(year=YEAR).count() == 17 * len(CareType)


def test_care_clients_reproduce_the_seeds_regional_averages(gmr_data):
    population = regional_population()
    seven_types = 0
    for care_type, shown in SEED_CARE_AVERAGES.items():
        count = CareClientCount.objects.filter(year=YEAR, care_type=care_type).aggregate(
            total=Sum("count")
        )["total"]
        seven_types += count
        assert as_seed_shows(count, population, shown) == Decimal(shown), care_type
    assert as_seed_shows(seven_types, population, SEED_TOTAL_IN_CARE) == Decimal(SEED_TOTAL_IN_CARE)


def test_other_groups_reproduce_the_seeds_regional_averages(gmr_data):
    population = regional_population()
    for indicator, shown in SEED_GROUP_AVERAGES.items():
        count = MunicipalityFigure.objects.filter(year=YEAR, indicator=indicator).aggregate(
            total=Sum("value")
        )["total"]
        assert as_seed_shows(count, population, shown) == Decimal(shown), indicator


def test_institutions_concentrate_in_arnhem_and_nijmegen(gmr_data):
    for care_type in (CareType.BW_WMO, CareType.MO, CareType.VO):
        counts = CareClientCount.objects.filter(year=YEAR, care_type=care_type)
        cities = counts.filter(municipality__name__in=["Arnhem", "Nijmegen"])
        assert cities.aggregate(n=Sum("count"))["n"] > counts.aggregate(n=Sum("count"))["n"] / 2


def test_westervoort_carries_the_seeds_own_figures(gmr_data):
    westervoort = Municipality.objects.get(cbs_code="GM0293")
    figures = {f.indicator: f for f in westervoort.figures.filter(year=YEAR)}
    seed = {
        Indicator.INHABITANTS: 15114,
        Indicator.DWELLINGS: 6766,
        Indicator.SOCIAL_RENT: 2098,
        Indicator.TURNOVER: 90,
        Indicator.SHARE_75_PLUS: 8,
        Indicator.STUDENTS: 0,
        Indicator.LABOUR_MIGRANTS: 275,
        Indicator.CARAVAN_DWELLERS: 8,
    }
    for indicator, value in seed.items():
        assert figures[indicator].value == value, indicator
        assert not figures[indicator].is_estimate, indicator
    assert "2022" in figures[Indicator.TURNOVER].source
    care = dict(westervoort.care_clients.filter(year=YEAR).values_list("care_type", "count"))
    assert care | {CareType.GGZ: 0} == {
        CareType.BW_WMO: 27,
        CareType.BW_WLZ: 45,
        CareType.MO: 0,
        CareType.VO: 0,
        CareType.YOUTH: 40,
        CareType.VG: 90,
        CareType.LG: 10,
        CareType.GGZ: 0,
    }


def test_every_number_has_a_source_and_estimates_say_so(gmr_data):
    for model in (MunicipalityFigure, CareClientCount, RegionalTask, CorporationStock):
        assert not model.objects.filter(source="").exists(), model
        for record in model.objects.all():
            assert record.is_estimate == source_is_estimate(record.source), record
    assert CareClientCount.objects.get(
        municipality__cbs_code="GM0293", care_type=CareType.GGZ
    ).is_estimate


def test_sources_are_dutch_as_the_screens_show_them(gmr_data):
    english = re.compile(r"\b(estimate|approximate|seed|replace by|inhabitants|dwellings)\b", re.I)
    for model in (MunicipalityFigure, CareClientCount, RegionalTask, CorporationStock):
        for source in model.objects.values_list("source", flat=True).distinct():
            assert not english.search(source), source
    assert MunicipalityFigure.objects.filter(source__startswith="brondocument (").exists()


def test_target_groups_and_a_task_per_year_until_2030(gmr_data):
    assert set(TargetGroup.objects.values_list("code", flat=True)) == ALL_GROUPS
    assert (
        set(TargetGroup.objects.filter(legally_urgent=True).values_list("code", flat=True))
        == LEGALLY_URGENT
    )
    assert not TargetGroup.objects.filter(legally_urgent=True, legally_urgent_from=None).exists()
    for group in TargetGroup.objects.all():
        assert group.definition_nl and group.definition_en and group.care_support_nl, group
        years = set(group.tasks.values_list("year", flat=True))
        assert years == set(range(2025, 2031)), group
    assert not RegionalTask.objects.filter(is_estimate=False).exists()


def test_corporations_own_no_more_than_the_social_stock(gmr_data):
    for municipality in Municipality.objects.all():
        owned = municipality.corporation_stock.aggregate(n=Sum("dwellings"))["n"] or 0
        social = municipality.figures.get(year=YEAR, indicator=Indicator.SOCIAL_RENT).value
        assert owned <= social, municipality
    assert CorporationStock.objects.filter(
        corporation__name="Vivare", municipality__cbs_code="GM0293"
    ).exists()


def test_loading_twice_changes_nothing(gmr_data):
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (MunicipalityFigure, CareClientCount, RegionalTask, CorporationStock)
    }

    assert reference_data_load() == gmr_data

    for model, rows in before.items():
        assert list(model.objects.order_by("pk").values()) == rows, model


def test_a_stock_above_the_social_rent_stops_the_whole_load(db, tmp_path):
    data_dir = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, data_dir)
    stock = data_dir / "corporation_stock.csv"
    stock.write_text(stock.read_text().replace("Vivare,GM0293,1153", "Vivare,GM0293,9999"))

    with pytest.raises(ValidationError) as caught:
        reference_data_load(data_dir=data_dir)

    assert "meer dan de 2098 sociale huurwoningen" in caught.value.messages[0]
    assert not Municipality.objects.exists()


def test_a_bad_figure_names_its_file_and_row(db, tmp_path):
    data_dir = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, data_dir)
    figures = data_dir / "municipality_figures.csv"
    figures.write_text(
        figures.read_text().replace(
            "GM0293,2024,share_75_plus,8,", "GM0293,2024,share_75_plus,800,"
        )
    )

    with pytest.raises(ValidationError) as caught:
        reference_data_load(data_dir=data_dir)

    assert caught.value.messages[0].startswith("municipality_figures.csv Rij ")
    assert "moet tussen 0 en 100 liggen (ingevuld: 800)" in caught.value.messages[0]


def test_load_command_reports_the_counts(db, capsys):
    call_command("load_gmr_data")
    assert "municipalities: 17" in capsys.readouterr().out


def test_fixture_groups_match_the_codes_other_apps_use():
    cards = json.loads((FIXTURES_DIR / "target_groups.json").read_text())
    assert {card["code"] for card in cards} == ALL_GROUPS


def test_demo_users_one_per_role(gmr_data, settings):
    settings.DEBUG = True
    call_command("load_demo_users")
    call_command("load_demo_users")  # again: resets, never duplicates

    memberships = {
        m.user.username: (m.role, str(m.municipality or m.corporation or ""))
        for m in Membership.objects.select_related("user", "municipality", "corporation")
    }
    assert memberships == {
        "projectleider": ("project_leader", ""),
        "stuurgroep": ("steering_group", ""),
        "westervoort": ("civil_servant", "Westervoort"),
        "nijmegen": ("civil_servant", "Nijmegen"),
        "corporatie": ("corporation", "Vivare"),
    }
    assert get_user_model().objects.get(username="westervoort").check_password("thuis-demo-2026")


def test_demo_users_refused_when_debug_is_off(gmr_data, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG staat uit"):
        call_command("load_demo_users")
    assert not get_user_model().objects.exists()

    call_command("load_demo_users", "--force")
    assert get_user_model().objects.count() == 5


def test_demo_users_need_the_data_set_first(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="Laad eerst de GMR-gegevens"):
        call_command("load_demo_users")
