"""In a real browser: the project leader edits the default scenario's methodology, watches the
live preview, runs it as a job, compares two runs, approves one and exports the IJktabel; a
steering-group member reads the run without the buttons; axe finds nothing serious."""

import csv
import io
import re

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}
SCENARIO = "GMR 2025–2030"
MUNICIPALITIES = 17
RUN_PAGE = re.compile(r".*/verdeling/run/\d+/$")
APPROVE = "Goedkeuren als fair share voor deze periode"


def blocking_violations(page):
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"{[node['target'] for node in violation['nodes']][:5]}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.fixture
def region_data(transactional_db):
    """The project's own data set and the default scenario, with a leader and a steering member."""
    from municipalities.models import Region
    from tests import factories

    call_command("load_gmr_data", verbosity=0)
    call_command("load_default_scenario", verbosity=0)
    region = Region.objects.get(slug="gmr")
    factories.member(role="project_leader", region=region, username="projectleider")
    factories.member(role="steering_group", region=region, username="stuurgroep")
    return region


def preview_column(page, column):
    """The preview IJktabel's values in one column, municipality by municipality."""
    table = page.locator("#preview table.ijktabel")
    headers = table.locator("thead th").all_inner_texts()
    index = headers.index(column)
    return [
        row.locator("th, td").nth(index).inner_text() for row in table.locator("tbody tr").all()
    ]


def open_editor(page):
    page.get_by_role("link", name="Methodiek en periode bewerken").click()
    page.get_by_role("heading", name=f"{SCENARIO} bewerken").wait_for()
    # The preview is computed once on load (htmx) before anything is moved.
    page.locator("#preview table.ijktabel").wait_for()


def save_editor(page):
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name=SCENARIO, exact=True).wait_for()
    expect(page.get_by_text("Het scenario is opgeslagen.")).to_be_visible()


