"""In a real browser: the project leader narrows the GMR sensitivity sweep to one municipality and
one group, then downloads exactly those rows as CSV and as Excel."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MUNICIPALITY = "Westervoort"
GROUP = "Statushouders"
HEADER = [
    "Jaar",
    "Gemeente",
    "Aandachtsgroep",
    "Laagste",
    "10e percentiel",
    "Mediaan",
    "90e percentiel",
    "Hoogste",
]


@pytest.fixture
def gmr_sweep(db):
    from allocation import services
    from allocation.models import Scenario
    from municipalities.models import Region
    from tests import factories

    call_command("load_gmr_data", verbosity=0)
    call_command("load_default_scenario", verbosity=0)
    region = Region.objects.get(slug="gmr")
    leader = factories.member(role="project_leader", region=region, username="projectleider")
    scenario = Scenario.objects.get()
    return services.sensitivity_sweep_start(
        user=leader, scenario=scenario, weight_factors=[0.5, 1], cap_shares=[0.25, 0.5]
    )


def dutch(text):
    """A number as the Dutch page and CSV write it ("1.234,5") as a float."""
    return float(text.replace(".", "").replace(",", "."))


def shown_rows(page):
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in page.locator("table tbody tr").all()
    ]


def download(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value


def test_the_filtered_sweep_result_downloads_as_csv_and_excel_with_the_shown_rows(
    page, login, screenshot, gmr_sweep
):
    from allocation.models import RunStatus, SensitivitySweep

    sweep = SensitivitySweep.objects.get(pk=gmr_sweep.pk)
    assert sweep.status == RunStatus.SUCCEEDED
    login(page, "projectleider")
    page.goto(f"/verdeling/gevoeligheid/{sweep.pk}/")
    everything = page.locator("table tbody tr").count()

    page.get_by_label("Gemeente").select_option(label=MUNICIPALITY)
    page.get_by_label("Aandachtsgroep").select_option(label=GROUP)
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(lambda url: "gemeente=" in url and "groep=" in url)
    rows = shown_rows(page)
    # One row per year of the period, all of the chosen municipality and group.
    assert len(rows) < everything
    assert {(row[1], row[2]) for row in rows} == {(MUNICIPALITY, GROUP)}
    assert [int(row[0]) for row in rows] == sweep.scenario.years
    screenshot(page, "sweep-filtered")

    csv_download = download(page, "Download als CSV")
    assert csv_download.suggested_filename.endswith(".csv")
    text = csv_download.path().read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0] == HEADER
    # The same rows as on the page, numbers in Dutch notation (decimal comma).
    assert [line[:3] for line in table[1:]] == [row[:3] for row in rows]
    assert [[dutch(value) for value in line[3:]] for line in table[1:]] == [
        [dutch(value) for value in row[3:]] for row in rows
    ]

    xlsx_download = download(page, "Download als Excel")
    assert xlsx_download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_download.path().read_bytes())).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert [(int(year), municipality, group) for year, municipality, group, *_ in values[1:]] == [
        (int(row[0]), row[1], row[2]) for row in rows
    ]
    for line, row in zip(values[1:], rows, strict=True):
        low, p10, median, p90, high = (float(value) for value in line[3:])
        assert low <= p10 <= median <= p90 <= high
        assert round(median, 1) == dutch(row[5])
