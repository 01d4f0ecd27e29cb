"""Bad input never answers 500: each case of issue 11 gets a Dutch message and writes nothing."""

import io
import math
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet import _read_only

from allocation import services as allocation_services
from allocation.forms import SweepForm
from allocation.models import Methodology, MethodologyGroupRule, Scenario, SensitivitySweep
from gmr_thuis import tabular, years
from monitoring.importers import COLUMNS, ImportRejected, parse_realisation
from monitoring.models import Realisation
from municipalities.models import Indicator, MunicipalityFigure
from municipalities.services import municipality_figures_import
from tests import factories

REALISATION_URL = reverse("monitoring:realisation_import")
FIGURE_HEADER = "cbs_code,municipality,population,dwellings\n"


@pytest.fixture
def groups(db):
    return {
        "statushouders": factories.TargetGroupFactory(code="statushouders", sort_order=1),
        "uitstroom-bw": factories.TargetGroupFactory(code="uitstroom-bw", sort_order=2),
    }


def figure_errors(content, *, filename="cijfers.csv", year=2024, user=None):
    with pytest.raises(ValidationError) as caught:
        municipality_figures_import(
            user=user,
            content=content if isinstance(content, bytes) else content.encode(),
            filename=filename,
            year=year,
            today=date(2026, 4, 14),
        )
    assert not MunicipalityFigure.objects.exists()
    return caught.value.messages


def realisation_csv(*rows, encoding="utf-8", delimiter=";", name="realisatie.csv"):
    lines = [delimiter.join(COLUMNS), *(delimiter.join(map(str, row)) for row in rows)]
    return SimpleUploadedFile(name, "\r\n".join(lines).encode(encoding), content_type="text/csv")


def post_realisation(client, upload):
    response = client.post(REALISATION_URL, {"file": upload})
    assert response.status_code in (302, 400), response.status_code
    return response


def xlsx_zip(row_count, *, with_dimension=False):
    """A minimal XLSX of `row_count` one-cell rows, written directly (openpyxl would take long)."""
    rows = "".join(
        f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(2, row_count + 1)
    )
    dimension = f'<dimension ref="A1:A{row_count}"/>' if with_dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'{dimension}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>gemeente</t></is></c>'
        f"</row>{rows}</sheetData></worksheet>"
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="realisatie" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
def sheet_bytes_read(monkeypatch):
    """How many bytes of a workbook's sheet XML were decompressed and read, in total."""
    counter = {"bytes": 0}
    original = zipfile.ZipExtFile.read

    def counting(self, *args, **kwargs):
        data = original(self, *args, **kwargs)
        if self.name.startswith("xl/worksheets/"):
            counter["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    return counter


@pytest.fixture
def rows_read(monkeypatch):
    """How many rows openpyxl's streaming reader handed out: proof the sheet was not all read."""
    counter = {"rows": 0}
    original = _read_only.ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            counter["rows"] += 1
            yield row

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", counting)
    return counter


# --- Numbers ------------------------------------------------------------------------------


def test_superscript_two_in_a_realisation_csv_is_a_message_with_its_row(
    client, owner, westervoort, groups
):
    client.force_login(owner)
    response = post_realisation(
        client,
        realisation_csv(
            ["GM0293", "statushouders", 2026, 1, 3], ["GM0293", "statushouders", 2026, 2, "²"]
        ),
    )
    assert response.context["errors"] == [
        "Rij 3: plaatsingen '²' moet een geheel getal van 0 of meer zijn."
    ]
    assert not Realisation.objects.exists()


def test_superscript_year_and_quarter_are_refused_too(client, owner, westervoort, groups):
    client.force_login(owner)
    response = post_realisation(
        client, realisation_csv(["GM0293", "statushouders", "²⁰²⁶", "²", 1])
    )
    (error,) = response.context["errors"]
    assert error.startswith("Rij 2: jaar: '²⁰²⁶' is geen jaartal tussen 2020 en 2040")
    assert "kwartaal '²' moet 1, 2, 3 of 4 zijn" in error
    assert not Realisation.objects.exists()


def test_overflowing_placements_carry_their_row(client, owner, westervoort, groups):
    client.force_login(owner)
    response = post_realisation(
        client,
        realisation_csv(
            ["GM0293", "statushouders", 2026, 1, 3],
            ["GM0293", "statushouders", 2026, 2, 99999999999999999999],
        ),
    )
    assert response.context["errors"] == [
        "Rij 3: plaatsingen 99999999999999999999 is te groot (ten hoogste 2147483647)."
    ]
    assert not Realisation.objects.exists()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("²", "Rij 3: kolom 'population': '²' is geen getal."),
        ("1e999", "Rij 3: kolom 'population': '1e999' is geen getal."),
        ("nan", "Rij 3: kolom 'population': 'nan' is geen getal."),
        ("inf", "Rij 3: kolom 'population': 'inf' is geen getal."),
        ("99999999999999999999", "Rij 3: kolom 'population': 99999999999999999999 is te groot."),
    ],
)
def test_malformed_and_overflowing_figures_name_their_row(westervoort, nijmegen, cell, message):
    text = FIGURE_HEADER + "GM0293,Westervoort,15114,6766\n" + f"GM0268,Nijmegen,{cell},92821\n"
    assert figure_errors(text) == [message]