def test_project_leader_edits_previews_runs_compares_approves_and_exports(
    page, login, screenshot, region_data, monkeypatch
):
    from allocation import services, tasks
    from allocation.models import AllocationRun, Approval, RunStatus

    login(page, "projectleider")
    page.get_by_role("link", name="Verdeling", exact=True).click()
    page.get_by_role("heading", name="Fair-share verdeling").wait_for()
    assert blocking_violations(page) == []
    screenshot(page, "allocation-scenario-list")

    # The editor: moving a weight slider changes the live preview's numbers.
    page.get_by_role("link", name=SCENARIO).click()
    page.get_by_role("heading", name=SCENARIO, exact=True).wait_for()
    open_editor(page)
    assert blocking_violations(page) == []
    screenshot(page, "allocation-editor-before")
    statushouders = page.get_by_role("group", name="Statushouders")
    before = preview_column(page, "Statushouders")
    assert len(before) == MUNICIPALITIES + 1  # and the region's total
    statushouders.get_by_label("Sociale huurwoningen", exact=True).fill("3")
    expect(statushouders.locator("output").nth(1)).to_have_text("3")
    page.wait_for_function(
        "(before) => { const t = document.querySelector('#preview table.ijktabel');"
        " return t && t.innerText !== before; }",
        arg=page.locator("#preview table.ijktabel").inner_text(),
    )
    after = preview_column(page, "Statushouders")
    assert after != before
    assert after[-1] == before[-1]  # the same regional task, shared out differently
    screenshot(page, "allocation-editor-after")
    save_editor(page)

    # First run: the job runs (eagerly) and the page shows it done with its IJktabel.
    page.get_by_role("button", name="Verdeling berekenen").click()
    page.wait_for_url(RUN_PAGE)
    first = AllocationRun.objects.get()
    page.get_by_role("heading", name=f"Berekening {first.pk} van {SCENARIO}").wait_for()
    expect(page.locator("#run-progress")).to_contain_text("klaar")
    expect(page.locator("#run-progress-bar")).to_have_attribute("value", "100")
    assert page.locator("table.ijktabel tbody tr").count() == MUNICIPALITIES + 1
    assert first.status == RunStatus.SUCCEEDED and first.results.exists()

    # Second run with a different cap share, its job queued until a "worker" takes it: the
    # progress bar polls and the page shows the table once the job is done.
    page.get_by_role("link", name=SCENARIO).click()
    open_editor(page)
    page.get_by_label("Maximaal aandeel van de mutaties voor urgente groepen").fill("0.1")
    page.get_by_role("group", name="Statushouders").get_by_label(
        "Sociale huurwoningen", exact=True
    ).fill("0")
    save_editor(page)
    monkeypatch.setattr(tasks.run_allocation, "apply_async", lambda *args, **kwargs: None)
    page.get_by_role("button", name="Verdeling berekenen").click()
    page.wait_for_url(RUN_PAGE)
    second = AllocationRun.objects.exclude(pk=first.pk).get()
    page.get_by_role("heading", name=f"Berekening {second.pk} van {SCENARIO}").wait_for()
    expect(page.locator("#run-progress")).to_contain_text("in de wachtrij")
    expect(page.locator("#run-progress-bar")).to_have_attribute("value", "0")
    assert page.locator("table.ijktabel").count() == 0
    screenshot(page, "allocation-run-queued")
    services.allocation_run_execute(run_id=second.pk)
    expect(page.locator("#run-progress")).to_contain_text("klaar", timeout=15_000)
    expect(page.locator("#run-progress-bar")).to_have_attribute("value", "100")
    page.locator("table.ijktabel").wait_for()
    assert blocking_violations(page) == []
    screenshot(page, "allocation-run-done")

    # Compare the second run with the first: the settings and the fair shares that differ.
    page.get_by_label("Vergelijk met").select_option(str(first.pk))
    page.get_by_role("button", name="Vergelijk", exact=True).click()
    # Read from the earlier run to the later one, whichever page the comparison started from.
    page.get_by_role(
        "heading", name=f"Berekening {first.pk} en berekening {second.pk} vergeleken"
    ).wait_for()
    inputs = page.get_by_role("table", name="Verschillen in invoer")
    cap_row = inputs.get_by_role("row", name="Plafond: maximaal aandeel van de mutaties")
    # The cap is stored exactly: one third before, the slider's 0.1 after.
    assert cap_row.locator("td").all_inner_texts() == ["1/3", "1/10"]
    weight_row = inputs.get_by_role("row", name="Statushouders: gewicht sociale huurwoningen")
    assert weight_row.locator("td").all_inner_texts() == ["3,0", "–"]
    differences = page.get_by_role("table", name="Verschillen per gemeente en aandachtsgroep")
    expect(differences.locator("thead")).to_contain_text(f"Verschil (#{second.pk} − #{first.pk})")
    rows = differences.locator("tbody tr")
    assert rows.count() > 0 and "Geen verschillen." not in differences.inner_text()
    for cells in (rows.nth(i).locator("td").all_inner_texts() for i in range(3)):
        year, group, in_first, in_second, difference = cells
        assert int(difference) == int(in_second) - int(in_first) != 0
    assert blocking_violations(page) == []
    screenshot(page, "allocation-compare")

    # Approve the second run: the page says so and offers no second approval.
    page.go_back()
    # Approving cannot be undone: the page asks to confirm first.
    page.get_by_label(re.compile("Ik bevestig: deze verdeling wordt de fair share")).check()
    page.get_by_role("button", name=APPROVE).click()
    expect(page.get_by_text("Geldende fair share")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Berekening \d+ is goedgekeurd als fair share"))
    ).to_be_visible()
    assert page.get_by_role("button", name=APPROVE).count() == 0
    approval = Approval.objects.get()
    assert approval.run == second and approval.is_current
    screenshot(page, "allocation-run-approved")

    # Export the IJktabel as CSV and as Excel.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    assert download_info.value.suggested_filename == f"fair-share-run-{second.pk}.csv"
    # Excel-NL: a byte-order mark, semicolons and Dutch headers.
    text = download_info.value.path().read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert {row["Gemeente"] for row in rows} and len({r["CBS-code"] for r in rows}) == 17
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Excel").click()
    assert download_info.value.suggested_filename == f"fair-share-run-{second.pk}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    assert workbook.sheetnames[:6] == [f"IJktabel {year}" for year in range(2025, 2031)]
    sheet = workbook["IJktabel 2025"]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == MUNICIPALITIES + 1 and "Westervoort" in names and "Nijmegen" in names

    # The scenario list names the approved run as the current fair share.
    page.get_by_role("link", name="Verdeling", exact=True).click()
    current = page.get_by_role("region", name="Geldende fair shares")
    expect(current).to_contain_text("2025–2030")
    expect(current).to_contain_text(f"Berekening {second.pk}")


def test_steering_member_reads_a_run_without_run_or_approve_buttons(
    page, login, screenshot, region_data
):
    from django.contrib.auth import get_user_model

    from allocation import services
    from allocation.models import Scenario

    leader = get_user_model().objects.get(username="projectleider")
    run = services.allocation_run_start(user=leader, scenario=Scenario.objects.get())
    login(page, "stuurgroep")
    page.get_by_role("link", name="Verdeling", exact=True).click()
    page.get_by_role("link", name=SCENARIO).click()
    page.get_by_role("heading", name=SCENARIO, exact=True).wait_for()
    assert page.get_by_role("button", name="Verdeling berekenen").count() == 0
    assert page.get_by_role("link", name="Methodiek en periode bewerken").count() == 0
    page.get_by_role("link", name=f"#{run.pk}").click()
    page.locator("table.ijktabel").wait_for()
    expect(page.locator("#run-progress")).to_contain_text("klaar")
    assert page.get_by_role("button", name=APPROVE).count() == 0
    assert page.get_by_role("link", name="Download Excel").count() == 1
    # The only run: nothing to compare with, said in words rather than an empty choice.
    expect(
        page.get_by_text("Er is nog geen andere verdeling om mee te vergelijken.")
    ).to_be_visible()
    assert page.get_by_label("Vergelijk met").count() == 0
    assert blocking_violations(page) == []
    screenshot(page, "allocation-run-steering-member")
