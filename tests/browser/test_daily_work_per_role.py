"""Each role's main daily task in the browser, from the page login sends it to, with axe
finding nothing serious on the pages it works on: the civil servant fills the year's
agreements in the grid and submits one, the project leader approves it from the inbox, a
corporation and the steering group read the progress."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from monitoring.models import AgreementStatus, LocalAgreement
from municipalities.models import CorporationStock
from tests import factories
from tests.monitoring.conftest import approve_fair_share, groups  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious(page):
    return [
        v["id"]
        for v in Axe().run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.fixture
def year_2026(approve_fair_share, westervoort, owner, project_leader, steering_member):  # noqa: F811
    approve_fair_share({(westervoort, "statushouders", 2026): 10})


def sign_out(page):
    page.context.clear_cookies()


def test_civil_servant_and_project_leader_do_their_daily_work(page, login, year_2026):
    login(page, "alice")
    page.wait_for_url("**/monitoring/mijn-gemeente/")
    assert serious(page) == []
    page.get_by_role("link", name="Alle afspraken in één keer invullen").click()
    page.locator("#c-statushouders").fill("12")
    assert serious(page) == []
    page.get_by_role("button", name="Alles opslaan").click()
    page.get_by_text("1 cel opgeslagen.").wait_for()
    page.get_by_role("link", name="statushouders", exact=False).first.click()
    page.get_by_role("button", name="Indienen bij de regio").click()
    page.locator(".badge.status-submitted").wait_for()
    sign_out(page)

    login(page, "projectleider")
    page.wait_for_url("**/monitoring/inbox/")
    assert serious(page) == []
    page.get_by_role("link", name="Beoordelen", exact=False).first.click()
    page.get_by_role("button", name="Goedkeuren").click()
    page.locator(".badge.status-approved").wait_for()
    assert LocalAgreement.objects.get().status == AgreementStatus.APPROVED


def test_corporation_and_steering_group_read_the_progress(page, login, year_2026, westervoort):
    corporation = factories.CorporationFactory(name="Vivare")
    CorporationStock.objects.create(
        corporation=corporation, municipality=westervoort, dwellings=900
    )
    factories.member(
        role="corporation", corporation=corporation, username="vivare", region=westervoort.region
    )

    for username in ("vivare", "stuurgroep"):
        login(page, username)
        page.wait_for_url("**/dashboard/")
        assert serious(page) == [], username
        page.goto("/monitoring/?jaar=2026")
        page.get_by_role("heading", level=1).wait_for()
        assert serious(page) == [], username
        sign_out(page)
