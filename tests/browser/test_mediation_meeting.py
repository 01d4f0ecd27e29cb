"""In a real browser, a meeting of the regional mediation table: Nijmegen brings a case,
Vivare offers a home in Westervoort, the project leader sees the proposal and decides, both
Westervoort and Vivare confirm, and Westervoort's realisation rises by one."""

from datetime import date, timedelta

import pytest

from municipalities.models import CorporationStock
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def table(westervoort, nijmegen, project_leader, owner, outsider):
    group = factories.TargetGroupFactory(code="uitstroom-bw", name_nl="Uitstroom BW")
    vivare = factories.CorporationFactory(name="Vivare", slug="vivare")
    CorporationStock.objects.create(
        corporation=vivare, municipality=westervoort, dwellings=500, source="test"
    )
    factories.member(role="corporation", corporation=vivare, username="vivare-vera")
    return group


def switch_to(page, login, username):
    page.context.clear_cookies()
    login(page, username)


def westervoort_row(page):
    page.goto("/monitoring/")
    row = page.locator('tr[data-municipality="GM0293"][data-group="uitstroom-bw"]')
    if row.count() == 0:
        return 0, 0
    return (
        int(row.locator("td.realised").inner_text()),
        int(row.locator("td.via-mediation").inner_text()),
    )


def test_a_meeting_from_case_to_confirmed_placement(page, login, screenshot, table):
    today = date.today()
    login(page, "projectleider")
    realised_before, via_before = westervoort_row(page)

    # Nijmegen brings a case (its civil servant is charlie).
    switch_to(page, login, "charlie")
    page.goto("/bemiddeling/casus/nieuw/")
    assert "nooit een naam" in page.locator("#no-personal-data").inner_text()
    page.get_by_label("Casusnummer").fill("NIJ-2026-014")
    page.get_by_label("Aandachtsgroep").select_option(str(table.pk))
    page.get_by_label("Volwassenen").fill("1")
    page.get_by_label("Kinderen").fill("2")
    page.get_by_label("Minimaal aantal kamers").fill("3")
    page.get_by_label("Maximale huur (€ per maand)").fill("800")
    page.get_by_label("Verhuisklaar vanaf").fill((today - timedelta(days=14)).isoformat())
    page.get_by_label("Uiterste datum").fill((today + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Casus NIJ-2026-014 ingebracht").wait_for()

    # Vivare offers a home in Westervoort.
    switch_to(page, login, "vivare-vera")
    page.goto("/bemiddeling/woningen/nieuw/")
    page.get_by_label("Gemeente").select_option(label="Westervoort")
    page.get_by_label("Kamers").fill("3")
    page.get_by_label("Huur (€ per maand)").fill("720")
    page.get_by_label("Beschikbaar vanaf").fill(today.isoformat())
    page.get_by_label("Aanbod geldig tot").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Woning aangeboden aan de bemiddelingstafel").wait_for()

    # The project leader schedules the meeting, sees the proposal and decides.
    switch_to(page, login, "projectleider")
    page.goto("/bemiddeling/overleggen/")
    page.get_by_label("Datum").fill(today.isoformat())
    page.get_by_role("button", name="Overleg plannen").click()
    proposal = page.locator("#proposal tbody tr")
    assert proposal.count() == 1
    assert "NIJ-2026-014" in proposal.inner_text()
    assert "Westervoort" in proposal.inner_text()
    assert proposal.locator(".explanation").inner_text().strip()
    meeting_url = page.url
    screenshot(page, "mediation-meeting-proposal")
    page.get_by_label("Besluit", exact=True).select_option("placed")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.get_by_text("Besluit over Casus NIJ-2026-014 vastgelegd").wait_for()

    # Westervoort and Vivare confirm.
    switch_to(page, login, "alice")
    page.goto(meeting_url)
    page.get_by_role("button", name="Plaatsing bevestigen namens de gemeente").click()
    page.get_by_text("Plaatsing bevestigd").wait_for()
    assert westervoort_row(page) == (realised_before, via_before)  # one confirmation only

    switch_to(page, login, "vivare-vera")
    page.goto(meeting_url)
    page.get_by_role("button", name="Plaatsing bevestigen namens de corporatie").click()
    page.get_by_text("Plaatsing bevestigd").wait_for()

    switch_to(page, login, "projectleider")
    assert westervoort_row(page) == (realised_before + 1, via_before + 1)
    screenshot(page, "mediation-realisation-on-dashboard")
