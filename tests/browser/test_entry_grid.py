"""A civil servant enters a whole year of quarterly realisation through the grid using only
the keyboard (arrows, Enter, Tab), and axe finds nothing serious on the grid."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from monitoring.models import Realisation
from tests.monitoring.conftest import approve_fair_share, groups  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_civil_servant_enters_a_year_of_quarters_with_the_keyboard_only(
    page,
    login,
    groups,  # noqa: F811
    owner,
):
    login(page, "alice")
    page.goto("/monitoring/mijn-gemeente/?jaar=2026")
    # Reach the grid from the first page by keyboard: focus the link and press Enter.
    page.get_by_role("link", name="Alle kwartalen in één keer invullen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/monitoring/gemeente/westervoort/2026/realisatie/")

    page.locator("#c-statushouders-1").focus()
    # Row by row: type, ArrowRight to the next quarter; Enter moves down a row.
    for row in range(2):
        for quarter in range(1, 5):
            page.keyboard.type(str(row * 10 + quarter))
            if quarter < 4:
                page.keyboard.press("ArrowRight")
        if row == 0:
            page.keyboard.press("Enter")  # down to the next group's fourth quarter ...
            for _ in range(3):
                page.keyboard.press("ArrowLeft")  # ... and back to its first
    focused = page.evaluate("document.activeElement.id")
    assert focused == "c-uitstroom-bw-4"
    violations = [
        v["id"]
        for v in Axe().run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert violations == []

    # Tab leaves the grid for the save button; Enter saves everything at once.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Alles opslaan"
    page.keyboard.press("Enter")
    page.get_by_text("8 cellen opgeslagen.").wait_for()

    placements = {(r.target_group.code, r.quarter): r.placements for r in Realisation.objects.all()}
    assert placements == {
        (code, quarter): row * 10 + quarter
        for row, code in enumerate(["statushouders", "uitstroom-bw"])
        for quarter in range(1, 5)
    }