# --- Files --------------------------------------------------------------------------------


def test_a_zip_renamed_to_csv_is_refused_in_the_figure_import(westervoort):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cijfers.csv", FIGURE_HEADER + "GM0293,Westervoort,15114,6766\n")
    assert figure_errors(buffer.getvalue()) == [
        "Dit is geen CSV-bestand maar een Excel- of ZIP-bestand met de naam .csv. "
        "Sla het in Excel op als CSV, of upload het als .xlsx-bestand."
    ]


def test_a_zip_renamed_to_csv_is_refused_in_the_admin_upload(westervoort, nijmegen):
    admin = factories.UserFactory(username="beheer", is_staff=True, is_superuser=True)
    from django.test import Client

    client = Client()
    client.force_login(admin)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.txt", "x" * 1000)
    upload = SimpleUploadedFile("cijfers.csv", buffer.getvalue())
    response = client.post(
        reverse("admin:municipalities_municipalityfigure_import"), {"file": upload, "year": 2024}
    )
    assert response.status_code == 200
    assert "geen CSV-bestand maar een Excel- of ZIP-bestand" in response.content.decode()
    assert not MunicipalityFigure.objects.exists()


def test_binary_bytes_that_decode_as_cp1252_are_still_refused(westervoort):
    messages = figure_errors(bytes(range(256)) * 4)
    assert messages == [
        "Het bestand is geen leesbaar CSV-bestand (het bevat binaire gegevens). "
        "Sla het op als CSV (UTF-8 of Windows) of als .xlsx-bestand."
    ]


def test_a_zip_renamed_to_csv_is_refused_in_the_realisation_import(
    client, owner, westervoort, groups
):
    client.force_login(owner)
    buffer = io.BytesIO()
    Workbook().save(buffer)
    upload = SimpleUploadedFile("realisatie.csv", buffer.getvalue())
    response = post_realisation(client, upload)
    assert response.context["errors"][0].startswith("Dit is geen CSV-bestand")
    assert not Realisation.objects.exists()


def test_a_cp1252_realisation_csv_is_accepted(client, owner, region, groups):
    friesland = factories.MunicipalityFactory(
        region=region, name="Súdwest-Fryslân", cbs_code="GM1900"
    )
    writer = factories.member(role="civil_servant", municipality=friesland, username="sietske")
    client.force_login(writer)
    upload = realisation_csv(["Súdwest-Fryslân", "statushouders", 2026, 1, 4], encoding="cp1252")
    response = post_realisation(client, upload)
    assert response.status_code == 302
    assert Realisation.objects.get().municipality == friesland


def test_a_comma_separated_realisation_csv_with_bom_is_accepted(client, owner, westervoort, groups):
    client.force_login(owner)
    upload = realisation_csv(["GM0293", "statushouders", 2026, 1, 4], delimiter=",")
    upload = SimpleUploadedFile("realisatie.csv", b"\xef\xbb\xbf" + upload.read())
    assert post_realisation(client, upload).status_code == 302
    assert Realisation.objects.get().placements == 4


