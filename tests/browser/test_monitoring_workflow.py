"""In a real browser: Westervoort agrees, reports and objects; the region approves and decides;
the dashboard reflects it."""

from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from monitoring import services
from tests.monitoring.conftest import approve_fair_share, groups  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREEMENT = "/monitoring/gemeente/westervoort/2026/afspraak/statushouders/"


@pytest.fixture
def fair_share_2026(approve_fair_share, westervoort, owner, project_leader):  # noqa: F811
    approve_fair_share({(westervoort, "statushouders", 2026): 10})
    services.objection_window_set(
        user=project_leader, year=2026, deadline=date.today() + timedelta(days=14)
    )


def sign_out(page):
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(lambda url: "/login/" in url)


def test_civil_servant_submits_region_approves_dashboard_reflects_it(
    page, login, screenshot, fair_share_2026
):
    # The civil servant of Westervoort records and submits the agreement.
    login(page, "alice")
    page.goto(AGREEMENT)
    page.get_by_label("Afgesproken aantal").fill("12")
    page.get_by_label("Geregelde zorg en ondersteuning").fill("Begeleiding door het wijkteam")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Opgeslagen").wait_for()
    page.get_by_role("button", name="Indienen bij de regio").click()
    page.locator(".badge.status-submitted").wait_for()

    # ... reports the first quarter's placements ...
    page.goto("/monitoring/gemeente/westervoort/2026/realisatie/statushouders/1/")
    page.get_by_label("Plaatsingen").fill("3")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Opgeslagen").wait_for()

    # ... and objects to the number.
    page.goto("/monitoring/bezwaren/nieuw/westervoort/")
    page.get_by_label("Jaar").select_option("2026")
    page.get_by_label("Onderbouwing").fill("Westervoort heeft maar 90 mutaties per jaar.")
    page.get_by_role("button", name="Bezwaar indienen").click()
    page.get_by_text("Uw bezwaar is ingediend.").wait_for()
    objection_url = page.url
    sign_out(page)

    # The project leader approves the agreement and decides the objection.
    login(page, "projectleider")
    page.goto(AGREEMENT)
    page.get_by_role("button", name="Goedkeuren").click()
    page.locator(".badge.status-approved").wait_for()
    page.goto(objection_url)
    page.get_by_label("Bezwaar afwijzen").check()
    page.get_by_label("Reden van het besluit").fill("De mutaties volstaan voor dit aantal.")
    page.get_by_label(
        "Ik bevestig dit besluit; het is definitief en de gemeente krijgt bericht."
    ).check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.get_by_text("Het besluit is vastgelegd; de gemeente krijgt bericht.").wait_for()
    sign_out(page)

    # The civil servant sees the decision and the dashboard with the approved agreement.
    login(page, "alice")
    page.goto(objection_url)
    assert "De mutaties volstaan voor dit aantal." in page.locator(".decision-reason").inner_text()
    page.goto("/monitoring/?jaar=2026&kwartaal=1")
    row = page.locator('tr[data-municipality="GM0293"][data-group="statushouders"]')
    assert row.locator("td.agreed").inner_text() == "12"
    assert "goedgekeurd" in row.inner_text()
    assert "op koers" in row.inner_text()  # 3 realised of 10 × 1/4 = 2.5 expected
    page.locator(".chart .js-plotly-plot .main-svg").first.wait_for()
    screenshot(page, "monitoring-dashboard")
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert violations == []
