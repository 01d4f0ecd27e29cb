"""In a real browser: sign in, open the Westervoort profile, and check the pages with axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def region_data(transactional_db):
    """The project's own data set: the 17 municipalities, Westervoort with the seed's figures."""
    call_command("load_gmr_data", verbosity=0)


@pytest.fixture
def civil_servant(region_data):
    from municipalities.models import Municipality
    from tests import factories

    westervoort = Municipality.objects.get(cbs_code="GM0293")
    return factories.member(role="civil_servant", municipality=westervoort, username="alice")


def blocking_violations(page):
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def test_civil_servant_signs_in_and_reads_the_westervoort_profile(
    page, login, screenshot, civil_servant
):
    login(page, "alice")
    # A civil servant lands on their own municipality's work, and reaches its profile from there.
    page.get_by_role(
        "heading", name=re.compile(r"^Mijn gemeente: Westervoort in \d{4}$")
    ).wait_for()
    page.get_by_role("link", name="Gemeenteprofiel").click()

    page.get_by_role("heading", name="Gemeenteprofiel Westervoort").wait_for()
    inhabitants = page.get_by_role("row", name="Aantal inwoners")
    assert "15.114" in inhabitants.inner_text()
    assert "6.766" in page.get_by_role("row", name="Aantal woningen").inner_text()
    social_rent = page.get_by_role("row", name="Sociale huurwoningen").inner_text()
    assert "2.098" in social_rent and "31,0%" in social_rent
    bw_wmo = page.get_by_role("row", name="Beschermd wonen (Wmo)").inner_text()
    assert "27" in bw_wmo and "0,18%" in bw_wmo and "0,16%" in bw_wmo
    assert "212" in page.get_by_role("row", name="Totaal cliënten in zorginstellingen").inner_text()
    screenshot(page, "westervoort-profile")


def test_login_home_and_profile_have_no_serious_accessibility_violations(
    page, login, screenshot, civil_servant
):
    page.goto("/login/")
    assert blocking_violations(page) == []
    screenshot(page, "login")

    login(page, "alice")
    assert blocking_violations(page) == []
    screenshot(page, "home")

    page.goto("/gemeenten/westervoort/")
    assert blocking_violations(page) == []