def test_a_semicolon_dutch_excel_figure_csv_is_accepted(westervoort):
    text = (
        "cbs_code;municipality;population;share_75_plus;share_75_plus_source\r\n"
        "GM0293;Westervoort;15114;8,5;schatting gemeente\r\n"
    )
    municipality_figures_import(
        user=None,
        content=b"\xef\xbb\xbf" + text.encode("cp1252"),
        filename="cijfers.csv",
        year=2024,
    )
    share = MunicipalityFigure.objects.get(indicator=Indicator.SHARE_75_PLUS)
    assert (str(share.value), share.is_estimate) == ("8.50", True)
    assert MunicipalityFigure.objects.get(indicator=Indicator.INHABITANTS).value == 15114


def test_a_cp1252_figure_csv_is_accepted_with_its_accents_in_the_source(westervoort):
    text = "cbs_code,population,population_source\nGM0293,15114,CBS peiljaar ’24 – definitief\n"
    municipality_figures_import(
        user=None, content=text.encode("cp1252"), filename="cijfers.csv", year=2024
    )
    assert MunicipalityFigure.objects.get().source == "CBS peiljaar ’24 – definitief"


def test_the_figure_import_reads_xlsx_through_the_same_reader(westervoort):
    workbook = Workbook()
    workbook.active.append(["cbs_code", "year", "population"])
    workbook.active.append(["GM0293", 2024, 15114])
    buffer = io.BytesIO()
    workbook.save(buffer)
    municipality_figures_import(user=None, content=buffer.getvalue(), filename="cijfers.xlsx")
    assert MunicipalityFigure.objects.get().year == 2024


def test_a_million_row_xlsx_is_refused_at_the_row_limit_without_reading_it_all(
    client, owner, westervoort, groups, settings, rows_read, sheet_bytes_read
):
    settings.GMR_IMPORT_MAX_ROWS = 20_000
    content = xlsx_zip(1_000_000)
    sheet_size = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/worksheets/sheet1.xml").file_size
    assert len(content) < settings.GMR_IMPORT_MAX_BYTES  # only the row limit can stop it
    client.force_login(owner)
    response = post_realisation(client, SimpleUploadedFile("realisatie.xlsx", content))
    assert response.context["errors"] == [
        "Het bestand heeft meer dan 20.000 gegevensrijen; dat is de grens voor één import. "
        "Splits het bestand in kleinere delen."
    ]
    assert rows_read["rows"] <= 20_000 + 2
    # Neither the search for the sheet's size nor the rows went past the limit's share of it.
    assert sheet_bytes_read["bytes"] < sheet_size / 10
    assert not Realisation.objects.exists()


def test_a_sheet_that_states_its_size_is_refused_the_same_way(settings, rows_read):
    settings.GMR_IMPORT_MAX_ROWS = 1_000
    with pytest.raises(ValidationError) as caught:
        tabular.read_table(xlsx_zip(100_000, with_dimension=True), filename="groot.xlsx")
    assert "meer dan 1.000 gegevensrijen" in caught.value.messages[0]
    assert rows_read["rows"] <= 1_000 + 2


def test_a_csv_over_the_row_limit_is_refused_naming_the_limit(westervoort, settings):
    settings.GMR_IMPORT_MAX_ROWS = 3
    text = FIGURE_HEADER + "".join(f"GM0293,Westervoort,{n},1\n" for n in range(4))
    assert figure_errors(text) == [
        "Het bestand heeft meer dan 3 gegevensrijen; dat is de grens voor één import. "
        "Splits het bestand in kleinere delen."
    ]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    client, owner, westervoort, groups, settings
):
    settings.GMR_IMPORT_MAX_BYTES = 2_500_000
    client.force_login(owner)
    upload = SimpleUploadedFile("realisatie.csv", b"gemeente;" + b"x" * 3_000_000)
    response = post_realisation(client, upload)
    # The upload's own field says so: the file was stopped at the limit while it arrived.
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Het bestand is 3 MB; de grens voor een import is 2,5 MB. "
        "Splits het bestand in kleinere delen."
    ]


def test_a_file_that_hides_its_size_is_still_bounded(settings):
    settings.GMR_IMPORT_MAX_BYTES = 1_000
    stream = io.BytesIO(b"a;b\n" + b"1;2\n" * 1_000)
    stream.name = "x.csv"
    with pytest.raises(ValidationError) as caught:
        tabular.read_table(stream)
    assert caught.value.messages == [
        "Het bestand is 1 kB; de grens voor een import is 1 kB. "
        "Splits het bestand in kleinere delen."
    ]


def test_an_unknown_extension_and_an_empty_file_are_refused(client, owner, westervoort, groups):
    client.force_login(owner)
    response = post_realisation(client, SimpleUploadedFile("realisatie.pdf", b"%PDF-1.4"))
    assert response.context["errors"] == ["Upload een .csv- of .xlsx-bestand."]
    response = post_realisation(client, SimpleUploadedFile("realisatie.csv", b"\n\n"))
    assert response.context["errors"] == ["Het bestand is leeg."]


def test_both_imports_read_the_same_file_the_same_way():
    """One reader: the delimiter and encoding a file is read with do not depend on the import."""
    content = "a;b;c\r\n1;2,5;é\r\n".encode("cp1252")
    table = tabular.read_table(content, filename="x.csv")
    assert (table.delimiter, table.encoding) == (";", "cp1252")
    assert table.header == ["a", "b", "c"] and table.rows == [(2, ["1", "2,5", "é"])]


# --- Years --------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["0000", "1100", "1989", "2101", "6099", "²⁰²⁴", "20245"])
def test_the_figure_import_refuses_implausible_years(westervoort, year):
    text = f"cbs_code,year,population\nGM0293,{year},15114\n"
    assert figure_errors(text, year=None) == [
        f"Rij 2: kolom 'year': '{year}' is geen jaartal tussen 1990 en 2100."
    ]


def test_a_statline_period_of_an_implausible_year_is_refused(westervoort):
    text = '"ID";"RegioS";"Perioden";"TotaleBevolking_1"\n0;"GM0293    ";"0000JJ00";15203\n'
    assert figure_errors(text, year=None) == [
        "Rij 2: kolom 'year': '0000' is geen jaartal tussen 1990 en 2100."
    ]


def test_the_figure_import_option_year_is_checked_too(westervoort):
    assert figure_errors(FIGURE_HEADER + "GM0293,Westervoort,1,1\n", year=6099) == [
        "'6099' is geen jaartal tussen 1990 en 2100."
    ]


def test_parse_year_takes_what_spreadsheets_hold():
    assert years.parse_year("2024") == 2024
    assert years.parse_year(" 2024 ") == 2024
    assert years.parse_year(2024.0) == 2024
    assert years.parse_year("2024.0") == 2024
    for bad in (None, "", "2024.5", 2024.5, True, math.nan, math.inf, "1e3", "２０２４"):
        with pytest.raises(ValidationError):
            years.parse_year(bad)
    with pytest.raises(ValidationError) as caught:
        years.parse_year("2019", first=2020, last=2040)
    assert caught.value.messages == ["'2019' is geen jaartal tussen 2020 en 2040."]


def test_validate_date_refuses_the_first_and_last_dates_there_are():
    years.validate_date(date(2026, 2, 10))
    for bad in (date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(ValidationError) as caught:
            years.validate_date(bad)
        assert "ligt niet tussen 1990 en 2100" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jaar=2026", 2026),
        ("", 2025),
        ("jaar=", 2025),
        ("jaar=²", 2025),
        ("jaar=0000", 2025),
        ("jaar=99999999999999999999", 2025),
        ("jaar=abc", 2025),
        ("jaar=2026&jaar=abc", 2025),
    ],
)
def test_year_from_query_falls_back_instead_of_failing(query, expected):
    assert years.year_from_query(QueryDict(query), "jaar", default=2025) == expected


def test_a_malformed_year_on_the_municipality_profile_is_not_a_500(client, owner, westervoort):
    client.force_login(owner)
    url = reverse("municipalities:profile", args=[westervoort.slug])
    for value in ("²", "99999999999999999999", "0000"):
        assert client.get(url, {"jaar": value}).status_code == 200


def test_a_superscript_run_number_on_the_dashboard_is_not_a_500(client, project_leader):
    client.force_login(project_leader)
    response = client.get(reverse("dashboards:region"), {"run": "²", "year": "²"})
    assert response.status_code in (200, 404)


# --- Sweeps -------------------------------------------------------------------------------


@pytest.fixture
def wide_scenario(region, groups):
    """A scenario whose keys use six indicators: ten factors make 10**6 variants."""
    methodology = Methodology.objects.create(name="Breed", slug="breed")
    indicators = [
        Indicator.INHABITANTS,
        Indicator.DWELLINGS,
        Indicator.SOCIAL_RENT,
        Indicator.TURNOVER,
        Indicator.NEW_CONSTRUCTION,
        Indicator.STUDENTS,
    ]
    MethodologyGroupRule.objects.create(
        methodology=methodology,
        target_group=groups["statushouders"],
        key_weights={str(i): 1.0 for i in indicators[:3]},
    )
    MethodologyGroupRule.objects.create(
        methodology=methodology,
        target_group=groups["uitstroom-bw"],
        key_weights={str(i): 1.0 for i in indicators[3:]},
    )
    return Scenario.objects.create(
        name="Breed",
        slug="breed",
        region=region,
        methodology=methodology,
        first_year=2025,
        last_year=2026,
        data_year=2024,
    )


def test_a_million_variant_sweep_is_refused_before_any_variant_is_built(
    project_leader, wide_scenario, monkeypatch
):
    def never(*args, **kwargs):
        raise AssertionError("the variants were built before the limit was checked")

    monkeypatch.setattr(allocation_services, "_sweep_settings", never)
    with pytest.raises(ValidationError) as caught:
        allocation_services.sensitivity_sweep_start(
            user=project_leader,
            scenario=wide_scenario,
            weight_factors=list(range(1, 11)),
            cap_shares=[0.3],
        )
    assert caught.value.messages == [
        "Dat zijn 1000000 varianten; kies minder factoren (ten hoogste 5000)."
    ]
    assert not SensitivitySweep.objects.exists()


def test_the_sweep_screen_refuses_a_huge_sweep_with_the_message(
    client, project_leader, wide_scenario
):
    client.force_login(project_leader)
    response = client.post(
        reverse("allocation:sweep_start", args=[wide_scenario.slug]),
        {"weight_factors": "1,2,3,4,5,6,7,8,9,10", "cap_shares": "0.3"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["Dat zijn 1000000 varianten; kies minder factoren (ten hoogste 5000)."]
    assert not SensitivitySweep.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"weight_factors": "1", "cap_shares": "nan"},
        {"weight_factors": "inf", "cap_shares": "0.3"},
        {"weight_factors": "1, NaN", "cap_shares": "0.3"},
        {"weight_factors": "1e999", "cap_shares": "0.3"},
        {"weight_factors": "1", "cap_shares": "-inf"},
    ],
)
def test_nan_and_inf_in_a_sweep_are_a_message_not_a_database_error(
    client, project_leader, wide_scenario, data
):
    assert not SweepForm(data).is_valid()
    client.force_login(project_leader)
    response = client.post(
        reverse("allocation:sweep_start", args=[wide_scenario.slug]), data, follow=True
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Alleen getallen, gescheiden door komma's."
    ]
    assert not SensitivitySweep.objects.exists()


@pytest.mark.parametrize(
    ("weight_factors", "cap_shares"),
    [([1.0], [math.nan]), ([math.inf], [0.3]), ([1.0], [1.5]), ([-1.0], [0.3]), ([], [0.3])],
)
def test_the_sweep_service_refuses_non_finite_ranges_itself(
    project_leader, wide_scenario, weight_factors, cap_shares
):
    with pytest.raises(ValidationError) as caught:
        allocation_services.sensitivity_sweep_start(
            user=project_leader,
            scenario=wide_scenario,
            weight_factors=weight_factors,
            cap_shares=cap_shares,
        )
    assert caught.value.messages == [
        "Factoren en plafonds zijn eindige getallen van 0 of meer (plafonds ten hoogste 1)."
    ]
    assert not SensitivitySweep.objects.exists()


# --- Who may write is the service's decision, not the parser's ----------------------------


def test_the_realisation_parser_has_no_permission_check(outsider, westervoort, groups):
    """An outsider's file parses (they can see Westervoort); the service refuses the write."""
    from monitoring import services as monitoring_services

    upload = realisation_csv(["GM0293", "statushouders", 2026, 1, 3])
    rows = parse_realisation(upload, user=outsider)
    assert [row.municipality for row in rows] == [westervoort]
    with pytest.raises(ValidationError) as caught:
        monitoring_services.realisation_import(user=outsider, rows=rows)
    assert caught.value.messages == ["Rij 2: u mag de gegevens van Westervoort niet wijzigen."]
    assert not Realisation.objects.exists()


def test_the_parser_still_refuses_what_the_user_cannot_see(westervoort, groups, region):
    other_region = factories.RegionFactory(slug="elders", name="Elders")
    stranger_municipality = factories.MunicipalityFactory(
        region=other_region, name="Elders", cbs_code="GM0999"
    )
    leader = factories.member(role="project_leader", region=other_region, username="elders-pl")
    assert stranger_municipality.region == other_region
    with pytest.raises(ImportRejected) as caught:
        parse_realisation(realisation_csv(["GM0293", "statushouders", 2026, 1, 3]), user=leader)
    assert caught.value.errors == ["Rij 2: onbekende gemeente 'GM0293'."]


def test_the_messages_have_their_english_translation(settings):
    from django.utils import translation

    settings.GMR_IMPORT_MAX_BYTES = 1_000
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        tabular.check_size(2_000)
    assert caught.value.messages == [
        "The file is 2 kB; the limit for an import is 1 kB. Split the file into smaller parts."
    ]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        years.parse_year("0000")
    assert caught.value.messages == ["'0000' is not a year between 1990 and 2100."]


@pytest.mark.parametrize("text", ['{"inhabitants": NaN}', '{"inhabitants": Infinity}'])
def test_nan_and_inf_in_a_key_are_a_form_error_not_a_database_error(groups, text):
    """The admin edits keys as JSON text, which Python's json reads NaN and Infinity from."""
    from django.forms import modelform_factory

    methodology = Methodology.objects.create(name="Test", slug="test")
    rule = MethodologyGroupRule.objects.create(
        methodology=methodology,
        target_group=groups["statushouders"],
        key_weights={"inhabitants": 1.0},
    )
    form_class = modelform_factory(MethodologyGroupRule, fields=["key_weights"])
    form = form_class({"key_weights": text}, instance=rule)
    assert not form.is_valid()
    assert form.errors["key_weights"] == ["Gewichten zijn getallen van 0 of meer."]
    rule.refresh_from_db()
    assert rule.key_weights == {"inhabitants": 1.0}


@pytest.mark.parametrize("weight", ["nan", "inf", "1e999"])
def test_the_scenario_editor_refuses_non_finite_weights(
    client, project_leader, wide_scenario, weight
):
    from allocation.forms import ScenarioEditForm
    from allocation.selectors import methodology_settings

    settings_ = methodology_settings(wide_scenario.methodology)
    form = ScenarioEditForm(scenario=wide_scenario, settings=settings_)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data["statushouders__w_inhabitants"] = weight
    bound = ScenarioEditForm(data, scenario=wide_scenario, settings=settings_)
    assert not bound.is_valid()
    assert "statushouders__w_inhabitants" in bound.errors


def test_an_xlsx_that_unpacks_far_beyond_the_size_limit_is_refused(settings, rows_read):
    settings.GMR_IMPORT_MAX_BYTES = 50_000
    buffer = io.BytesIO(xlsx_zip(3))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 5_000_000)
    content = buffer.getvalue()
    assert len(content) < 50_000  # small on the wire, a bomb when unpacked
    with pytest.raises(ValidationError) as caught:
        tabular.read_table(content, filename="bom.xlsx")
    assert caught.value.messages == [
        "Het Excel-bestand pakt uit tot meer dan 500 kB; dat is te groot."
    ]
    assert rows_read["rows"] == 0


def test_a_number_of_ten_thousand_digits_is_a_short_message_not_a_500(
    client, owner, westervoort, groups
):
    client.force_login(owner)
    digits = "9" * 10_000  # int() refuses more than 4,300 digits
    response = post_realisation(
        client, realisation_csv(["GM0293", "statushouders", 2026, 1, digits])
    )
    assert response.context["errors"] == [
        f"Rij 2: plaatsingen {'9' * 39}… is te groot (ten hoogste 2147483647)."
    ]
    assert not Realisation.objects.exists()


def test_the_figure_command_refuses_a_file_over_the_limit_before_reading_it(
    tmp_path, westervoort, settings
):
    from django.core.management import CommandError, call_command

    settings.GMR_IMPORT_MAX_BYTES = 1_000
    big = tmp_path / "groot.csv"
    big.write_text(FIGURE_HEADER + "GM0293,Westervoort,15114,6766\n" * 100)
    with pytest.raises(CommandError) as caught:
        call_command("import_municipality_figures", str(big), "--year", "2024")
    assert "de grens voor een import is 1 kB" in str(caught.value)
    assert not MunicipalityFigure.objects.exists()
